package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The audit trail's rows ({@code audit_log}) and its head ({@code audit_head}, one row: the last
 * sequence number and hash). The chain itself (hashes, verification) is {@code audit/AuditLog}'s.
 */
public final class AuditRepository {
  private AuditRepository() {}

  /** One entry as stored; {@code at} in UTC. */
  public record Entry(long seq, OffsetDateTime at, String actor, String action, String subject, String details,
      String prevHash, String hash) {}

  /** The head row: the number of entries and the last one's hash. */
  public record Head(long seq, String hash) {}

  /** Reads one entry at a time; false stops the reading. */
  @FunctionalInterface
  public interface EntryVisitor {
    boolean visit(Entry entry) throws SQLException;
  }

  public static Head head(Connection c) throws SQLException {
    return Sql.one(c, "SELECT seq, hash FROM audit_head WHERE id = 1", rs -> new Head(rs.getLong(1), rs.getString(2)));
  }

  /**
   * Takes the next sequence number: the head's row lock, taken first, serialises appenders until
   * the transaction ends, even across server instances. Returns the head with that number and the
   * previous entry's hash.
   */
  public static Head advanceHead(Connection c) throws SQLException {
    Sql.update(c, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1");
    return head(c);
  }

  /** Appends the entry and makes its hash the head's. */
  public static void append(Connection c, Entry e) throws SQLException {
    Sql.update(c, "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)"
        + " VALUES (?,?,?,?,?,?,?,?)", e.seq(), e.at(), e.actor(), e.action(), e.subject(), e.details(), e.prevHash(),
        e.hash());
    Sql.update(c, "UPDATE audit_head SET hash = ? WHERE id = 1", e.hash());
  }

  /** Every entry in sequence order, streamed (any length of chain), until the visitor returns false. */
  public static void entries(Connection c, EntryVisitor visitor) throws SQLException {
    Sql.stream(c, "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq", 1000,
        rs -> visitor.visit(new Entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).withOffsetSameInstant(
            ZoneOffset.UTC), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
            rs.getString(8))));
  }
}
