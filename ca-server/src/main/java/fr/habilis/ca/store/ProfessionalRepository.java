package fr.habilis.ca.store;

import fr.habilis.ca.registry.Professional;
import java.sql.Connection;
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
    Sql.update(c, "INSERT INTO professionals (" + COLUMNS + ", created_at) VALUES (?,?,?,?,?,?,?)", p.habilitationId(),
        p.idKind(), p.idValue(), p.lastName(), p.firstName(), p.email(), now);
  }

  /** False when no such professional was recorded under the habilitation. */
  public boolean delete(Connection c, long habilitationId, Professional.IdKind kind, String idValue) throws SQLException {
    return Sql.update(c, "DELETE FROM professionals WHERE habilitation_id = ? AND id_type = ? AND id_value = ?",
        habilitationId, kind, idValue) > 0;
  }

  public List<Professional> of(Connection c, long habilitationId) throws SQLException {
    return of(c, List.of(habilitationId)).getOrDefault(habilitationId, List.of());
  }

  /** The professionals of each habilitation, by habilitation id, in recording order. */
  public Map<Long, List<Professional>> of(Connection c, Collection<Long> habilitationIds) throws SQLException {
    Map<Long, List<Professional>> result = new HashMap<>();
    if (habilitationIds.isEmpty()) return result;
    for (Professional p : Sql.list(c, "SELECT " + COLUMNS + " FROM professionals WHERE habilitation_id IN ("
        + Sql.marks(habilitationIds.size()) + ") ORDER BY created_at, id_type, id_value", rs -> new Professional(
            rs.getLong(1), Professional.IdKind.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6)), habilitationIds.toArray())) {
      result.computeIfAbsent(p.habilitationId(), k -> new ArrayList<>()).add(p);
    }
    return result;
  }
}
