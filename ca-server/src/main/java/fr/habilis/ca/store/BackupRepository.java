package fr.habilis.ca.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** The statements of an online backup: H2's {@code BACKUP TO} and the figures a restore is checked against. */
public final class BackupRepository {
  private BackupRepository() {}

  /**
   * A consistent copy of the whole H2 database as a zip, taken while the server runs (H2 copies the
   * store's committed state; writers are not stopped). H2 only.
   */
  public static void h2BackupTo(Connection c, Path zip) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BACKUP TO '" + zip.toAbsolutePath().toString().replace("'", "''") + "'");
    }
  }

  public static long certificateCount(Connection c) throws SQLException {
    return Sql.one(c, "SELECT COUNT(*) FROM certificates", rs -> rs.getLong(1));
  }

  /** The last CRL number of each issuing CA. */
  public static Map<String, Long> crlNumbers(Connection c) throws SQLException {
    return Sql.map(c, "SELECT ca_id, crl_number FROM crl_state ORDER BY ca_id", rs -> rs.getString(1), rs -> rs.getLong(2));
  }

  /** The schema version Flyway reached: a backup restores into a server of that version or later. */
  public static String schemaVersion(Connection c) throws SQLException {
    return Sql.first(c, "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE"
        + " ORDER BY \"installed_rank\" DESC LIMIT 1", rs -> rs.getString(1)).orElse(null);
  }
}
