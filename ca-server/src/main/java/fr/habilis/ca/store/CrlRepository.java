package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;

/** What a CRL is made of: its CA's revoked, unexpired certificates and its number ({@code crl_state}). */
public final class CrlRepository {
  private CrlRepository() {}

  /** One CRL entry as stored: serial (hex), revocation time, reason code. */
  @FunctionalInterface
  public interface EntryConsumer {
    void accept(String serialHex, Instant revokedAt, int reason) throws SQLException;
  }

  /**
   * Revoked, unexpired certificates of the CA, straight from a JDBC cursor over the narrow
   * revoked_certificates table. H2 materialises a whole result before returning its first row
   * unless told to run the query lazily: a million rows would then be copied to a temporary file.
   */
  public static void revoked(Connection c, String caId, Instant now, EntryConsumer entries) throws SQLException {
    boolean h2 = c.getMetaData().getURL().startsWith("jdbc:h2:");
    if (h2) setLazy(c, true);
    // No ORDER BY: RFC 5280 does not order CRL entries. On H2 the table is scanned in storage order
    // ("USE INDEX ()"): through the (ca_id, serial) key every row would cost a lookup by row id.
    try {
      Sql.stream(c, "SELECT serial, revoked_at, reason FROM revoked_certificates" + (h2 ? " USE INDEX ()" : "")
          + " WHERE ca_id = ? AND not_after > ?", 5000, rs -> {
            entries.accept(rs.getString(1), instant(rs, 2), rs.getInt(3));
            return true;
          }, caId, now);
    } finally {
      if (h2) setLazy(c, false); // pooled connection: back to the default for the next user
    }
  }

  private static void setLazy(Connection c, boolean lazy) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET LAZY_QUERY_EXECUTION " + (lazy ? "TRUE" : "FALSE"));
    }
  }

  /** The next CRL number: the row lock of the UPDATE serialises instances. */
  public static long nextNumber(Connection c, String caId, Instant now) throws SQLException {
    if (increment(c, caId, now) == 0) {
      // A CA's first CRL: two instances can both find no row. The loser of the insert race rolls
      // back to a savepoint (PostgreSQL aborts the whole transaction on an error otherwise) and
      // increments the winner's row instead of failing its generation.
      Savepoint beforeInsert = c.setSavepoint();
      try {
        Sql.update(c, "INSERT INTO crl_state (ca_id, crl_number, this_update) VALUES (?, 1, ?)", caId, now);
        c.releaseSavepoint(beforeInsert);
      } catch (SQLException e) {
        if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) throw e;
        c.rollback(beforeInsert);
        if (increment(c, caId, now) == 0) throw e;
      }
    }
    return Sql.one(c, "SELECT crl_number FROM crl_state WHERE ca_id = ?", rs -> rs.getLong(1), caId);
  }

  private static int increment(Connection c, String caId, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE crl_state SET crl_number = crl_number + 1, this_update = ? WHERE ca_id = ?", now, caId);
  }
}
