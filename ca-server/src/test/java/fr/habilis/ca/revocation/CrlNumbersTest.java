package fr.habilis.ca.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.TestDatabases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * CRL numbers under concurrent generations (several instances on one database, RFC 5280 §5.2.3):
 * each generation is its own transaction, as in {@link CrlService}; together they get exactly
 * 1..n, and a generation that starts after another committed always gets a larger number.
 */
class CrlNumbersTest {
  private static final int THREADS = 8;
  private static final int EACH = 10;

  @Test
  void parallelGenerationsFromTheFirstGetDistinctIncreasingNumbers() throws Exception {
    Database db = TestDatabases.open(null, THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<List<Long>>> runs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        runs.add(pool.submit(() -> {
          start.await(); // the first generations race for the CA's first crl_state row
          List<Long> mine = new ArrayList<>();
          for (int i = 0; i < EACH; i++) mine.add(db.txBlocking(c -> CrlService.nextNumber(c, "org", Instant.now())));
          return mine;
        }));
      }
      TreeSet<Long> all = new TreeSet<>();
      for (Future<List<Long>> run : runs) {
        List<Long> mine = run.get();
        for (int i = 1; i < mine.size(); i++) {
          assertTrue(mine.get(i) > mine.get(i - 1), "a later generation got a smaller number: " + mine);
        }
        all.addAll(mine);
      }
      assertEquals(THREADS * EACH, all.size(), "no number given twice");
      assertEquals(1L, all.first());
      assertEquals((long) THREADS * EACH, all.last());
      assertEquals((long) THREADS * EACH + 1, (long) db.txBlocking(c -> CrlService.nextNumber(c, "org", Instant.now())));
    } finally {
      pool.shutdownNow();
      db.close();
    }
  }
}
