package fr.habilis.ca.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throw-away PostgreSQL 15 cluster for the test JVM: {@code initdb} in a temporary directory,
 * {@code pg_ctl start} on a free 127.0.0.1 port with its Unix socket in that directory, one
 * fresh database per caller, stopped and deleted when the JVM exits. It runs the system's
 * binaries (Debian's {@code postgresql} package, installed by {@code .ci/run}), so nothing is
 * downloaded at run time. PostgreSQL refuses to run as root: under uid 0 every command runs as the
 * unprivileged {@code postgres} user the package creates, and the directory is handed to it.
 *
 * <p>Durability is traded for speed: {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} are off (a crash loses the cluster, which is deleted anyway). Locking,
 * isolation and constraint behaviour, which the tests are about, do not depend on them.
 */
public final class PostgresCluster {
  /** Where Debian puts the PostgreSQL 15 server binaries; {@code habilis.test.pgBin} overrides it. */
  private static final Path BIN = Path.of(System.getProperty("habilis.test.pgBin", "/usr/lib/postgresql/15/bin"));
  /** The cluster's superuser; local TCP connections are trusted, so no password travels. */
  static final String USER = "habilis";

  private static PostgresCluster shared;

  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresCluster(Path dir, int port, boolean asPostgresUser) {
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** The JVM's cluster, started on first use. */
  public static synchronized PostgresCluster shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the test PostgreSQL cluster: " + e.getMessage(), e);
      }
      PostgresCluster cluster = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "postgres-test-cluster-stop"));
    }
    return shared;
  }

  private static PostgresCluster start() throws Exception {
    if (!Files.isExecutable(BIN.resolve("initdb"))) {
      throw new IllegalStateException(BIN.resolve("initdb") + " is missing: install PostgreSQL 15"
          + " (apt-get install postgresql) or set -Dhabilis.test.pgBin");
    }
    boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    Path dir = Files.createTempDirectory("habilis-pg");
    if (root) {
      UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    }
    PostgresCluster probe = new PostgresCluster(dir, 0, root);
    probe.run(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
        "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"));
    // A free port can be taken between the probe and the bind: try a few.
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      PostgresCluster cluster = new PostgresCluster(dir, port, root);
      try {
        cluster.run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
            "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
            "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories=" + dir
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start"));
        return cluster;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Creates an empty database and returns its JDBC URL (user included, no password needed). */
  public String createDatabase() {
    String name = "habilis_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("CREATE DATABASE " + name + " failed: " + e.getMessage(), e);
    }
    return url(name);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  private void stop() {
    try {
      // immediate: the databases are thrown away, no need for a shutdown checkpoint.
      run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
          "-w", "stop"));
    } catch (Exception e) {
      System.err.println("stopping the test PostgreSQL cluster: " + e.getMessage());
    }
    // A few hundred databases are tens of thousands of files: deleting them from this hook can take
    // longer than surefire waits for a forked JVM to exit (30 s, then it is killed and the
    // directory stays). rm runs on its own, after the JVM has gone.
    try {
      new ProcessBuilder("rm", "-rf", dir.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      System.err.println("deleting " + dir + ": " + e.getMessage());
    }
  }

  /** Runs a PostgreSQL command (as {@code postgres} under root), failing with its output. */
  private void run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(command);
    Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      String log = "";
      Path serverLog = dir.resolve("postgres.log");
      if (Files.isReadable(serverLog)) log = "\n" + Files.readString(serverLog);
      throw new IOException(String.join(" ", command) + " failed:\n" + new String(out, StandardCharsets.UTF_8) + log);
    }
  }
}
