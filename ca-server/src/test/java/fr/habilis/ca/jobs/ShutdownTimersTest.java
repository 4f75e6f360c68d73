package fr.habilis.ca.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import ch.qos.logback.classic.Level;
import fr.habilis.ca.logging.LogCapture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop cancels every timer before the pool closes: with every periodic job due several times a
 * second, nothing runs on the closed pool (no warning, no error logged) in the second after the
 * server closed and before Vert.x itself is closed.
 */
class ShutdownTimersTest {

  @Test
  void aCloseWithJobsDueLogsNoError() throws Exception {
    TestServer server = TestServer.start(Map.of("crlRegenerateEvery", "PT0.1S", "auditCheckpointEvery", "PT1S",
        "processingRecoveryAfter", "PT1S", "clusterPollEvery", "PT0.05S", "crlCoalesceDelay", "PT0.2S",
        "ocspSignerValidity", "PT1H", "nonceLifetime", "PT4S"));
    try {
      Thread.sleep(1500); // every job has run, several are due again any moment
      assertTrue(server.context().scheduler().runsHere("crl-regeneration") >= 3);
      // Every logger's warnings and errors reach the root logger (libraries' too: HikariCP, Vert.x).
      try (LogCapture problems = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.WARN)) {
        server.server().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(server.context().scheduler().isClosed());
        Thread.sleep(1000); // Vert.x still runs: a timer left behind would fire on the closed pool now
        assertEquals(List.of(), problems.atLeast(Level.WARN).stream().map(e -> e.getLoggerName() + ": "
            + e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList());
      }
    } finally {
      server.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      TestServer.deleteRecursively(server.dataDir());
    }
  }
}
