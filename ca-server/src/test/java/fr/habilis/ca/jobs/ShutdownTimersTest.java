package fr.habilis.ca.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A stop cancels every timer before the pool closes: with every periodic job due several times a
 * second, nothing runs on the closed pool (no warning, no error logged) in the second after the
 * server closed and before Vert.x itself is closed.
 */
class ShutdownTimersTest {

  @Test
  void aCloseWithJobsDueLogsNoError() throws Exception {
    List<LogRecord> problems = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) problems.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    TestServer server = TestServer.start(Map.of("crlRegenerateEvery", "PT0.1S", "auditCheckpointEvery", "PT1S",
        "processingRecoveryAfter", "PT1S", "clusterPollEvery", "PT0.05S", "crlCoalesceDelay", "PT0.2S",
        "ocspSignerValidity", "PT1H", "nonceLifetime", "PT4S"));
    try {
      Thread.sleep(1500); // every job has run, several are due again any moment
      assertTrue(server.context().scheduler().runsHere("crl-regeneration") >= 3);
      root.addHandler(capture);
      server.server().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertTrue(server.context().scheduler().isClosed());
      Thread.sleep(1000); // Vert.x still runs: a timer left behind would fire on the closed pool now
      assertEquals(List.of(), problems.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()
          + (r.getThrown() == null ? "" : " " + r.getThrown())).toList());
    } finally {
      root.removeHandler(capture);
      server.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      TestServer.deleteRecursively(server.dataDir());
    }
  }
}
