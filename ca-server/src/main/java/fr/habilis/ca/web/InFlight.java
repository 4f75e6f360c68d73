package fr.habilis.ca.web;

import io.vertx.ext.web.Router;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests received and not yet answered, over every router it is installed on: what a graceful
 * shutdown waits for, and how it knows whether the grace period was enough (a request whose
 * connection was cut while draining never got its answer).
 */
public final class InFlight {
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private volatile boolean draining;

  /** Counts every request of {@code router}: call before any other route is added. */
  public void install(Router router) {
    router.route().handler(rc -> {
      open.incrementAndGet();
      rc.addEndHandler(ended -> {
        open.decrementAndGet();
        // A request whose body never fully arrived (an HTTP/2 stream reset by the GOAWAY) was never
        // acted on: the client did not finish sending it.
        if (ended.failed() && draining && rc.request().isEnded()) cut.incrementAndGet();
      });
      rc.next();
    });
  }

  /** Shutdown began: from now on a request ended by a closed connection counts as cut. */
  public void draining() {
    draining = true;
  }

  /** Requests still running plus those cut since draining began: zero when the drain lost nothing. */
  public int unanswered() {
    return open.get() + cut.get();
  }
}
