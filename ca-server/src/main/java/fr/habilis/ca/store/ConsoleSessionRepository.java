package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The console's sessions ({@code console_sessions}), keyed by the SHA-256 of the cookie value. */
public final class ConsoleSessionRepository {
  /**
   * A stored session; {@code idHash} is never the cookie value itself. {@code stage} "totp": the
   * password was accepted and the operator's one-time code is awaited; "ok": signed in.
   */
  public record StoredSession(String idHash, String operatorId, String csrfToken, String stage,
      Instant createdAt, Instant lastSeenAt) {}

  public void insert(Connection c, StoredSession s) throws SQLException {
    Sql.update(c, "INSERT INTO console_sessions (id_hash, operator_id, csrf_token, stage, created_at, last_seen_at)"
        + " VALUES (?,?,?,?,?,?)", s.idHash(), s.operatorId(), s.csrfToken(), s.stage(), s.createdAt(),
        s.lastSeenAt());
  }

  public Optional<StoredSession> find(Connection c, String idHash) throws SQLException {
    return Sql.first(c, "SELECT id_hash, operator_id, csrf_token, stage, created_at, last_seen_at"
        + " FROM console_sessions WHERE id_hash = ?", rs -> new StoredSession(rs.getString(1), rs.getString(2),
        rs.getString(3), rs.getString(4), Sql.instant(rs, 5), Sql.instant(rs, 6)), idHash);
  }

  public void touch(Connection c, String idHash, Instant now) throws SQLException {
    Sql.update(c, "UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?", now, idHash);
  }


  public boolean delete(Connection c, String idHash) throws SQLException {
    return Sql.update(c, "DELETE FROM console_sessions WHERE id_hash = ?", idHash) > 0;
  }

  /** Sessions past either timeout: they would be refused anyway; this keeps the table small. */
  public int purge(Connection c, Instant idleBefore, Instant createdBefore) throws SQLException {
    return Sql.update(c, "DELETE FROM console_sessions WHERE last_seen_at < ? OR created_at < ?", idleBefore, createdBefore);
  }
}
