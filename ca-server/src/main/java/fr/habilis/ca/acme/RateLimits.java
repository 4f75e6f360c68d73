package fr.habilis.ca.acme;

import fr.habilis.ca.store.RateLimitRepository;
import java.sql.Connection;
import java.sql.SQLException;
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
    Long stored = RateLimitRepository.lockedTat(c, key);
    if (stored == null) {
      stored = RateLimitRepository.insertOrLock(c, key, nowMs + interval);
      if (stored == null) return null; // the key's first request
    }
    long tat = Math.max(stored, nowMs);
    if (tat - nowMs > tolerance) return Duration.ofMillis(tat - nowMs - tolerance);
    RateLimitRepository.updateTat(c, key, tat + interval);
    return null;
  }
}
