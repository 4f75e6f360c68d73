package fr.habilis.ca.notify;

import fr.habilis.ca.store.OutboxRepository;
import java.sql.Connection;
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
  private final OutboxRepository rows = new OutboxRepository();

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
    if (noticeKey != null && rows.hasNoticeKey(c, noticeKey)) return false;
    rows.insert(c, new OutboxRepository.NewNotice(kind.stored(), to.address(),
        to.role().name().toLowerCase(java.util.Locale.ROOT), to.language().code(), cut(message.subject(), 200),
        cut(message.text(), 4000), cut(message.html(), 16000), reference, serial, noticeKey), now);
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
    List<Entry> claimed = new ArrayList<>();
    for (long id : rows.claimable(c, postgres, now, limit)) {
      if (rows.claim(c, id, claimer, now, now.plus(lease))) find(c, id).ifPresent(claimed::add);
    }
    return claimed;
  }

  /**
   * Renews this claimer's live claim on one row just before sending it, so that every send starts
   * with a whole lease ahead (a batch of slow sends never outlives its claim); false when the claim
   * was lost (expired and taken, or the row is no longer pending): then the row must not be sent.
   */
  public boolean renewClaim(Connection c, long id, String claimer, Instant now, Duration lease) throws SQLException {
    return rows.renewClaim(c, id, claimer, now, now.plus(lease));
  }

  /** Delivered by {@code sender}: the row leaves the queue for good (even if its claim had expired meanwhile). */
  public boolean markSent(Connection c, long id, String sender, Instant now) throws SQLException {
    return rows.markSent(c, id, sender, now);
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
    rows.attemptFailed(c, id, last ? State.FAILED.stored() : State.PENDING.stored(), last ? now : now.plus(wait),
        cut(error, 1000));
  }

  static Duration backoff(Duration base, int attempts) {
    Duration wait = base;
    for (int i = 1; i < attempts && wait.compareTo(MAX_BACKOFF) < 0; i++) wait = wait.multipliedBy(2);
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  /** Not to be sent any more (e.g. the certificate was revoked or replaced before its expiry notice left). */
  public void cancel(Connection c, long id, String why) throws SQLException {
    rows.cancel(c, id, cut(why, 1000));
  }

  /** A stopping instance gives back what it claimed but did not try: another can send it at once. */
  public int release(Connection c, String claimer) throws SQLException {
    return rows.release(c, claimer);
  }

  /** A failed or cancelled row back in the queue, due now, attempts from zero; false for any other state. */
  public boolean retry(Connection c, long id, Instant now) throws SQLException {
    return rows.retry(c, id, now);
  }

  public Optional<Entry> find(Connection c, long id) throws SQLException {
    return rows.find(c, id);
  }

  /** A page of rows, newest first. */
  public List<Entry> list(Connection c, Filter f, int limit, int offset) throws SQLException {
    return rows.list(c, f, limit, offset);
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
