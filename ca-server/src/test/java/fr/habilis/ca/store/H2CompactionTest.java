package fr.habilis.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: with durable commits (WRITE_DELAY=0, a chunk per commit) an H2 file keeps every chunk
 * that still holds a live page; {@link Database#closeCompacted} (a graceful stop) gives the space
 * back and keeps every row.
 */
class H2CompactionTest {
  @Test
  void aCompactingCloseShrinksTheFileToItsLiveDataAndKeepsEveryRow() throws Exception {
    Assumptions.assumeFalse(TestDatabases.postgres(), "the H2 file's own compaction");
    Path dir = Files.createTempDirectory("habilis-compact");
    try {
      // As the server's URL (HabilisConfig.dbUrl), with H2's own compaction on close turned off:
      // only closeCompacted can shrink the file here.
      String url = "jdbc:h2:file:" + dir.resolve("habilis").toString().replace('\\', '/')
          + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;MAX_COMPACT_TIME=0";
      Database db = Database.open(null, url, null, null, 2);
      Instant expires = Instant.now().plusSeconds(3600);
      for (int i = 0; i < 500; i++) {
        String nonce = "nonce-" + i;
        db.txBlocking(c -> NonceRepository.use(c, nonce, expires)); // one commit, one chunk, each
      }
      long before = Files.size(dir.resolve("habilis.mv.db"));
      db.closeCompacted();
      long after = Files.size(dir.resolve("habilis.mv.db"));
      assertTrue(after * 3 < before, "file " + before + " bytes before, " + after + " after");

      try (Database again = Database.open(null, url, null, null, 2)) {
        long rows = again.txBlocking(c -> Sql.one(c, "SELECT COUNT(*) FROM acme_used_nonces", rs -> rs.getLong(1)));
        assertEquals(500, rows);
      }
    } finally {
      TestServer.deleteRecursively(dir);
    }
  }
}
