package fr.habilis.ca;

import fr.habilis.ca.config.Setting;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How the process stops. SIGTERM (an orchestrator's stop, {@code docker stop}, systemd) drains the
 * server ({@link HabilisServer#shutdown}) and exits 0 when every request received was answered, 1
 * when the grace period cut some; a JVM left to its default handler would exit 143 whatever
 * happened. Any other exit (SIGINT, SIGHUP) drains the same way from a shutdown hook, with the
 * JVM's own exit code. The drain runs once, whichever asks first.
 */
final class GracefulStop {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);
  /** After the grace period: the audit checkpoint and the pool's close, both short. */
  private static final Duration AFTER_GRACE = Duration.ofSeconds(20);

  private final HabilisServer server;
  private final Vertx vertx;
  private final Duration bound;
  private Integer code;

  private GracefulStop(HabilisServer server, Vertx vertx) {
    this.server = server;
    this.vertx = vertx;
    this.bound = server.context().config().getDuration(Setting.SHUTDOWN_GRACE).plus(AFTER_GRACE);
  }

  static void install(HabilisServer server, Vertx vertx) {
    GracefulStop stop = new GracefulStop(server, vertx);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::drain, "habilis-shutdown"));
    try {
      // The handler runs on the JVM's signal thread: exit from there once drained; the hooks then
      // find the drain done.
      Signal.handle(new Signal("TERM"), sig -> System.exit(stop.drain()));
    } catch (IllegalArgumentException | UnsupportedOperationException reserved) {
      // -Xrs or a platform without SIGTERM: the shutdown hook still drains
    }
  }

  /** Drains once; the exit code: 0 when nothing was cut, 1 otherwise. */
  synchronized int drain() {
    if (code != null) return code;
    code = 1;
    try {
      int unanswered = server.shutdown().toCompletionStage().toCompletableFuture().get(bound.toMillis(), TimeUnit.MILLISECONDS);
      if (unanswered == 0) {
        code = 0;
      } else {
        LOG.warn("shutdown grace period ({}) over: {} request(s) cut", Setting.SHUTDOWN_GRACE.key(), unanswered);
      }
    } catch (Exception e) {
      LOG.warn("shutdown incomplete: {}", HabilisServer.rootMessage(e));
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
    return code;
  }
}
