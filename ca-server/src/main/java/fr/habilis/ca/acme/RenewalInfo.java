package fr.habilis.ca.acme;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.renewal.CertificateId;
import fr.habilis.ca.renewal.Incident;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.renewal.SuggestedWindow;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * renewalInfo (RFC 9773 §4): unauthenticated, cacheable GETs. {@code /acme/renewal-info/{id}}
 * answers the certificate's suggested window with Retry-After and a matching
 * {@code Cache-Control: public, max-age}; {@code /acme/incidents/{n}} is the page an incident's
 * explanationURL points to. Neither writes anything nor hands out a nonce.
 */
final class RenewalInfo {
  private static final String PREFIX = "/acme/renewal-info/";
  /** An incident never changes once declared. */
  private static final int INCIDENT_MAX_AGE = 3600;
  private final RenewalService renewal;

  RenewalInfo(RenewalService renewal) {
    this.renewal = renewal;
  }

  void mount(Router router) {
    router.get("/acme/renewal-info").handler(rc -> {
      throw DomainError.malformed("append a certificate identifier: renewal-info/base64url(AKI keyIdentifier).base64url(serial)"
          + " (RFC 9773 §4.1)");
    });
    router.get(PREFIX + "*").handler(this::renewalInfo);
    router.get("/acme/incidents/:id").handler(this::incident);
    // Reached by any other method: RFC 9773 §4.1 renewalInfo is an unauthenticated GET.
    for (String path : new String[] {"/acme/renewal-info", PREFIX + "*", "/acme/incidents/*"}) {
      router.route(path).handler(rc -> {
        rc.response().putHeader("Allow", "GET");
        throw DomainError.of(ErrorKind.METHOD_NOT_ALLOWED, "use GET (RFC 9773 §4.1)");
      });
    }
  }

  private void renewalInfo(RoutingContext rc) {
    String path = rc.request().path();
    CertificateId id;
    try {
      id = CertificateId.parse(path.substring(Math.min(path.length(), PREFIX.length())));
    } catch (IllegalArgumentException e) {
      throw DomainError.malformed(e.getMessage());
    }
    renewal.renewalInfo(id).onSuccess(w -> {
      JsonObject body = new JsonObject().put("suggestedWindow", new JsonObject()
          .put("start", w.start().toString()).put("end", w.end().toString()));
      if (w.cause() == SuggestedWindow.Cause.INCIDENT) body.put("explanationURL", renewal.explanationUrl(w.incident()));
      long seconds = w.retryAfter().getSeconds();
      AcmeApi.cacheable(rc, seconds);
      rc.response().putHeader("Retry-After", Long.toString(seconds)).putHeader("Content-Type", "application/json")
          .end(body.encode());
    }).onFailure(rc::fail);
  }

  private void incident(RoutingContext rc) {
    long id;
    try {
      id = Long.parseLong(rc.pathParam("id"));
    } catch (NumberFormatException e) {
      throw DomainError.notFound("no such incident");
    }
    renewal.incident(id).onSuccess(found -> {
      if (found.isEmpty()) {
        rc.fail(DomainError.notFound("no such incident"));
        return;
      }
      Incident i = found.get();
      AcmeApi.cacheable(rc, INCIDENT_MAX_AGE);
      rc.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(String.join("\n",
          "Habilis incident " + i.id() + ", declared " + i.declaredAt(),
          "",
          i.reason(),
          "",
          "Certificates concerned: " + scope(i) + " issued before " + i.declaredAt() + ".",
          "Their renewalInfo (RFC 9773) asks for renewal now; an ACME client with ARI renews at its next check.",
          ""));
    }).onFailure(rc::fail);
  }

  private static String scope(Incident i) {
    return switch (i.scope()) {
      case CERTIFICATE -> "the certificate with serial " + i.target();
      case STRUCTURE -> "every certificate of structure " + i.target();
      case PROFILE -> "every " + i.target() + " certificate";
      case CA -> "every certificate of issuing CA " + i.target();
    };
  }
}
