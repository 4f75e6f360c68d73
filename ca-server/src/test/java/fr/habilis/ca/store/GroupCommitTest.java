package fr.habilis.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.habilis.ca.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: H2 no longer writes a chunk per commit (its writer runs once a minute here), yet what
 * {@link Database#txBlocking} returned is in the file when it returns. A copy of the file taken
 * then is what a {@code kill -9} at that instant would leave: it must hold every committed row.
 * (Without {@link GroupCommit} the copy holds none of them: the test fails.)
 */
class GroupCommitTest {
  @Test
  void everyTransactionThatReturnedIsInTheFileWithoutWaitingForH2sWriter() throws Exception {
    Assumptions.assumeFalse(TestDatabases.postgres(), "the embedded H2 file's own writes");
    Path dir = Files.createTempDirectory("habilis-group-commit");
    Path copy = Files.createTempDirectory("habilis-group-commit-copy");
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      String url = "jdbc:h2:file:" + dir.resolve("habilis").toString().replace('\\', '/')
          + ";WRITE_DELAY=60000;DB_CLOSE_ON_EXIT=FALSE";
      Database db = Database.open(null, url, null, null, 4);
      Instant expires = Instant.now().plusSeconds(3600);
      List<Future<Boolean>> done = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String nonce = "nonce-" + i;
        done.add(threads.submit(() -> db.txBlocking(c -> NonceRepository.use(c, nonce, expires))));
      }
      for (Future<Boolean> f : done) f.get();
      // A read-only transaction after them returns at once: nothing is pending.
      long seen = db.txBlocking(c -> Sql.one(c, "SELECT COUNT(*) FROM acme_used_nonces", rs -> rs.getLong(1)));
      assertEquals(200, seen);

      Files.copy(dir.resolve("habilis.mv.db"), copy.resolve("habilis.mv.db"));
      db.close();
      String copyUrl = "jdbc:h2:file:" + copy.resolve("habilis").toString().replace('\\', '/') + ";DB_CLOSE_ON_EXIT=FALSE";
      try (Database crashed = Database.open(null, copyUrl, null, null, 2)) {
        long rows = crashed.txBlocking(c -> Sql.one(c, "SELECT COUNT(*) FROM acme_used_nonces", rs -> rs.getLong(1)));
        assertEquals(200, rows, "rows in the file as a kill -9 would have left it");
      }
    } finally {
      threads.shutdownNow();
      TestServer.deleteRecursively(dir);
      TestServer.deleteRecursively(copy);
    }
  }
}
