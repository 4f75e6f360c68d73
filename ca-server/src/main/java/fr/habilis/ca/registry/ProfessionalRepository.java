package fr.habilis.ca.registry;

import static fr.habilis.ca.store.Sql.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SQL for the professionals recorded under habilitations. Methods take the caller's transaction. */
public final class ProfessionalRepository {
  private static final String COLUMNS = "habilitation_id, id_type, id_value, last_name, first_name, email";

  public void insert(Connection c, Professional p, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO professionals (" + COLUMNS + ", created_at)"
        + " VALUES (?,?,?,?,?,?,?)")) {
      ps.setLong(1, p.habilitationId());
      ps.setString(2, p.idKind().name());
      ps.setString(3, p.idValue());
      ps.setString(4, p.lastName());
      ps.setString(5, p.firstName());
      ps.setString(6, p.email());
      ps.setObject(7, utc(now));
      ps.executeUpdate();
    }
  }

  /** False when no such professional was recorded under the habilitation. */
  public boolean delete(Connection c, long habilitationId, Professional.IdKind kind, String idValue) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM professionals WHERE habilitation_id = ? AND id_type = ? AND id_value = ?")) {
      ps.setLong(1, habilitationId);
      ps.setString(2, kind.name());
      ps.setString(3, idValue);
      return ps.executeUpdate() > 0;
    }
  }

  public List<Professional> of(Connection c, long habilitationId) throws SQLException {
    return of(c, List.of(habilitationId)).getOrDefault(habilitationId, List.of());
  }

  /** The professionals of each habilitation, by habilitation id, in recording order. */
  public Map<Long, List<Professional>> of(Connection c, Collection<Long> habilitationIds) throws SQLException {
    Map<Long, List<Professional>> result = new HashMap<>();
    if (habilitationIds.isEmpty()) return result;
    String marks = String.join(",", java.util.Collections.nCopies(habilitationIds.size(), "?"));
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM professionals"
        + " WHERE habilitation_id IN (" + marks + ") ORDER BY created_at, id_type, id_value")) {
      int i = 1;
      for (long id : habilitationIds) ps.setLong(i++, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Professional p = new Professional(rs.getLong(1), Professional.IdKind.valueOf(rs.getString(2)), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getString(6));
          result.computeIfAbsent(p.habilitationId(), k -> new ArrayList<>()).add(p);
        }
      }
    }
    return result;
  }
}
