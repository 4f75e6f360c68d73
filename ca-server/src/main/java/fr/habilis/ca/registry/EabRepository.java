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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EAB credentials: minted by the RA, consumed once by ACME newAccount. The HMAC key is stored
 * sealed ({@link EabKeySealer}), opened only when a credential is read to verify an EAB, and
 * erased when the credential is consumed.
 */
public final class EabRepository {
  private static final Logger LOG = LoggerFactory.getLogger(EabRepository.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final EabKeySealer sealer;

  public EabRepository(EabKeySealer sealer) {
    this.sealer = sealer;
  }

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
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO eab_credentials (kid, hmac_key_sealed, admin_id, created_at,"
        + " expires_at) VALUES (?,?,?,?,?)")) {
      ps.setString(1, cred.kid());
      ps.setBytes(2, sealer.seal(cred.kid(), key));
      ps.setString(3, adminId);
      ps.setObject(4, utc(now));
      ps.setObject(5, utc(cred.expiresAt()));
      ps.executeUpdate();
    }
    return cred;
  }

  /** The credential, its key opened (null once consumed); an UNAUTHORIZED DomainError under another CA secret. */
  public Optional<EabCredential> find(Connection c, String kid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT kid, hmac_key_sealed, admin_id, expires_at, consumed_at, account_id"
        + " FROM eab_credentials WHERE kid = ?")) {
      ps.setString(1, kid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        byte[] sealed = rs.getBytes(2);
        return Optional.of(new EabCredential(rs.getString(1), sealed == null ? null : sealer.open(kid, sealed),
            rs.getString(3), instant(rs, 4), instant(rs, 5), rs.getObject(6, Long.class)));
      }
    }
  }

  /** Atomically marks an unexpired, unused credential as bound to accountId; false if not possible. */
  public boolean consume(Connection c, String kid, long accountId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE eab_credentials SET consumed_at = ?, account_id = ?, hmac_key_sealed = NULL"
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

  /**
   * Seals the clear keys left by versions before V15 and erases them, in the caller's
   * transaction (start-up); a consumed credential's key is erased without sealing. Returns how
   * many keys were sealed.
   */
  public int sealClearKeys(Connection c) throws SQLException {
    int sealed = 0;
    try (PreparedStatement q = c.prepareStatement("SELECT kid, hmac_key, consumed_at FROM eab_credentials"
            + " WHERE hmac_key IS NOT NULL FOR UPDATE");
        ResultSet rs = q.executeQuery();
        PreparedStatement u = c.prepareStatement("UPDATE eab_credentials SET hmac_key_sealed = ?, hmac_key = NULL"
            + " WHERE kid = ?")) {
      while (rs.next()) {
        String kid = rs.getString(1);
        boolean consumed = rs.getObject(3) != null;
        u.setBytes(1, consumed ? null : sealer.seal(kid, rs.getBytes(2)));
        u.setString(2, kid);
        u.executeUpdate();
        if (!consumed) sealed++;
      }
    }
    if (sealed > 0) LOG.info("sealed " + sealed + " EAB HMAC keys stored in clear by an earlier version");
    return sealed;
  }
}
