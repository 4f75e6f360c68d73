package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import fr.habilis.ca.operators.PendingAction;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for the actions held for four-eyes approval ({@code ra_pending_actions}). */
public final class PendingActionRepository {
  private static final String SELECT = "SELECT id, kind, subject, payload, state, recorded_by, recorded_at, decided_by,"
      + " decided_at, decision_reason, outcome FROM ra_pending_actions";

  public long insert(Connection c, PendingAction.Kind kind, String subject, String request, String recordedBy, Instant now)
      throws SQLException {
    return Sql.insert(c, "INSERT INTO ra_pending_actions (kind, subject, payload, state, recorded_by, recorded_at)"
        + " VALUES (?,?,?,?,?,?)", kind.wireName(), subject, request, PendingAction.State.RECORDED.wireName(), recordedBy, now);
  }

  public Optional<PendingAction> find(Connection c, long id) throws SQLException {
    return Sql.first(c, SELECT + " WHERE id = ?", PendingActionRepository::action, id);
  }

  /** The action, its row locked until the transaction ends: one decision per action. */
  public Optional<PendingAction> findForUpdate(Connection c, long id) throws SQLException {
    return Sql.first(c, SELECT + " WHERE id = ? FOR UPDATE", PendingActionRepository::action, id);
  }

  /** Newest first; {@code state} null for all. */
  public List<PendingAction> list(Connection c, PendingAction.State state, int limit, int offset) throws SQLException {
    return state == null
        ? Sql.list(c, SELECT + " ORDER BY id DESC LIMIT ? OFFSET ?", PendingActionRepository::action, limit, offset)
        : Sql.list(c, SELECT + " WHERE state = ? ORDER BY id DESC LIMIT ? OFFSET ?", PendingActionRepository::action,
            state.wireName(), limit, offset);
  }

  /** Decides a recorded action; false (nothing written) when it was decided already. */
  public boolean decide(Connection c, long id, PendingAction.State state, String decidedBy, Instant now, String reason,
      String outcome) throws SQLException {
    return Sql.update(c, "UPDATE ra_pending_actions SET state = ?, decided_by = ?, decided_at = ?, decision_reason = ?,"
        + " outcome = ? WHERE id = ? AND state = ?", state.wireName(), decidedBy, now, reason, outcome, id,
        PendingAction.State.RECORDED.wireName()) == 1;
  }

  private static PendingAction action(ResultSet rs) throws SQLException {
    return new PendingAction(rs.getLong(1), PendingAction.Kind.ofWireName(rs.getString(2)), rs.getString(3),
        rs.getString(4), PendingAction.State.ofWireName(rs.getString(5)), rs.getString(6), instant(rs, 7),
        rs.getString(8), instant(rs, 9), rs.getString(10), rs.getString(11));
  }
}
