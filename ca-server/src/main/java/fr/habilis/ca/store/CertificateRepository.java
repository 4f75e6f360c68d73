package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code serials}, {@code certificates} and {@code blocked_keys} tables. Every method runs in
 * the caller's transaction ({@link Database#tx}), so a caller can compose several of them.
 * Serials are canonical lowercase hex ({@code fr.habilis.ca.issuance.SerialNumbers#toHex}).
 */
public final class CertificateRepository {

  /**
   * One row of {@code certificates}. Times are UTC instants; {@code status} is valid|revoked;
   * {@code replaces} / {@code replacedBy} are the serials of its predecessor and successor (RFC 9773
   * renewals), null when none.
   */
  public record StoredCertificate(
      String serialHex,
      String caId,
      String profile,
      String subjectDn,
      String commonName,
      String structureId,
      String adminCard,
      Long accountId,
      Long orderId,
      String keyHash,
      Instant notBefore,
      Instant notAfter,
      byte[] der,
      String status,
      Instant revokedAt,
      Integer revocationReason,
      String replaces,
      String replacedBy) {

    /** A certificate outside any renewal chain (a new issuance before it is linked). */
    public StoredCertificate(String serialHex, String caId, String profile, String subjectDn, String commonName,
        String structureId, String adminCard, Long accountId, Long orderId, String keyHash, Instant notBefore,
        Instant notAfter, byte[] der, String status, Instant revokedAt, Integer revocationReason) {
      this(serialHex, caId, profile, subjectDn, commonName, structureId, adminCard, accountId, orderId, keyHash, notBefore,
          notAfter, der, status, revokedAt, revocationReason, null, null);
    }
  }

  /**
   * Records a serial as used. Fails with an integrity-constraint {@link SQLException} (SQLState
   * class 23) when it already exists: the primary key is what makes serials unique, across
   * restarts and server instances (RFC 5280 §4.1.2.2).
   */
  public void reserveSerial(Connection c, String serialHex, String caId, Instant now) throws SQLException {
    Sql.update(c, "INSERT INTO serials (serial, ca_id, created_at) VALUES (?,?,?)", serialHex, caId, now);
  }

  /** The CA a serial was reserved for, if it was reserved. */
  public Optional<String> reservedFor(Connection c, String serialHex) throws SQLException {
    return Sql.first(c, "SELECT ca_id FROM serials WHERE serial = ?", rs -> rs.getString(1), serialHex);
  }

  /** True for a duplicate-key failure of {@link #reserveSerial} (SQLState class 23, integrity constraint). */
  public static boolean isDuplicate(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) return true;
    }
    return false;
  }

  /** Stores a freshly issued certificate (status valid); its serial must have been reserved. */
  public void insert(Connection c, StoredCertificate cert, Instant now) throws SQLException {
    Sql.update(c, "INSERT INTO certificates (serial, ca_id, profile, subject_dn, common_name, structure_id, admin_card,"
        + " account_id, order_id, key_hash, not_before, not_after, der, status, created_at)"
        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cert.serialHex(), cert.caId(), cert.profile(), cert.subjectDn(),
        cert.commonName(), cert.structureId(), cert.adminCard(), Sql.typed(cert.accountId(), Types.BIGINT),
        Sql.typed(cert.orderId(), Types.BIGINT), cert.keyHash(), cert.notBefore(), cert.notAfter(), cert.der(),
        cert.status(), now);
  }

  private static final String SELECT = "SELECT serial, ca_id, profile, subject_dn, common_name, structure_id,"
      + " admin_card, account_id, order_id, key_hash, not_before, not_after, der, status, revoked_at, revocation_reason,"
      // Aliased: a second output column named "serial" makes PostgreSQL's ORDER BY serial ambiguous.
      + " replaces, (SELECT r.serial FROM certificates r WHERE r.replaces = certificates.serial) AS replaced_by"
      + " FROM certificates";

  public Optional<StoredCertificate> findBySerial(Connection c, String serialHex) throws SQLException {
    return Sql.first(c, SELECT + " WHERE serial = ?", CertificateRepository::row, serialHex);
  }

  private static StoredCertificate row(ResultSet rs) throws SQLException {
    return new StoredCertificate(
        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getObject(8, Long.class), rs.getObject(9, Long.class),
        rs.getString(10), Sql.instant(rs, 11), Sql.instant(rs, 12), rs.getBytes(13), rs.getString(14),
        Sql.instant(rs, 15), rs.getObject(16, Integer.class), rs.getString(17), rs.getString(18));
  }

  /**
   * The unexpired, unrevoked certificates of this key, oldest first. Seed 004: a key pair is never
   * shared between different certificates or servers; issuance/KeyReusePolicy decides whether a
   * new certificate renews these.
   */
  public List<StoredCertificate> validWithKey(Connection c, String keyHash, Instant now) throws SQLException {
    return Sql.list(c, SELECT + " WHERE key_hash = ? AND status = 'valid' AND not_after > ? ORDER BY not_before, serial",
        CertificateRepository::row, keyHash, now);
  }

  /** A certificate's serial and profile. */
  public record SerialProfile(String serialHex, String profile) {}

  /** The live (valid, unexpired) certificates of a structure. */
  public List<SerialProfile> liveOfStructure(Connection c, String structureId, Instant now) throws SQLException {
    return Sql.list(c, "SELECT serial, profile FROM certificates WHERE structure_id = ? AND status = 'valid'"
        + " AND not_after > ?", rs -> new SerialProfile(rs.getString(1), rs.getString(2)), structureId, now);
  }

  /** True when a certificate names this one in {@code replaces}: its successor (RFC 9773). */
  public boolean hasSuccessor(Connection c, String serialHex) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM certificates WHERE replaces = ?", serialHex);
  }

  /**
   * True when the account that ordered {@code cert} holds a valid certificate of the same profile,
   * structure and CN, issued after it (created_at: two renewals within one second share notAfter)
   * and expiring no sooner: a renewal made without {@code replaces}.
   */
  public boolean hasLaterRenewal(Connection c, StoredCertificate cert, Instant now) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM certificates n WHERE n.account_id = ? AND n.profile = ? AND n.structure_id = ?"
        + " AND n.common_name = ? AND n.status = 'valid' AND n.serial <> ? AND n.not_after >= ? AND n.not_after > ?"
        + " AND n.created_at > (SELECT o.created_at FROM certificates o WHERE o.serial = ?)", cert.accountId(),
        cert.profile(), cert.structureId(), cert.commonName(), cert.serialHex(), cert.notAfter(), now, cert.serialHex());
  }


  public boolean isKeyBlocked(Connection c, String keyHash) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM blocked_keys WHERE key_hash = ?", keyHash);
  }

  /** Blocks a key for ever (idempotent): keyCompromise revocations and known-weak keys. */
  public void blockKey(Connection c, String keyHash, String reason, Instant now) throws SQLException {
    if (isKeyBlocked(c, keyHash)) return;
    Sql.update(c, "INSERT INTO blocked_keys (key_hash, reason, created_at) VALUES (?,?,?)", keyHash, reason, now);
  }

  /**
   * What the RA's certificate search filters on; null (or, for {@code adminCards} and
   * {@code profiles}, null) matches any. {@code notAfterFrom} is inclusive, {@code notAfterBefore}
   * and {@code liveAt} (unexpired at that instant) exclusive.
   */
  public record Filter(String structureId, List<String> adminCards, String status, Set<String> profiles,
      Instant liveAt, Instant notAfterFrom, Instant notAfterBefore) {}

  /** A page of certificates matching the filter, soonest expiry first (serial within one instant): the RA's follow-up view. */
  public List<StoredCertificate> list(Connection c, Filter f, int limit, int offset) throws SQLException {
    Sql.Where where = new Sql.Where().andIf("structure_id = ?", f.structureId());
    if (f.adminCards() != null) {
      if (f.adminCards().isEmpty()) return List.of();
      where.and("admin_card IN (" + Sql.marks(f.adminCards().size()) + ")", f.adminCards().toArray());
    }
    if (f.profiles() != null) {
      if (f.profiles().isEmpty()) return List.of();
      where.and("profile IN (" + Sql.marks(f.profiles().size()) + ")", f.profiles().stream().sorted().toArray());
    }
    where.andIf("status = ?", f.status()).andIf("not_after > ?", f.liveAt()).andIf("not_after >= ?", f.notAfterFrom())
        .andIf("not_after < ?", f.notAfterBefore());
    return Sql.page(c, SELECT, where, "not_after, serial", limit, offset, CertificateRepository::row);
  }
}
