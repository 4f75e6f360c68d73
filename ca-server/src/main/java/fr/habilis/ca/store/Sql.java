package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Portable JDBC conversions: instants travel as UTC {@code TIMESTAMP WITH TIME ZONE} (H2 and PostgreSQL). */
public final class Sql {
  private Sql() {}

  public static OffsetDateTime utc(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  public static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /**
   * {@code select [WHERE w1 AND w2 …] ORDER BY orderBy LIMIT ? OFFSET ?} with {@code args} bound to
   * the conditions' placeholders in order: the RA API's filtered, paged lists.
   */
  public static <T> List<T> page(Connection c, String select, List<String> where, List<Object> args, String orderBy,
      int limit, int offset, RowMapper<T> row) throws SQLException {
    List<T> result = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(select + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?")) {
      int i = 1;
      for (Object a : args) ps.setObject(i++, a);
      ps.setInt(i++, limit);
      ps.setInt(i, offset);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) result.add(row.map(rs));
      }
    }
    return result;
  }
}
