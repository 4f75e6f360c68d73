package fr.habilis.ca;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.h2.tools.Server;

/**
 * One database for several server instances of a test: an H2 TCP server on a free loopback port
 * (two processes, or two pools, cannot share an H2 file). {@link #start} is the one place that
 * makes the URL; on the PostgreSQL pass ({@code -Dhabilis.test.db=postgres}) it is a fresh database
 * of the test cluster instead.
 */
public final class SharedDatabase implements AutoCloseable {
  private final Server h2;
  private final Path dir;
  private final String url;

  private SharedDatabase(Server h2, Path dir, String url) {
    this.h2 = h2;
    this.dir = dir;
    this.url = url;
  }

  public static SharedDatabase start() throws Exception {
    if (fr.habilis.ca.store.TestDatabases.postgres()) {
      // The PostgreSQL pass: a fresh database of the test cluster, which any number of pools share.
      return new SharedDatabase(null, null, fr.habilis.ca.store.PostgresCluster.shared().createDatabase());
    }
    Path dir = Files.createTempDirectory("habilis-shared-db");
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists").start();
    return new SharedDatabase(h2, dir, "jdbc:h2:tcp://127.0.0.1:" + port + "/habilis");
  }

  /** The {@code dbUrl} every instance is given. */
  public String url() {
    return url;
  }

  public Connection connect() throws Exception {
    return DriverManager.getConnection(url);
  }

  /** Row count of every application table: a snapshot to show that something wrote nothing. */
  public Map<String, Long> rowCounts() throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = connect(); Statement s = c.createStatement()) {
      java.util.List<String> tables = new java.util.ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
          + " WHERE LOWER(table_schema) = 'public' AND LOWER(table_type) IN ('base table', 'table')")) {
        while (rs.next()) tables.add(rs.getString(1));
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"" + t + "\"")) {
          rs.next();
          counts.put(t.toLowerCase(java.util.Locale.ROOT), rs.getLong(1));
        }
      }
    }
    return counts;
  }

  @Override
  public void close() throws Exception {
    if (h2 == null) return;
    h2.stop();
    TestServer.deleteRecursively(dir);
  }
}
