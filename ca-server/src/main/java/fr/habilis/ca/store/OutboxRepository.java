package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import fr.habilis.ca.notify.Outbox.Entry;
import fr.habilis.ca.notify.Outbox.Filter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The notice outbox's rows ({@code outbox}); the claim protocol they implement is described on
 * {@code notify/Outbox}. The conditional UPDATEs are what make a claim, a send or a retry happen
 * once: each returns whether it matched.
 */
public final class OutboxRepository {
  private static final String SELECT = "SELECT id, kind, recipient, role, language, subject, body, html_body,"
      + " reference, serial, state, attempts, created_at, next_attempt_at, sent_at, sent_by, claimed_by,"
      + " claim_expires_at, last_error FROM outbox";

  /** A row to add, its texts already cut to their columns' sizes. */
  public record NewNotice(String kind, String recipient, String role, String language, String subject, String text,
      String html, String reference, String serial, String noticeKey) {}

  public boolean hasNoticeKey(Connection c, String noticeKey) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM outbox WHERE notice_key = ?", noticeKey);
  }

  /** Adds a pending row, due now, no attempt yet. */
  public void insert(Connection c, NewNotice n, Instant now) throws SQLException {
    Sql.update(c, "INSERT INTO outbox (kind, recipient, subject, body, reference, created_at, state, role, language,"
        + " html_body, serial, notice_key, attempts, next_attempt_at) VALUES (?,?,?,?,?,?,'pending',?,?,?,?,?,0,?)",
        n.kind(), n.recipient(), n.subject(), n.text(), n.reference(), now, n.role(), n.language(), n.html(),
        n.serial(), n.noticeKey(), now);
  }

  /**
   * Ids of the pending rows due at {@code now} and not under a live claim, oldest due first; on
   * PostgreSQL read {@code FOR UPDATE SKIP LOCKED}, so that instances do not queue behind each
   * other's claims.
   */
  public List<Long> claimable(Connection c, boolean postgres, Instant now, int limit) throws SQLException {
    return Sql.list(c, "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
        + " AND (claim_expires_at IS NULL OR claim_expires_at <= ?) ORDER BY next_attempt_at, id LIMIT ?"
        + (postgres ? " FOR UPDATE SKIP LOCKED" : ""), rs -> rs.getLong(1), now, now, limit);
  }

  /** Claims one row unless another claim on it is live; counts the attempt. */
  public boolean claim(Connection c, long id, String claimer, Instant now, Instant until) throws SQLException {
    return Sql.update(c, "UPDATE outbox SET claimed_by = ?, claim_expires_at = ?, attempts = attempts + 1"
        + " WHERE id = ? AND state = 'pending' AND (claim_expires_at IS NULL OR claim_expires_at <= ?)",
        claimer, until, id, now) == 1;
  }

  /** Extends this claimer's live claim; false when it was lost. */
  public boolean renewClaim(Connection c, long id, String claimer, Instant now, Instant until) throws SQLException {
    return Sql.update(c, "UPDATE outbox SET claim_expires_at = ? WHERE id = ? AND claimed_by = ? AND state = 'pending'"
        + " AND claim_expires_at > ?", until, id, claimer, now) == 1;
  }

  public boolean markSent(Connection c, long id, String sender, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE outbox SET state = 'sent', sent_at = ?, sent_by = ?, claimed_by = NULL,"
        + " claim_expires_at = NULL, last_error = NULL WHERE id = ? AND state = 'pending'", now, sender, id) == 1;
  }

  /** A pending row's claim ends with an error: it moves to {@code state}, due at {@code nextAttempt}. */
  public void attemptFailed(Connection c, long id, String state, Instant nextAttempt, String error) throws SQLException {
    Sql.update(c, "UPDATE outbox SET state = ?, next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL,"
        + " last_error = ? WHERE id = ? AND state = 'pending'", state, nextAttempt, error, id);
  }

  public void cancel(Connection c, long id, String why) throws SQLException {
    Sql.update(c, "UPDATE outbox SET state = 'cancelled', claimed_by = NULL, claim_expires_at = NULL, last_error = ?"
        + " WHERE id = ? AND state = 'pending'", why, id);
  }

  /** Gives back the claimer's pending rows, their attempt not counted. */
  public int release(Connection c, String claimer) throws SQLException {
    return Sql.update(c, "UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL,"
        + " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE claimed_by = ? AND state = 'pending'",
        claimer);
  }

  /** A failed or cancelled row pending again, due now, attempts from zero; false for any other state. */
  public boolean retry(Connection c, long id, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, claimed_by = NULL,"
        + " claim_expires_at = NULL WHERE id = ? AND state IN ('failed', 'cancelled')", now, id) == 1;
  }

  public Optional<Entry> find(Connection c, long id) throws SQLException {
    return Sql.first(c, SELECT + " WHERE id = ?", OutboxRepository::row, id);
  }

  /** A page of rows matching the filter (null fields match any), newest first. */
  public List<Entry> list(Connection c, Filter f, int limit, int offset) throws SQLException {
    Sql.Where where = new Sql.Where().andIf("state = ?", f.state()).andIf("kind = ?", f.kind())
        .andIf("LOWER(recipient) = ?", f.recipient() == null ? null : f.recipient().toLowerCase(Locale.ROOT))
        .andIf("reference = ?", f.reference()).andIf("serial = ?", f.serial());
    return Sql.page(c, SELECT, where, "id DESC", limit, offset, OutboxRepository::row);
  }

  private static Entry row(ResultSet rs) throws SQLException {
    return new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
        rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getInt(12),
        instant(rs, 13), instant(rs, 14), instant(rs, 15), rs.getString(16), rs.getString(17), instant(rs, 18),
        rs.getString(19));
  }
}
