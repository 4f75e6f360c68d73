package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/** The rate limits' theoretical arrival times ({@code rate_limits}), one row per key, in epoch milliseconds. */
public final class RateLimitRepository {
  private RateLimitRepository() {}

  /** The key's TAT, its row locked until the transaction ends; null when the key has no row yet. */
  public static Long lockedTat(Connection c, String key) throws SQLException {
    return Sql.first(c, "SELECT tat_ms FROM rate_limits WHERE limit_key = ? FOR UPDATE", rs -> rs.getLong(1), key)
        .orElse(null);
  }

  /**
   * Creates the key's row with {@code tat} and returns null; when a concurrent transaction created
   * it first, leaves it as it is and returns its TAT, locked.
   */
  public static Long insertOrLock(Connection c, String key, long tat) throws SQLException {
    Savepoint sp = c.setSavepoint();
    try {
      Sql.update(c, "INSERT INTO rate_limits (limit_key, tat_ms) VALUES (?, ?)", key, tat);
      c.releaseSavepoint(sp);
      return null;
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) throw e;
      c.rollback(sp); // another transaction created the row first: use it
      Long stored = lockedTat(c, key);
      if (stored == null) throw e;
      return stored;
    }
  }

  public static void updateTat(Connection c, String key, long tat) throws SQLException {
    Sql.update(c, "UPDATE rate_limits SET tat_ms = ? WHERE limit_key = ?", tat, key);
  }
}
