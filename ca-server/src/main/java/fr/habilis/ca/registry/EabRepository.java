package fr.habilis.ca.registry;

import static fr.habilis.ca.store.Sql.instant;
import static fr.habilis.ca.store.Sql.utc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/** EAB credentials: minted by the RA, consumed once by ACME newAccount. */
public final class EabRepository {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Mints a credential: a random key id and a 256-bit HMAC key (HS256 needs at least 256 bits). */
  public EabCredential mint(Connection c, String adminId, Instant now, Duration validity) throws SQLException {
    byte[] id = new byte[15];
    byte[] key = new byte[32];
    RANDOM.nextBytes(id);
    // Redrawn while its base64url text would start with '-' (first 6 bits = 62): command lines such
    // as certbot's --eab-hmac-key would read it as an option. Costs 0.02 bits of 256.
    do {
      RANDOM.nextBytes(key);
    } while ((key[0] & 0xFF) >>> 2 == 62);
    EabCredential cred = new EabCredential("eab-" + Base64.getUrlEncoder().withoutPadding().encodeToString(id), key,
        adminId, now.plus(validity), null, null);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO eab_credentials (kid, hmac_key, admin_id, created_at,"
        + " expires_at) VALUES (?,?,?,?,?)")) {
      ps.setString(1, cred.kid());
      ps.setBytes(2, key);
      ps.setString(3, adminId);
      ps.setObject(4, utc(now));
      ps.setObject(5, utc(cred.expiresAt()));
      ps.executeUpdate();
    }
    return cred;
  }

  public Optional<EabCredential> find(Connection c, String kid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT kid, hmac_key, admin_id, expires_at, consumed_at, account_id"
        + " FROM eab_credentials WHERE kid = ?")) {
      ps.setString(1, kid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        return Optional.of(new EabCredential(rs.getString(1), rs.getBytes(2), rs.getString(3), instant(rs, 4),
            instant(rs, 5), rs.getObject(6, Long.class)));
      }
    }
  }

  /** Atomically marks an unexpired, unused credential as bound to accountId; false if not possible. */
  public boolean consume(Connection c, String kid, long accountId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE eab_credentials SET consumed_at = ?, account_id = ?"
        + " WHERE kid = ? AND consumed_at IS NULL AND expires_at > ?")) {
      ps.setObject(1, utc(now));
      ps.setLong(2, accountId);
      ps.setString(3, kid);
      ps.setObject(4, utc(now));
      return ps.executeUpdate() == 1;
    }
  }

  /** Unused, unexpired credentials of an administrator (the demo reuses one rather than minting more). */
  public Optional<EabCredential> findUnused(Connection c, String adminId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT kid FROM eab_credentials WHERE admin_id = ?"
        + " AND consumed_at IS NULL AND expires_at > ? ORDER BY created_at DESC")) {
      ps.setString(1, adminId);
      ps.setObject(2, utc(now));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? find(c, rs.getString(1)) : Optional.empty();
      }
    }
  }
}
