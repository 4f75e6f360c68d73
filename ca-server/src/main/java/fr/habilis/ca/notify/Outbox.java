package fr.habilis.ca.notify;

import static fr.habilis.ca.store.Sql.instant;
import static fr.habilis.ca.store.Sql.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The notice outbox: one row per message to one recipient, written in the same transaction as the
 * change it announces (nothing is sent for a change rolled back, nothing is lost for one committed),
 * then delivered at least once under a claim with a lease:
 * <ol>
 *   <li>{@link #claim}: a conditional UPDATE per due row sets {@code claimed_by} and
 *       {@code claim_expires_at}; the database's row lock lets one instance win each row (the
 *       loser's UPDATE re-reads the row, sees the live claim and matches nothing);
 *   <li>the claimer renews its claim on a row just before sending it ({@link #renewClaim}), sends,
 *       then {@link #markSent} (or {@link #markAttemptFailed}, {@link #cancel});
 *   <li>a claimer that dies leaves its claims to expire: after the lease any instance claims the
 *       row again. A message accepted by the SMTP server just before such a crash is sent twice:
 *       that is the only duplicate, and it comes at most one lease later.
 * </ol>
 * Methods take the caller's transaction.
 */
public final class Outbox {
  /** The longest wait between two attempts, whatever the attempt count. */
  static final Duration MAX_BACKOFF = Duration.ofHours(6);

  public enum State { PENDING, SENT, FAILED, CANCELLED;

    public String stored() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One row as the RA API shows it. */
  public record Entry(long id, String kind, String recipient, String role, String language, String subject,
      String text, String html, String reference, String serial, String state, int attempts, Instant createdAt,
      Instant nextAttemptAt, Instant sentAt, String sentBy, String claimedBy, Instant claimExpiresAt, String lastError) {}

  /** Filters of {@link #list}; null means any. */
  public record Filter(String state, String kind, String recipient, String reference, String serial) {}

  /**
   * Adds one message; false when {@code noticeKey} (unique, may be null) was already enqueued:
   * what makes a repeated expiry scan harmless.
   */
  public boolean enqueue(Connection c, NoticeKind kind, Recipient to, NoticeTemplates.Rendered message,
      String reference, String serial, String noticeKey, Instant now) throws SQLException {
    if (noticeKey != null) {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM outbox WHERE notice_key = ?")) {
        ps.setString(1, noticeKey);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) return false;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (kind, recipient, subject, body, reference,"
        + " created_at, state, role, language, html_body, serial, notice_key, attempts, next_attempt_at)"
        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,?)")) {
      ps.setString(1, kind.stored());
      ps.setString(2, to.address());
      ps.setString(3, cut(message.subject(), 200));
      ps.setString(4, cut(message.text(), 4000));
      ps.setString(5, reference);
      ps.setObject(6, utc(now));
      ps.setString(7, State.PENDING.stored());
      ps.setString(8, to.role().name().toLowerCase(java.util.Locale.ROOT));
      ps.setString(9, to.language().code());
      ps.setString(10, cut(message.html(), 16000));
      ps.setString(11, serial);
      ps.setString(12, noticeKey);
      ps.setObject(13, utc(now));
      ps.executeUpdate();
    }
    return true;
  }

  /**
   * Claims up to {@code limit} due rows for {@code claimer} until {@code now + lease} and returns
   * them. On PostgreSQL the candidates are read {@code FOR UPDATE SKIP LOCKED}, so instances do
   * not queue behind each other's claims; the conditional UPDATE alone is what guarantees one
   * claimer per row, on H2 as on PostgreSQL. {@code attempts} counts claims.
   */
  public List<Entry> claim(Connection c, boolean postgres, String claimer, Instant now, Duration lease, int limit)
      throws SQLException {
    List<Long> candidates = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM outbox WHERE state = 'pending'"
        + " AND next_attempt_at <= ? AND (claim_expires_at IS NULL OR claim_expires_at <= ?)"
        + " ORDER BY next_attempt_at, id LIMIT ?" + (postgres ? " FOR UPDATE SKIP LOCKED" : ""))) {
      ps.setObject(1, utc(now));
      ps.setObject(2, utc(now));
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) candidates.add(rs.getLong(1));
      }
    }
    List<Entry> claimed = new ArrayList<>();
    for (long id : candidates) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET claimed_by = ?, claim_expires_at = ?,"
          + " attempts = attempts + 1 WHERE id = ? AND state = 'pending' AND (claim_expires_at IS NULL"
          + " OR claim_expires_at <= ?)")) {
        ps.setString(1, claimer);
        ps.setObject(2, utc(now.plus(lease)));
        ps.setLong(3, id);
        ps.setObject(4, utc(now));
        if (ps.executeUpdate() == 1) find(c, id).ifPresent(claimed::add);
      }
    }
    return claimed;
  }

  /**
   * Renews this claimer's live claim on one row just before sending it, so that every send starts
   * with a whole lease ahead (a batch of slow sends never outlives its claim); false when the claim
   * was lost (expired and taken, or the row is no longer pending): then the row must not be sent.
   */
  public boolean renewClaim(Connection c, long id, String claimer, Instant now, Duration lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET claim_expires_at = ? WHERE id = ?"
        + " AND claimed_by = ? AND state = 'pending' AND claim_expires_at > ?")) {
      ps.setObject(1, utc(now.plus(lease)));
      ps.setLong(2, id);
      ps.setString(3, claimer);
      ps.setObject(4, utc(now));
      return ps.executeUpdate() == 1;
    }
  }

  /** Delivered by {@code sender}: the row leaves the queue for good (even if its claim had expired meanwhile). */
  public boolean markSent(Connection c, long id, String sender, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET state = 'sent', sent_at = ?, sent_by = ?,"
        + " claimed_by = NULL, claim_expires_at = NULL, last_error = NULL WHERE id = ? AND state = 'pending'")) {
      ps.setObject(1, utc(now));
      ps.setString(2, sender);
      ps.setLong(3, id);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * A failed attempt: retried after {@code retryDelay × 2^(attempts-1)} (at most six hours), or
   * {@code failed} for good once {@code maxAttempts} claims have failed.
   */
  public void markAttemptFailed(Connection c, long id, String error, Instant now, int maxAttempts, Duration retryDelay)
      throws SQLException {
    int attempts = find(c, id).map(Entry::attempts).orElse(0);
    boolean last = attempts >= maxAttempts;
    Duration wait = backoff(retryDelay, attempts);
    try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET state = ?, next_attempt_at = ?, claimed_by = NULL,"
        + " claim_expires_at = NULL, last_error = ? WHERE id = ? AND state = 'pending'")) {
      ps.setString(1, last ? State.FAILED.stored() : State.PENDING.stored());
      ps.setObject(2, utc(last ? now : now.plus(wait)));
      ps.setString(3, cut(error, 1000));
      ps.setLong(4, id);
      ps.executeUpdate();
    }
  }

  static Duration backoff(Duration base, int attempts) {
    Duration wait = base;
    for (int i = 1; i < attempts && wait.compareTo(MAX_BACKOFF) < 0; i++) wait = wait.multipliedBy(2);
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  /** Not to be sent any more (e.g. the certificate was revoked or replaced before its expiry notice left). */
  public void cancel(Connection c, long id, String why) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET state = 'cancelled', claimed_by = NULL,"
        + " claim_expires_at = NULL, last_error = ? WHERE id = ? AND state = 'pending'")) {
      ps.setString(1, cut(why, 1000));
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  /** A stopping instance gives back what it claimed but did not try: another can send it at once. */
  public int release(Connection c, String claimer) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL,"
        + " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE claimed_by = ? AND state = 'pending'")) {
      ps.setString(1, claimer);
      return ps.executeUpdate();
    }
  }

  /** A failed or cancelled row back in the queue, due now, attempts from zero; false for any other state. */
  public boolean retry(Connection c, long id, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET state = 'pending', attempts = 0,"
        + " next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL WHERE id = ? AND state IN ('failed', 'cancelled')")) {
      ps.setObject(1, utc(now));
      ps.setLong(2, id);
      return ps.executeUpdate() == 1;
    }
  }

  private static final String SELECT = "SELECT id, kind, recipient, role, language, subject, body, html_body,"
      + " reference, serial, state, attempts, created_at, next_attempt_at, sent_at, sent_by, claimed_by,"
      + " claim_expires_at, last_error FROM outbox";

  public Optional<Entry> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /** A page of rows, newest first. */
  public List<Entry> list(Connection c, Filter f, int limit, int offset) throws SQLException {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    if (f.state() != null) {
      where.add("state = ?");
      args.add(f.state());
    }
    if (f.kind() != null) {
      where.add("kind = ?");
      args.add(f.kind());
    }
    if (f.recipient() != null) {
      where.add("LOWER(recipient) = ?");
      args.add(f.recipient().toLowerCase(java.util.Locale.ROOT));
    }
    if (f.reference() != null) {
      where.add("reference = ?");
      args.add(f.reference());
    }
    if (f.serial() != null) {
      where.add("serial = ?");
      args.add(f.serial());
    }
    return fr.habilis.ca.store.Sql.page(c, SELECT, where, args, "id DESC", limit, offset, Outbox::row);
  }

  private static Entry row(ResultSet rs) throws SQLException {
    return new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
        rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getInt(12),
        instant(rs, 13), instant(rs, 14), instant(rs, 15), rs.getString(16), rs.getString(17), instant(rs, 18),
        rs.getString(19));
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
