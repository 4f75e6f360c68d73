package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import fr.habilis.ca.registry.EabCredential;
import fr.habilis.ca.registry.EabKeySealer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
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
    Sql.update(c, "INSERT INTO eab_credentials (kid, hmac_key_sealed, admin_id, created_at, expires_at) VALUES (?,?,?,?,?)",
        cred.kid(), sealer.seal(cred.kid(), key), adminId, now, cred.expiresAt());
    return cred;
  }

  /** The credential, its key opened (null once consumed); an UNAUTHORIZED DomainError under another CA secret. */
  public Optional<EabCredential> find(Connection c, String kid) throws SQLException {
    return Sql.first(c, "SELECT kid, hmac_key_sealed, admin_id, expires_at, consumed_at, account_id FROM eab_credentials"
        + " WHERE kid = ?", rs -> {
          byte[] sealed = rs.getBytes(2);
          return new EabCredential(rs.getString(1), sealed == null ? null : sealer.open(kid, sealed), rs.getString(3),
              instant(rs, 4), instant(rs, 5), rs.getObject(6, Long.class));
        }, kid);
  }

  /** Atomically marks an unexpired, unused credential as bound to accountId; false if not possible. */
  public boolean consume(Connection c, String kid, long accountId, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE eab_credentials SET consumed_at = ?, account_id = ?, hmac_key_sealed = NULL"
        + " WHERE kid = ? AND consumed_at IS NULL AND expires_at > ?", now, accountId, kid, now) == 1;
  }

  /** Unused, unexpired credentials of an administrator (the demo reuses one rather than minting more). */
  public Optional<EabCredential> findUnused(Connection c, String adminId, Instant now) throws SQLException {
    Optional<String> kid = Sql.first(c, "SELECT kid FROM eab_credentials WHERE admin_id = ? AND consumed_at IS NULL"
        + " AND expires_at > ? ORDER BY created_at DESC", rs -> rs.getString(1), adminId, now);
    return kid.isPresent() ? find(c, kid.get()) : Optional.empty();
  }

  /**
   * Seals the clear keys left by versions before V15 and erases them, in the caller's
   * transaction (start-up); a consumed credential's key is erased without sealing. Returns how
   * many keys were sealed.
   */
  public int sealClearKeys(Connection c) throws SQLException {
    record ClearKey(String kid, byte[] key, boolean consumed) {}
    int sealed = 0;
    for (ClearKey k : Sql.list(c, "SELECT kid, hmac_key, consumed_at FROM eab_credentials WHERE hmac_key IS NOT NULL"
        + " FOR UPDATE", rs -> new ClearKey(rs.getString(1), rs.getBytes(2), rs.getObject(3) != null))) {
      Sql.update(c, "UPDATE eab_credentials SET hmac_key_sealed = ?, hmac_key = NULL WHERE kid = ?",
          Sql.typed(k.consumed() ? null : sealer.seal(k.kid(), k.key()), Types.VARBINARY), k.kid());
      if (!k.consumed()) sealed++;
    }
    if (sealed > 0) LOG.info("sealed " + sealed + " EAB HMAC keys stored in clear by an earlier version");
    return sealed;
  }
}
