package fr.habilis.ca.store;

import fr.habilis.ca.registry.IdType;
import fr.habilis.ca.registry.Structure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The RA's structure search and the counts shown with each structure. Methods take the caller's transaction. */
public final class StructureSearchRepository {

  /** What to look for; null fields match any. {@code text} is an identifier prefix or a part of the name. */
  public record Query(String text, String id, String name, IdType idType, String environment) {}

  /** A structure with its habilitations (all, active) and live (valid, unexpired) certificates counted. */
  public record Found(Structure structure, Instant createdAt, int habilitations, int activeHabilitations,
      int liveCertificates) {}

  private static final String SELECT = "SELECT s.national_id, s.id_type, s.id_value, s.name, s.department, s.address,"
      + " s.environment, s.certificate_name, s.created_at,"
      + " (SELECT COUNT(*) FROM habilitations h WHERE h.structure_id = s.national_id),"
      + " (SELECT COUNT(*) FROM habilitations h WHERE h.structure_id = s.national_id AND h.status = 'ACTIVE'),"
      + " (SELECT COUNT(*) FROM certificates c WHERE c.structure_id = s.national_id AND c.status = 'valid'"
      + " AND c.not_after > ?) FROM structures s";

  /** A page of matching structures in name order (national identifier within one name: a stable order). */
  public List<Found> search(Connection c, Query q, Instant now, int limit, int offset) throws SQLException {
    Sql.Where where = new Sql.Where();
    if (q.text() != null) {
      if (looksLikeIdentifier(q.text())) {
        String prefix = TextSearch.prefixPattern(q.text().toUpperCase(java.util.Locale.ROOT));
        where.and("(s.national_id LIKE ? ESCAPE '!' OR s.id_value LIKE ? ESCAPE '!' OR "
            + TextSearch.contains("s.name") + ")", prefix, prefix, TextSearch.containsPattern(q.text()));
      } else {
        where.and(TextSearch.contains("s.name"), TextSearch.containsPattern(q.text()));
      }
    }
    if (q.id() != null) {
      String prefix = TextSearch.prefixPattern(q.id());
      where.and("(s.national_id LIKE ? ESCAPE '!' OR s.id_value LIKE ? ESCAPE '!')", prefix, prefix);
    }
    if (q.name() != null) where.and(TextSearch.contains("s.name"), TextSearch.containsPattern(q.name()));
    where.andIf("s.id_type = ?", q.idType()).andIf("s.environment = ?", q.environment());
    return Sql.page(c, SELECT, List.of(now), where, "s.name, s.national_id", limit, offset,
        StructureSearchRepository::row);
  }

  public Optional<Found> find(Connection c, String nationalId, Instant now) throws SQLException {
    return Sql.first(c, SELECT + " WHERE s.national_id = ?", StructureSearchRepository::row, now, nationalId);
  }

  /** Digits and letters with at least one digit (FINESS 2A…, SIRET, RPPS rang): worth a prefix match. */
  private static boolean looksLikeIdentifier(String text) {
    return text.matches("[0-9A-Za-z]{1,20}") && text.chars().anyMatch(Character::isDigit);
  }

  private static Found row(ResultSet rs) throws SQLException {
    Structure s = new Structure(rs.getString(1), IdType.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8));
    return new Found(s, Sql.instant(rs, 9), rs.getInt(10), rs.getInt(11), rs.getInt(12));
  }
}
