package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Revocations: a certificate's status ({@code certificates}) and the CRLs' narrow copy of it
 * ({@code revoked_certificates}), and the OCSP status read from them.
 */
public final class RevocationRepository {
  private RevocationRepository() {}

  /** What OCSP says of a serial: the CA that issued it, whether revoked, when and why (RFC 5280 reason code). */
  public record Status(String caId, boolean revoked, Instant revokedAt, Integer reason) {}

  /**
   * Marks a valid certificate revoked and adds it to its CA's CRL entries, in the caller's
   * transaction; false, with nothing written, when it was not valid (already revoked).
   */
  public static boolean markRevoked(Connection c, String caId, String serialHex, int reasonCode, Instant notAfter, Instant now)
      throws SQLException {
    if (Sql.update(c, "UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ?"
        + " WHERE serial = ? AND status = 'valid'", now, reasonCode, serialHex) != 1) {
      return false;
    }
    Sql.update(c, "INSERT INTO revoked_certificates (ca_id, serial, revoked_at, reason, not_after) VALUES (?, ?, ?, ?, ?)",
        caId, serialHex, now, reasonCode, notAfter);
    return true;
  }

  public static Optional<Status> status(Connection c, String serialHex) throws SQLException {
    return Sql.first(c, "SELECT ca_id, status, revoked_at, revocation_reason FROM certificates WHERE serial = ?",
        rs -> new Status(rs.getString(1), "revoked".equals(rs.getString(2)), instant(rs, 3),
            rs.getObject(4, Integer.class)), serialHex);
  }
}
