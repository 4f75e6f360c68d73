package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;
import static fr.habilis.ca.store.Sql.utc;

import fr.habilis.ca.renewal.Incident;
import fr.habilis.ca.renewal.RenewalFacts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
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
    try (PreparedStatement ps = c.prepareStatement(FACTS)) {
      ps.setString(1, serialHex);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        return Optional.of(new RenewalFacts(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getObject(5, Long.class), instant(rs, 6), instant(rs, 7), instant(rs, 8), rs.getString(9), instant(rs, 10),
            rs.getString(11)));
      }
    }
  }

  /**
   * Locks the right to replace a certificate until the transaction ends: finalizes of orders
   * replacing it are serialised here. The lock is on its {@code serials} row, which nothing else
   * locks once the certificate exists (revocations and issuance lock {@code certificates} rows and
   * the audit head), so it adds no lock-order cycle.
   */
  public void lockReplacement(Connection c, String serialHex) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM serials WHERE serial = ? FOR UPDATE")) {
      ps.setString(1, serialHex);
      ps.executeQuery().close();
    }
  }

  /** Another order (not {@code exceptOrder}) finalizing or finalized with {@code replaces} = this serial, if any. */
  public Long claimingOrder(Connection c, String serialHex, long exceptOrder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM acme_orders WHERE replaces_serial = ?"
        + " AND status IN ('processing', 'valid') AND id <> ? ORDER BY id LIMIT 1")) {
      ps.setString(1, serialHex);
      ps.setLong(2, exceptOrder);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /**
   * Records the succession on the successor's own row (just inserted by this transaction); false,
   * with nothing written, when the predecessor already has a successor.
   */
  public boolean linkSuccessor(Connection c, String predecessor, String successor) throws SQLException {
    Optional<RenewalFacts> p = facts(c, predecessor);
    if (p.isEmpty() || p.get().replacedBy() != null) return false;
    try (PreparedStatement ps = c.prepareStatement("UPDATE certificates SET replaces = ? WHERE serial = ?")) {
      ps.setString(1, predecessor);
      ps.setString(2, successor);
      return ps.executeUpdate() == 1;
    }
  }

  // --- incidents

  public long insertIncident(Connection c, Incident.Scope scope, String target, String reason, String explanationUrl,
      String actor, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO renewal_incidents (scope, target, reason, explanation_url,"
        + " actor, created_at) VALUES (?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, scope.wireName());
      ps.setString(2, target);
      ps.setString(3, reason);
      ps.setString(4, explanationUrl);
      ps.setString(5, actor);
      ps.setObject(6, utc(now));
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  public Optional<Incident> incident(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INCIDENT + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(incident(rs)) : Optional.empty();
      }
    }
  }

  /** Incidents, newest first. */
  public List<Incident> incidents(Connection c, int limit, int offset) throws SQLException {
    List<Incident> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(INCIDENT + " ORDER BY id DESC LIMIT ? OFFSET ?")) {
      ps.setInt(1, limit);
      ps.setInt(2, offset);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(incident(rs));
      }
    }
    return out;
  }

  /**
   * The latest incident covering a certificate: one index lookup per scope (its serial, structure,
   * profile and CA), declared after the certificate was stored.
   */
  public Optional<Incident> latestIncident(Connection c, RenewalFacts cert) throws SQLException {
    String one = INCIDENT + " WHERE scope = ? AND target = ? AND created_at > ?";
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + one + " UNION ALL " + one + " UNION ALL " + one
        + " UNION ALL " + one + ") x ORDER BY created_at DESC, id DESC LIMIT 1")) {
      Object[][] scopes = {
          {Incident.Scope.CERTIFICATE, cert.serialHex()}, {Incident.Scope.STRUCTURE, cert.structureId()},
          {Incident.Scope.PROFILE, cert.profile()}, {Incident.Scope.CA, cert.caId()}};
      int i = 1;
      for (Object[] s : scopes) {
        ps.setString(i++, ((Incident.Scope) s[0]).wireName());
        ps.setString(i++, (String) s[1]);
        ps.setObject(i++, utc(cert.issuedAt()));
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(incident(rs)) : Optional.empty();
      }
    }
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
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM certificates WHERE " + column + " = ?"
        + " AND status = 'valid' AND not_after > ? AND created_at < ?")) {
      ps.setString(1, target);
      ps.setObject(2, utc(now));
      ps.setObject(3, utc(declaredAt));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static Incident incident(ResultSet rs) throws SQLException {
    return new Incident(rs.getLong(1), Incident.Scope.ofWireName(rs.getString(2)), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), instant(rs, 7));
  }
}
