package fr.habilis.ca.acme;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;

/**
 * "At most N per window" as a GCRA (the algorithm behind Let's Encrypt's current limits): each
 * key has a theoretical arrival time (TAT); a request is allowed when the TAT is at most
 * {@code window - window/N} ahead of now, and then pushes it {@code window/N} further. N requests
 * may come at once, then one more every window/N. One row per key, read and written under its
 * row lock in the caller's transaction: the check costs the same after a million orders, holds
 * across server instances, and a refused or rolled-back request consumes nothing.
 */
final class RateLimits {
  private RateLimits() {}

  /**
   * Consumes one request for {@code key}; returns null when allowed, else how long until the next
   * request would be (the Retry-After).
   */
  static Duration take(Connection c, String key, int limit, Duration window, Instant now) throws SQLException {
    long windowMs = window.toMillis();
    long interval = Math.max(1, windowMs / limit);
    long tolerance = windowMs - interval;
    long nowMs = now.toEpochMilli();
    Long stored = lockedTat(c, key);
    if (stored == null) {
      Savepoint sp = c.setSavepoint();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rate_limits (limit_key, tat_ms) VALUES (?, ?)")) {
        ps.setString(1, key);
        ps.setLong(2, nowMs + interval);
        ps.executeUpdate();
        c.releaseSavepoint(sp);
        return null;
      } catch (SQLException e) {
        if (!"23505".equals(e.getSQLState())) throw e;
        c.rollback(sp); // another transaction created the row first: use it
        stored = lockedTat(c, key);
        if (stored == null) throw e;
      }
    }
    long tat = Math.max(stored, nowMs);
    if (tat - nowMs > tolerance) return Duration.ofMillis(tat - nowMs - tolerance);
    try (PreparedStatement ps = c.prepareStatement("UPDATE rate_limits SET tat_ms = ? WHERE limit_key = ?")) {
      ps.setLong(1, tat + interval);
      ps.setString(2, key);
      ps.executeUpdate();
    }
    return null;
  }

  private static Long lockedTat(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT tat_ms FROM rate_limits WHERE limit_key = ? FOR UPDATE")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
