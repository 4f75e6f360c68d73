package fr.habilis.ca.revocation;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.pki.CaPublisher;
import fr.habilis.ca.pki.ResponderStore;
import fr.habilis.ca.web.HttpDates;
import fr.habilis.ca.web.MethodNotAllowed;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.web.HttpProblems;
import fr.habilis.ca.web.ProblemHandler;
import fr.habilis.ca.web.RequestIds;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.regex.Pattern;

/**
 * Revocation data for relying parties over plain HTTP (RFC 5280 deployments fetch it so):
 * {@code GET /crl/{ca}.crl} and the OCSP responder at {@code POST /ocsp} and {@code GET /ocsp/{request}}.
 */
public final class RevocationApi {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationApi.class);
  private static final CharSequence OCSP_TYPE = HttpHeaders.createOptimized("application/ocsp-response");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final Pattern CRL_FILE = Pattern.compile("([a-z]+)\\.crl");
  private static final int MAX_OCSP_REQUEST = 8 * 1024;
  private final ServerContext ctx;
  private final OcspResponder ocsp;
  private final CrlService crl;
  private final RevocationService service;
  private final ResponderRenewal responders;
  private final RevocationFeed feed;

  /** {@code store} and {@code publisher}: where a renewed OCSP responder is kept and published. */
  public RevocationApi(ServerContext ctx, ResponderStore store, CaPublisher publisher) {
    this.ctx = ctx;
    this.ocsp = new OcspResponder(ctx);
    this.responders = new ResponderRenewal(ctx, ocsp, store, publisher);
    this.crl = new CrlService(ctx);
    this.feed = new RevocationFeed(ctx, ocsp);
    this.service = new RevocationService(ctx, ocsp, crl);
  }

  /** The OCSP responder certificate signing for this issuing CA now (renewed ones included). */
  public java.security.cert.X509Certificate responderCertificate(String caId) {
    return ocsp.responderCertificate(caId);
  }

  /** The OCSP responder, for the console's "what does OCSP say" on a certificate's page. */
  public OcspResponder ocsp() {
    return ocsp;
  }

  public RevocationService service() {
    return service;
  }

  public void mount(Router router) {
    crl.start();
    responders.start();
    feed.start();
    // Per instance: each keeps its own cache of signed answers (docs/deployment.md).
    ctx.scheduler().local(java.time.Duration.ofMinutes(5), ocsp::refreshAging);
    // A small status document until the server has a health/metrics endpoint (issue 17): the OCSP
    // responders served now and when each will be renewed.
    router.get("/status").handler(rc -> rc.response().putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("environment", ctx.config().environment())
            .put("ocspResponders", responders.status()).encode()));
    ProblemHandler problems = new ProblemHandler(HttpProblems::toProblem, null);
    MethodNotAllowed.after(router, "GET", problems, "/status");
    router.route("/crl/*").failureHandler(problems);
    router.get("/crl/:file").handler(this::crl);
    router.head("/crl/:file").handler(this::crl);
    router.post("/ocsp").handler(BodyHandler.create(false).setBodyLimit(MAX_OCSP_REQUEST)).handler(rc -> {
      byte[] request = rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes();
      answer(rc, request);
    }).failureHandler(this::ocspFailure);
    router.get("/ocsp/*").handler(rc -> {
      byte[] request;
      String path = rc.request().path();
      try {
        // "/ocsp" itself also matches: an empty request (RFC 6960 A.1 wants one after the slash).
        String encoded = path.length() > "/ocsp/".length() ? path.substring("/ocsp/".length()) : "";
        request = Base64.getDecoder().decode(percentDecode(encoded));
      } catch (IllegalArgumentException e) {
        send(rc, OcspResponder.refused(ErrorKind.MALFORMED));
        return;
      }
      answer(rc, request);
    }).failureHandler(this::ocspFailure);
    MethodNotAllowed.after(router, "GET, HEAD", problems, "/crl/:file");
    MethodNotAllowed.after(router, "GET, POST", problems, "/ocsp");
    MethodNotAllowed.after(router, "GET", problems, "/ocsp/*");
  }

  private void answer(RoutingContext rc, byte[] request) {
    OcspResponder.Cached hit = ocsp.cachedFor(ByteBuffer.wrap(request));
    if (hit != null && hit.nextUpdate().toEpochMilli() - ctx.clock().millis() > 60_000) {
      ctx.metrics().ocspCache(true);
      send(rc, new OcspResponder.Answer(hit.der(), hit));
      return;
    }
    ocsp.answer(request).onSuccess(a -> send(rc, a)).onFailure(rc::fail);
  }

  /**
   * An OCSP request that failed: a refusal (or the body handler's status, e.g. too large) gets
   * its OCSP status; a fault is logged once with the request id and answered internalError.
   */
  private void ocspFailure(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure == null) {
      send(rc, OcspResponder.refused(ErrorKind.MALFORMED));
    } else if (failure instanceof DomainError e) {
      send(rc, OcspResponder.refused(e.kind()));
    } else {
      LOG.error("request " + RequestIds.of(rc) + ": unexpected failure on " + rc.request().method() + " /ocsp", failure);
      send(rc, OcspResponder.refused(ErrorKind.INTERNAL));
    }
  }

  private void send(RoutingContext rc, OcspResponder.Answer a) {
    HttpServerResponse r = rc.response();
    r.putHeader(HttpHeaders.CONTENT_TYPE, OCSP_TYPE);
    OcspResponder.Cached c = a.cached();
    if (c == null) {
      r.putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
    } else {
      long maxAge = Math.max(0, (c.nextUpdate().toEpochMilli() - ctx.clock().millis()) / 1000);
      r.putHeader(HttpHeaders.CACHE_CONTROL, "max-age=" + maxAge + ", public, no-transform, must-revalidate");
      r.putHeader(HttpHeaders.ETAG, c.etag());
      r.putHeader(HttpHeaders.LAST_MODIFIED, c.lastModified());
      r.putHeader(HttpHeaders.EXPIRES, c.expires());
      if (c.etag().equals(rc.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        r.setStatusCode(304).end();
        return;
      }
    }
    r.end(Buffer.buffer(a.der()));
  }

  private void crl(RoutingContext rc) {
    var m = CRL_FILE.matcher(rc.pathParam("file"));
    if (!m.matches() || !crl.cas().contains(m.group(1))) {
      rc.fail(DomainError.notFound("no CRL at " + rc.request().path() + "; CRLs: "
          + String.join(", ", crl.cas().stream().map(ca -> "/crl/" + ca + ".crl").toList())));
      return;
    }
    String caId = m.group(1);
    crl.ready().onComplete(x -> {
      CrlService.Published p = crl.current(caId);
      if (p == null) {
        rc.fail(DomainError.of(ErrorKind.UNAVAILABLE, "the CRL is being generated"));
        return;
      }
      HttpServerResponse r = rc.response();
      long maxAge = Math.max(0, Math.min(p.nextUpdate().toEpochMilli() - ctx.clock().millis(), 300_000) / 1000);
      r.putHeader(HttpHeaders.CONTENT_TYPE, "application/pkix-crl")
          .putHeader(HttpHeaders.ETAG, p.etag())
          .putHeader(HttpHeaders.LAST_MODIFIED, HttpDates.format(p.thisUpdate()))
          .putHeader(HttpHeaders.EXPIRES, HttpDates.format(p.nextUpdate()))
          // Short max-age: a revocation reaches the CRL within seconds, caches should look again soon.
          .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=" + maxAge + ", public, no-transform, must-revalidate");
      if (p.etag().equals(rc.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        r.setStatusCode(304).end();
      } else if (rc.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
        r.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(p.der().length)).end();
      } else {
        r.end(Buffer.buffer(p.der()));
      }
    });
  }

  /** %XX sequences only: '+' is a base64 character here, not a space. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) return s;
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '%' && i + 2 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
