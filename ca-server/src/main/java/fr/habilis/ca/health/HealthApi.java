package fr.habilis.ca.health;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.pki.IssuingCa;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code /health/live} and {@code /health/ready} on the plain-HTTP listener, for load balancers and
 * the image's HEALTHCHECK. Mounted as soon as the HTTP listener exists: live answers from then on
 * (the process serves), ready answers 503 until the server is up and again once it is closing.
 * Ready means: the database answers a trivial query within {@link #DB_TIMEOUT_MS} (on the
 * database worker pool, never the event loop), both issuing CAs have their keys and a certificate
 * valid now, the OCSP responder each one serves now (a renewed one, not the start-up one) is valid
 * now, and both listeners are bound.
 */
public final class HealthApi {
  /** Longer than a healthy pool takes to lend a connection, shorter than a probe's own timeout. */
  static final long DB_TIMEOUT_MS = 2_000;

  /** The running server, or null while starting or after close began (volatile: set off the event loop). */
  private volatile ServerContext serving;
  /** The responder certificate served now per issuing CA; the keystore's until {@link #responders} is called. */
  private volatile Function<String, X509Certificate> responders;

  public void mount(Router router) {
    router.get("/health/live").handler(rc -> answer(rc, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  /** Both listeners are bound and every module mounted: ready from now on, if the checks pass. */
  public void serving(ServerContext context) {
    this.serving = context;
  }

  /** Where the responders served now are found, as they are renewed while the server runs. */
  public void responders(Function<String, X509Certificate> served) {
    this.responders = served;
  }

  /** Close began: a load balancer stops sending new requests here. */
  public void stopping() {
    this.serving = null;
  }

  private void ready(RoutingContext rc) {
    ServerContext ctx = serving;
    if (ctx == null) {
      down(rc, new JsonObject().put("listeners", "DOWN"), "listeners: not serving (starting or shutting down)");
      return;
    }
    JsonObject checks = new JsonObject().put("listeners", "UP");
    Function<String, X509Certificate> served = responders;
    String keys = caKeysProblem(ctx, served != null ? served : id -> ctx.ca().issuing(id).ocspCertificate());
    checks.put("caKeys", keys == null ? "UP" : "DOWN");
    database(ctx).onComplete(db -> {
      checks.put("database", db.succeeded() ? "UP" : "DOWN");
      if (keys != null) {
        down(rc, checks, "caKeys: " + keys);
      } else if (db.failed()) {
        down(rc, checks, "database: " + message(db.cause()));
      } else {
        answer(rc, 200, new JsonObject().put("status", "UP").put("checks", checks));
      }
    });
  }

  private static Future<Void> database(ServerContext ctx) {
    try {
      return ctx.db().ping((int) Math.max(1, DB_TIMEOUT_MS / 1000)).timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException closedPool) {
      return Future.failedFuture(closedPool);
    }
  }

  /** Null when both issuing CAs can sign now; else what is wrong. */
  private static String caKeysProblem(ServerContext ctx, Function<String, X509Certificate> responders) {
    if (ctx.ca() == null) return "no CA hierarchy loaded";
    Date now = Date.from(ctx.clock().instant());
    for (IssuingCa ca : ctx.ca().issuingCas()) {
      if (ca.privateKey() == null || ca.ocspKey() == null) return ca.id() + " CA key or OCSP signer key not loaded";
      try {
        ca.certificate().checkValidity(now);
        responders.apply(ca.id()).checkValidity(now);
      } catch (CertificateException e) {
        return ca.id() + " CA or OCSP signer certificate not valid now: " + e.getMessage();
      }
    }
    return null;
  }

  private static void down(RoutingContext rc, JsonObject checks, String reason) {
    answer(rc, 503, new JsonObject().put("status", "DOWN").put("reason", reason).put("checks", checks));
  }

  private static void answer(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  /** One line: the innermost cause's message (a pool closed, a refused connection, a timeout). */
  private static String message(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) r = r.getCause();
    String m = r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
