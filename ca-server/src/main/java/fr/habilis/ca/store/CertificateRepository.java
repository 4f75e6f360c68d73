package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

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
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO serials (serial, ca_id, created_at) VALUES (?,?,?)")) {
      ps.setString(1, serialHex);
      ps.setString(2, caId);
      ps.setObject(3, Sql.utc(now));
      ps.executeUpdate();
    }
  }

  /** The CA a serial was reserved for, if it was reserved. */
  public Optional<String> reservedFor(Connection c, String serialHex) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT ca_id FROM serials WHERE serial = ?")) {
      ps.setString(1, serialHex);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
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
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO certificates (serial, ca_id, profile, subject_dn, common_name, structure_id, admin_card,"
            + " account_id, order_id, key_hash, not_before, not_after, der, status, created_at)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      ps.setString(1, cert.serialHex());
      ps.setString(2, cert.caId());
      ps.setString(3, cert.profile());
      ps.setString(4, cert.subjectDn());
      ps.setString(5, cert.commonName());
      ps.setString(6, cert.structureId());
      ps.setString(7, cert.adminCard());
      ps.setObject(8, cert.accountId(), java.sql.Types.BIGINT);
      ps.setObject(9, cert.orderId(), java.sql.Types.BIGINT);
      ps.setString(10, cert.keyHash());
      ps.setObject(11, Sql.utc(cert.notBefore()));
      ps.setObject(12, Sql.utc(cert.notAfter()));
      ps.setBytes(13, cert.der());
      ps.setString(14, cert.status());
      ps.setObject(15, Sql.utc(now));
      ps.executeUpdate();
    }
  }

  private static final String SELECT = "SELECT serial, ca_id, profile, subject_dn, common_name, structure_id,"
      + " admin_card, account_id, order_id, key_hash, not_before, not_after, der, status, revoked_at, revocation_reason,"
      // Aliased: a second output column named "serial" makes PostgreSQL's ORDER BY serial ambiguous.
      + " replaces, (SELECT r.serial FROM certificates r WHERE r.replaces = certificates.serial) AS replaced_by"
      + " FROM certificates";

  public Optional<StoredCertificate> findBySerial(Connection c, String serialHex) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE serial = ?")) {
      ps.setString(1, serialHex);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
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
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE key_hash = ? AND status = 'valid' AND not_after > ?"
        + " ORDER BY not_before, serial")) {
      ps.setString(1, keyHash);
      ps.setObject(2, Sql.utc(now));
      try (ResultSet rs = ps.executeQuery()) {
        List<StoredCertificate> out = new java.util.ArrayList<>();
        while (rs.next()) out.add(row(rs));
        return out;
      }
    }
  }


  public boolean isKeyBlocked(Connection c, String keyHash) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM blocked_keys WHERE key_hash = ?")) {
      ps.setString(1, keyHash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Blocks a key for ever (idempotent): keyCompromise revocations and known-weak keys. */
  public void blockKey(Connection c, String keyHash, String reason, Instant now) throws SQLException {
    if (isKeyBlocked(c, keyHash)) return;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO blocked_keys (key_hash, reason, created_at) VALUES (?,?,?)")) {
      ps.setString(1, keyHash);
      ps.setString(2, reason);
      ps.setObject(3, Sql.utc(now));
      ps.executeUpdate();
    }
  }

  /** A page of certificates matching the filters (null = any), soonest expiry first: the RA's follow-up view. */
  public List<StoredCertificate> list(Connection c, String structureId, List<String> adminCards, String status,
      Instant expiresAfter, Instant expiresBefore, int limit, int offset) throws SQLException {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    if (structureId != null) {
      where.add("structure_id = ?");
      args.add(structureId);
    }
    if (adminCards != null) {
      if (adminCards.isEmpty()) return List.of();
      where.add("admin_card IN (" + String.join(",", Collections.nCopies(adminCards.size(), "?")) + ")");
      args.addAll(adminCards);
    }
    if (status != null) {
      where.add("status = ?");
      args.add(status);
    }
    if (expiresAfter != null) {
      where.add("not_after > ?");
      args.add(Sql.utc(expiresAfter));
    }
    if (expiresBefore != null) {
      where.add("not_after < ?");
      args.add(Sql.utc(expiresBefore));
    }
    return Sql.page(c, SELECT, where, args, "not_after, serial", limit, offset, CertificateRepository::row);
  }
}
