package fr.habilis.ca.metrics;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics} on the plain-HTTP listener: Prometheus text. With {@code metricsToken} set,
 * only a scraper sending {@code Authorization: Bearer <token>} gets it (401 otherwise): the CRL and
 * OCSP listener is public, the metrics need not be. The text is built on a worker thread: a
 * scrape walks every meter, which an event loop should not wait for.
 */
public final class MetricsApi {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final Metrics metrics;
  private final byte[] token;

  /** {@code token}: the bearer token a scraper must send, or null for none. */
  public MetricsApi(Metrics metrics, String token) {
    this.metrics = metrics;
    this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  public void mount(Router router) {
    router.get("/metrics").handler(this::scrape);
  }

  private void scrape(RoutingContext rc) {
    if (token != null) {
      String auth = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
      // Constant time: the comparison does not tell how much of a guessed token was right.
      if (auth == null || !MessageDigest.isEqual(token, auth.getBytes(StandardCharsets.UTF_8))) {
        rc.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"habilis-metrics\"")
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end("metrics need a bearer token (metricsToken)\n");
        return;
      }
    }
    rc.vertx().executeBlocking(metrics::scrape, false).onComplete(text -> {
      if (text.failed()) {
        rc.fail(text.cause());
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(text.result());
    });
  }
}
