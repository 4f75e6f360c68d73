package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The repositories' JDBC shapes, written once: bind the arguments, run, map the rows, close.
 * Every method runs in the caller's transaction ({@link Database#tx}).
 *
 * <p>Arguments are bound by type, so that a value is stored the same way whoever writes it:
 * {@link Instant} as a UTC {@code TIMESTAMP WITH TIME ZONE} (portable between H2 and PostgreSQL),
 * an enum as its {@code name()}, {@code byte[]} as bytes, {@code null} as an untyped SQL NULL
 * (use {@link #typed} where the statement needs the type of a null).
 */
public final class Sql {
  private Sql() {}

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Reads the current row of a streamed result; false stops the reading. */
  @FunctionalInterface
  public interface RowVisitor {
    boolean visit(ResultSet rs) throws SQLException;
  }

  /** A value bound with an explicit {@link java.sql.Types} code (a null that must keep its type). */
  public record Typed(Object value, int sqlType) {}

  public static Typed typed(Object value, int sqlType) {
    return new Typed(value, sqlType);
  }

  /** Every row, in the query's order. */
  public static <T> List<T> list(Connection c, String sql, RowMapper<T> row, Object... args) throws SQLException {
    List<T> result = new ArrayList<>();
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) result.add(row.map(rs));
    }
    return result;
  }

  /** Two-column rows as a map, first column the key, in the query's order. */
  public static <K, V> Map<K, V> map(Connection c, String sql, RowMapper<K> key, RowMapper<V> value, Object... args)
      throws SQLException {
    Map<K, V> result = new LinkedHashMap<>();
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) result.put(key.map(rs), value.map(rs));
    }
    return result;
  }

  /**
   * The first row, if any (a key lookup, or the query's ORDER BY decides); empty too when the row
   * maps to null (a nullable column read alone).
   */
  public static <T> Optional<T> first(Connection c, String sql, RowMapper<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
    }
  }

  /** The one row a query always returns (an aggregate, a singleton row); an SQLException when none. */
  public static <T> T one(Connection c, String sql, RowMapper<T> row, Object... args) throws SQLException {
    return first(c, sql, row, args).orElseThrow(() -> new SQLException("no row for: " + sql));
  }

  /** True when the query returns a row. */
  public static boolean exists(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /**
   * Streams the rows through {@code visitor} without holding them, {@code fetchSize} at a time
   * (a hint the driver may use), until the end or until the visitor returns false.
   */
  public static void stream(Connection c, String sql, int fetchSize, RowVisitor visitor, Object... args)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      ps.setFetchSize(fetchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!visitor.visit(rs)) return;
        }
      }
    }
  }

  /** INSERT, UPDATE or DELETE; the number of rows it changed. */
  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** An INSERT into a table with a generated key; that key. */
  public static long insert(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      bind(ps, args);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) throw new SQLException("no generated key for: " + sql);
        return keys.getLong(1);
      }
    }
  }

  /** The conditions of a filtered list, joined by AND, each with the values of its placeholders. */
  public static final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    /** {@code condition} with the values of its {@code ?}s, in order. */
    public Where and(String condition, Object... values) {
      conditions.add(condition);
      args.addAll(java.util.Arrays.asList(values));
      return this;
    }

    /** {@code condition} with one {@code ?}, left out when {@code value} is null: a filter not given matches any. */
    public Where andIf(String condition, Object value) {
      return value == null ? this : and(condition, value);
    }
  }

  /**
   * {@code select [WHERE w1 AND w2 …] ORDER BY orderBy LIMIT ? OFFSET ?}: the RA API's filtered,
   * paged lists.
   */
  public static <T> List<T> page(Connection c, String select, Where where, String orderBy, int limit, int offset,
      RowMapper<T> row) throws SQLException {
    return page(c, select, List.of(), where, orderBy, limit, offset, row);
  }

  /** The same for a {@code select} with placeholders of its own (bound first, to {@code selectArgs}). */
  public static <T> List<T> page(Connection c, String select, List<Object> selectArgs, Where where, String orderBy,
      int limit, int offset, RowMapper<T> row) throws SQLException {
    List<Object> all = new ArrayList<>(selectArgs);
    all.addAll(where.args);
    all.add(limit);
    all.add(offset);
    return list(c, select + (where.conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", where.conditions))
        + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?", row, all.toArray());
  }

  /** {@code ?, ?, …} for an IN list of {@code n} values. */
  public static String marks(int n) {
    return String.join(",", java.util.Collections.nCopies(n, "?"));
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      bind(ps, args);
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      int p = i + 1;
      Object a = args[i];
      if (a == null) ps.setObject(p, null);
      else if (a instanceof Typed t) ps.setObject(p, t.value() instanceof Instant x ? utc(x) : t.value(), t.sqlType());
      else if (a instanceof String s) ps.setString(p, s);
      else if (a instanceof Long l) ps.setLong(p, l);
      else if (a instanceof Integer n) ps.setInt(p, n);
      else if (a instanceof Boolean b) ps.setBoolean(p, b);
      else if (a instanceof byte[] b) ps.setBytes(p, b);
      else if (a instanceof Instant x) ps.setObject(p, utc(x));
      else if (a instanceof OffsetDateTime t) ps.setObject(p, t);
      else if (a instanceof Enum<?> e) ps.setString(p, e.name());
      else throw new IllegalArgumentException("no SQL binding for " + a.getClass().getName());
    }
  }

  // --- conversions

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
}
