package fr.habilis.ca.store;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which database the tests run on: H2 by default, a fresh PostgreSQL database of the JVM's
 * {@link PostgresCluster} when {@code -Dhabilis.test.db=postgres} (ca-server's {@code postgresql}
 * surefire execution). Every fixture and test server gets its own database, so tests stay isolated
 * on both.
 */
public final class TestDatabases {
  /** The system property that selects the database, and its PostgreSQL value. */
  public static final String PROPERTY = "habilis.test.db";

  private static final Map<Path, String> BY_DATA_DIR = new ConcurrentHashMap<>();

  private TestDatabases() {}

  public static boolean postgres() {
    return "postgres".equals(System.getProperty(PROPERTY, "h2"));
  }

  /** A fresh, empty database: in-memory H2, or a new PostgreSQL database. */
  public static String freshUrl() {
    return postgres() ? PostgresCluster.shared().createDatabase()
        : "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  /** Opens (and migrates) a fresh database. */
  public static Database open(Vertx vertx, int poolSize) {
    return Database.open(vertx, freshUrl(), null, null, poolSize);
  }

  /**
   * The {@code dbUrl} setting for a server whose data directory is {@code dataDir}, or null for
   * the server's default (an H2 file in it). On PostgreSQL one database per data directory, so a
   * server restarted on the same directory finds its data again, as it would with H2.
   */
  public static String urlForDataDir(Path dataDir) {
    if (!postgres()) return null;
    return BY_DATA_DIR.computeIfAbsent(dataDir.toAbsolutePath().normalize(), d -> PostgresCluster.shared().createDatabase());
  }

  /** A plain JDBC connection (auto-commit) to the database of a test server's data directory. */
  public static Connection connect(Path dataDir) throws SQLException {
    String url = urlForDataDir(dataDir);
    return DriverManager.getConnection(url != null ? url
        : "jdbc:h2:file:" + dataDir.resolve("habilis").toString().replace('\\', '/'));
  }
}
