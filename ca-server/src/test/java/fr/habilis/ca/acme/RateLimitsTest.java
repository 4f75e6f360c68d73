package fr.habilis.ca.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private Database db;

  @BeforeEach
  void open() {
    db = TestDatabases.open(null, 8);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private Duration take(String key, int limit, Instant now) throws Exception {
    return db.txBlocking(c -> RateLimits.take(c, key, limit, HOUR, now));
  }

  @Test
  void aBurstOfTheLimitThenOneMorePerInterval() throws Exception {
    for (int i = 0; i < 4; i++) assertNull(take("account:1", 4, T0), "request " + (i + 1) + " of 4");
    assertEquals(Duration.ofMinutes(15), take("account:1", 4, T0), "the 5th waits one interval (1 h / 4)");
    assertEquals(Duration.ofMinutes(5), take("account:1", 4, T0.plus(Duration.ofMinutes(10))));
    assertNull(take("account:1", 4, T0.plus(Duration.ofMinutes(15))), "one more after an interval");
    assertEquals(Duration.ofMinutes(15), take("account:1", 4, T0.plus(Duration.ofMinutes(15))));
    assertNull(take("account:2", 4, T0), "keys are independent");
  }

  @Test
  void aRefusalConsumesNothingAndAnIdleKeyRefillsToTheBurst() throws Exception {
    for (int i = 0; i < 2; i++) assertNull(take("s", 2, T0));
    for (int i = 0; i < 10; i++) assertEquals(Duration.ofMinutes(30), take("s", 2, T0));
    Instant later = T0.plus(Duration.ofHours(5));
    assertNull(take("s", 2, later));
    assertNull(take("s", 2, later));
    assertEquals(Duration.ofMinutes(30), take("s", 2, later), "the burst never exceeds the limit");
  }

  @Test
  void concurrentFirstRequestsOnANewKeyAreCountedExactly() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Duration>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) calls.add(() -> take("structure:new", 10, T0));
      int allowed = 0;
      for (Future<Duration> f : pool.invokeAll(calls)) if (f.get() == null) allowed++;
      assertEquals(10, allowed, "exactly the limit, however the row was created");
    } finally {
      pool.shutdown();
    }
  }
}
