package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import fr.habilis.ca.renewal.Incident;
import fr.habilis.ca.renewal.RenewalFacts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SQL for renewals (RFC 9773): the narrow certificate rows renewalInfo reads, the renewal chain
 * ({@code certificates.replaces}; a successor is found through its unique index), the orders
 * claiming a predecessor, and the RA's incidents. Methods take the caller's transaction. The reads renewalInfo makes are primary-key
 * and index lookups and take no lock.
 */
public final class RenewalRepository {
  private static final String FACTS = "SELECT c.serial, c.ca_id, c.profile, c.structure_id, c.account_id, c.not_before,"
      + " c.not_after, c.created_at, c.status, c.revoked_at,"
      + " (SELECT r.serial FROM certificates r WHERE r.replaces = c.serial) FROM certificates c WHERE c.serial = ?";
  private static final String INCIDENT = "SELECT id, scope, target, reason, explanation_url, actor, created_at"
      + " FROM renewal_incidents";

  public Optional<RenewalFacts> facts(Connection c, String serialHex) throws SQLException {
    return Sql.first(c, FACTS, rs -> new RenewalFacts(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getObject(5, Long.class), instant(rs, 6), instant(rs, 7), instant(rs, 8), rs.getString(9), instant(rs, 10),
        rs.getString(11)), serialHex);
  }

  /**
   * Locks the right to replace a certificate until the transaction ends: finalizes of orders
   * replacing it are serialised here. The lock is on its {@code serials} row, which nothing else
   * locks once the certificate exists (revocations and issuance lock {@code certificates} rows and
   * the audit head), so it adds no lock-order cycle.
   */
  public void lockReplacement(Connection c, String serialHex) throws SQLException {
    Sql.exists(c, "SELECT serial FROM serials WHERE serial = ? FOR UPDATE", serialHex);
  }

  /** Another order (not {@code exceptOrder}) finalizing or finalized with {@code replaces} = this serial, if any. */
  public Long claimingOrder(Connection c, String serialHex, long exceptOrder) throws SQLException {
    return Sql.first(c, "SELECT id FROM acme_orders WHERE replaces_serial = ? AND status IN ('processing', 'valid')"
        + " AND id <> ? ORDER BY id LIMIT 1", rs -> rs.getLong(1), serialHex, exceptOrder).orElse(null);
  }

  /**
   * Records the succession on the successor's own row (just inserted by this transaction); false,
   * with nothing written, when the predecessor already has a successor.
   */
  public boolean linkSuccessor(Connection c, String predecessor, String successor) throws SQLException {
    Optional<RenewalFacts> p = facts(c, predecessor);
    if (p.isEmpty() || p.get().replacedBy() != null) return false;
    return Sql.update(c, "UPDATE certificates SET replaces = ? WHERE serial = ?", predecessor, successor) == 1;
  }

  // --- incidents

  public long insertIncident(Connection c, Incident.Scope scope, String target, String reason, String explanationUrl,
      String actor, Instant now) throws SQLException {
    return Sql.insert(c, "INSERT INTO renewal_incidents (scope, target, reason, explanation_url, actor, created_at)"
        + " VALUES (?,?,?,?,?,?)", scope.wireName(), target, reason, explanationUrl, actor, now);
  }

  public Optional<Incident> incident(Connection c, long id) throws SQLException {
    return Sql.first(c, INCIDENT + " WHERE id = ?", RenewalRepository::incident, id);
  }

  /** Incidents, newest first. */
  public List<Incident> incidents(Connection c, int limit, int offset) throws SQLException {
    return Sql.list(c, INCIDENT + " ORDER BY id DESC LIMIT ? OFFSET ?", RenewalRepository::incident, limit, offset);
  }

  /**
   * The latest incident covering a certificate: one index lookup per scope (its serial, structure,
   * profile and CA), declared after the certificate was stored.
   */
  public Optional<Incident> latestIncident(Connection c, RenewalFacts cert) throws SQLException {
    String one = INCIDENT + " WHERE scope = ? AND target = ? AND created_at > ?";
    Instant issued = cert.issuedAt();
    return Sql.first(c, "SELECT * FROM (" + one + " UNION ALL " + one + " UNION ALL " + one + " UNION ALL " + one
        + ") x ORDER BY created_at DESC, id DESC LIMIT 1", RenewalRepository::incident,
        Incident.Scope.CERTIFICATE.wireName(), cert.serialHex(), issued,
        Incident.Scope.STRUCTURE.wireName(), cert.structureId(), issued,
        Incident.Scope.PROFILE.wireName(), cert.profile(), issued,
        Incident.Scope.CA.wireName(), cert.caId(), issued);
  }

  /** Live certificates (valid, unexpired) of an incident's scope issued before {@code declaredAt}. */
  public int countCovered(Connection c, Incident.Scope scope, String target, Instant declaredAt, Instant now)
      throws SQLException {
    String column = switch (scope) {
      case CERTIFICATE -> "serial";
      case STRUCTURE -> "structure_id";
      case PROFILE -> "profile";
      case CA -> "ca_id";
    };
    return Sql.one(c, "SELECT COUNT(*) FROM certificates WHERE " + column + " = ? AND status = 'valid'"
        + " AND not_after > ? AND created_at < ?", rs -> rs.getInt(1), target, now, declaredAt);
  }

  private static Incident incident(ResultSet rs) throws SQLException {
    return new Incident(rs.getLong(1), Incident.Scope.ofWireName(rs.getString(2)), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), instant(rs, 7));
  }
}
