package fr.habilis.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatabaseTest {
  private Vertx vertx;
  private Database db;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = TestDatabases.open(vertx, 2);
  }

  @AfterEach
  void close() {
    db.close();
    vertx.close();
  }

  @Test
  void txRunsOnAWorkerThreadNotTheEventLoop() throws Exception {
    Boolean onLoop = vertx.getOrCreateContext().<Boolean>executeBlocking(() -> false)
        .compose(x -> db.tx(c -> io.vertx.core.Context.isOnEventLoopThread()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertFalse(onLoop);
  }

  @Test
  void blockingJdbcFromTheEventLoopIsRefused() throws Exception {
    String error = vertx.getOrCreateContext().<String>executeBlocking(() -> "")
        .compose(x -> {
          io.vertx.core.Promise<String> p = io.vertx.core.Promise.promise();
          vertx.runOnContext(v -> {
            try {
              db.txBlocking(c -> 1);
              p.complete("no error");
            } catch (Exception e) {
              p.complete(e.getMessage());
            }
          });
          return p.future();
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(error.contains("event-loop"), error);
  }

  @Test
  void failedWorkRollsBackEverything() throws Exception {
    try {
      db.txBlocking(c -> {
        c.createStatement().executeUpdate("INSERT INTO blocked_keys (key_hash, reason, created_at) VALUES ('aa', 'x', CURRENT_TIMESTAMP)");
        throw new IllegalStateException("second step fails");
      });
    } catch (IllegalStateException expected) {
      // rolled back
    }
    int rows = db.txBlocking(c -> {
      try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM blocked_keys")) {
        rs.next();
        return rs.getInt(1);
      }
    });
    assertEquals(0, rows);
  }
}
