package fr.habilis.ca.web;

import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.metrics.Metrics;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What is known of every request once it ended: its latency histogram by route pattern and status
 * ({@link Metrics#request}), the refusal it got if any, and one access log line (logger
 * {@code habilis.access}: method, route pattern, status, latency, request id, ACME account). The
 * raw path and query are not logged: they are in no pattern's place of the metrics either, and
 * carry identifiers (card numbers, OCSP requests) an access log does not need.
 */
public final class RequestObserver {
  private static final Logger ACCESS = LoggerFactory.getLogger("habilis.access");
  private static final String ACCOUNT = "habilis.accountId";
  private static final String REFUSAL = "habilis.refusal";
  private static final String[] KIND_LABELS = new String[ErrorKind.values().length];

  static {
    for (ErrorKind k : ErrorKind.values()) KIND_LABELS[k.ordinal()] = k.name().toLowerCase(Locale.ROOT);
  }

  private final Metrics metrics;
  private final boolean accessLog;

  public RequestObserver(Metrics metrics, boolean accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  /** Observes every request of {@code router}: call before any other route is added. */
  public void install(Router router) {
    RoutePatterns patterns = new RoutePatterns(router);
    router.route().handler(rc -> {
      long start = System.nanoTime();
      rc.addEndHandler(ended -> observe(rc, patterns, start));
      rc.next();
    });
  }

  /** The ACME account a request was signed by (kid), for its access log line. */
  public static void account(RoutingContext rc, long accountId) {
    rc.put(ACCOUNT, accountId);
  }

  /** The error kind a request was refused with (set where its problem document is sent). */
  static void refused(RoutingContext rc, ErrorKind kind) {
    rc.put(REFUSAL, kind);
  }

  /** A client may send any token as its method: anything but the usual ones is "other" (bounded labels). */
  private static String method(HttpMethod m) {
    String name = m.name();
    return switch (name) {
      case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" -> name;
      default -> "other";
    };
  }

  private void observe(RoutingContext rc, RoutePatterns patterns, long start) {
    long nanos = System.nanoTime() - start;
    String route = patterns.of(rc);
    String method = method(rc.request().method());
    // A response cut by a closed connection before it was written has no status: 0. (The end
    // handler's own result is no guide: an HTTP/2 stream the client resets after reading the whole
    // answer ends "failed" too.)
    int status = rc.response().ended() ? rc.response().getStatusCode() : 0;
    metrics.request(method, route, status, nanos);
    ErrorKind refusal = rc.get(REFUSAL);
    if (refusal != null) metrics.refused(KIND_LABELS[refusal.ordinal()]);
    if (accessLog && ACCESS.isInfoEnabled()) {
      Long account = rc.get(ACCOUNT);
      String requestId = RequestIds.of(rc);
      double ms = Math.round(nanos / 10_000.0) / 100.0;
      LoggingEventBuilder line = ACCESS.atInfo().addKeyValue("method", method).addKeyValue("route", route)
          .addKeyValue("status", status).addKeyValue("latencyMs", ms).addKeyValue("requestId", requestId);
      if (account != null) line = line.addKeyValue("accountId", account);
      line.log("{} {} {} {}ms id={} account={}", method, route, status, ms, requestId, account == null ? "-" : account);
    }
  }
}
