package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No database ever holds two CAs: an instance that cannot load the recorded hierarchy's keys
 * refuses to start with one line (exit code 2) and writes nothing; two instances starting together
 * on an empty database make one hierarchy, not two.
 */
class OneCaPerDatabaseTest {

  @Test
  void anInstanceWithoutTheKeysRefusesToStartAndWritesNothing() throws Exception {
    Path tmp = Files.createTempDirectory("habilis-refused");
    try (SharedDatabase db = SharedDatabase.start()) {
      Map<String, String> shared = TwoInstancesOneCaTest.settings(db);
      String root;
      try (TestServer first = TestServer.start(shared)) {
        root = first.context().ca().root().getSerialNumber().toString(16);
        // The right keys, but a setting the running instance does not share.
        Map<String, String> differing = TwoInstancesOneCaTest.joining(db, first, tmp.resolve("differing"));
        differing.put("policyOid", "1.2.250.1.213.1.7.2.1.1.1.2");
        ConfigException e = startFails(differing);
        assertTrue(e.getMessage().startsWith("setting policyOid (HABILIS_POLICY_OID) is '1.2.250.1.213.1.7.2.1.1.1.2' here"),
            e.getMessage());
        assertTrue(e.getMessage().contains("runs with it"), e.getMessage());
      }
      // Another CA's material: an instance started once on a database of its own.
      Path other = tmp.resolve("other");
      try (TestServer alone = TestServer.start(Map.of("dataDir", other.toString()))) {
        assertFalse(root.equals(alone.context().ca().root().getSerialNumber().toString(16)));
      }
      Map<String, Long> rows = db.rowCounts();
      Map<String, String> leases = leases(db);
      Map<Path, byte[]> files = files(other);

      // No keystore at all (a fresh data directory).
      Map<String, String> none = new HashMap<>(shared);
      none.put("dataDir", tmp.resolve("fresh").toString());
      ConfigException e = startFails(none);
      assertTrue(e.getMessage().startsWith("this database belongs to the CA with root SHA-256 "), e.getMessage());
      assertTrue(e.getMessage().contains("cannot load its keys"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line");
      assertFalse(Files.exists(tmp.resolve("fresh")), "nothing left of the fresh data directory");

      // A keystore of another CA.
      Map<String, String> wrong = new HashMap<>(shared);
      wrong.put("dataDir", other.toString());
      e = startFails(wrong);
      assertTrue(e.getMessage().contains("holds another CA (root SHA-256 "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line");

      assertEquals(rows, db.rowCounts(), "no row written");
      assertEquals(leases, leases(db), "no lease taken");
      assertEquals(files.keySet(), files(other).keySet(), "no file added to the refused instance's data directory");
      files(other).forEach((p, bytes) -> assertTrue(java.util.Arrays.equals(files.get(p), bytes), p + " rewritten"));
    } finally {
      TestServer.deleteRecursively(tmp);
    }
  }

  @Test
  void twoFirstStartsTogetherMakeOneHierarchy() throws Exception {
    Path tmp = Files.createTempDirectory("habilis-race");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<TestServer> started = new ArrayList<>();
    try (SharedDatabase db = SharedDatabase.start()) {
      // The race under test is the hierarchy's, not the schema's: Flyway serialises concurrent
      // migrations with PostgreSQL's advisory lock, but two on one H2 TCP database can collide.
      fr.habilis.ca.store.Database.open(null, db.url(), null, null, 2).close();
      List<Future<TestServer>> starts = new ArrayList<>();
      for (String name : List.of("one", "two")) {
        Map<String, String> s = TwoInstancesOneCaTest.settings(db);
        s.put("dataDir", tmp.resolve(name).toString());
        starts.add(pool.submit(() -> TestServer.start(s)));
      }
      List<Throwable> refused = new ArrayList<>();
      for (Future<TestServer> f : starts) {
        try {
          started.add(f.get(180, TimeUnit.SECONDS));
        } catch (ExecutionException x) {
          refused.add(x.getCause() instanceof ExecutionException inner ? inner.getCause() : x.getCause());
        }
      }
      assertEquals(1, started.size(), "exactly one instance runs: " + refused);
      assertTrue(refused.get(0) instanceof ConfigException, String.valueOf(refused.get(0)));
      try (Connection c = db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(root_sha256) FROM ca_hierarchy")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
      long keystores = Stream.of("one", "two").filter(n -> Files.exists(tmp.resolve(n).resolve("ca-keystore.p12"))).count();
      assertEquals(1, keystores, "only the instance whose hierarchy was recorded wrote a keystore");
    } finally {
      for (TestServer s : started) s.stop();
      pool.shutdownNow();
      TestServer.deleteRecursively(tmp);
    }
  }

  static ConfigException startFails(Map<String, String> settings) throws Exception {
    return TestServer.startFails(settings);
  }

  private static Map<String, String> leases(SharedDatabase db) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT job, holder, expires_at, runs FROM job_leases")) {
      while (rs.next()) out.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3) + " " + rs.getLong(4));
    }
    return out;
  }

  private static Map<Path, byte[]> files(Path dir) throws Exception {
    Map<Path, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) out.put(dir.relativize(p), Files.readAllBytes(p));
    }
    return out;
  }
}
