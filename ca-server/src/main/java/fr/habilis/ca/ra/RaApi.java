package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.PendingActions;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.web.ProblemHandler;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * The registration authority's HTTP API under {@code /ra/v1}: operators record structures and
 * habilitation requests, approve or reject them, manage administrators and mint EAB credentials.
 * Every call needs a bearer token and the role its route needs ({@link RaAuth}); every write is
 * one transaction audited with the caller's principal id as actor.
 */
public final class RaApi {
  private final ServerContext ctx;
  private final RegistryService registry;
  private final RaAuth auth;
  private final RaCertificates certificates;
  private final PendingActions actions;
  private final RaPendingActions pending;
  private RenewalService renewal;

  public RaApi(ServerContext ctx, RevocationService revocation) {
    this.ctx = ctx;
    this.registry = new RegistryService(ctx);
    this.auth = new RaAuth(ctx.config().get(Setting.RA_TOKEN), Operators.of(ctx));
    this.certificates = new RaCertificates(ctx, registry, revocation);
    this.actions = new PendingActions(ctx, registry, revocation);
    this.pending = new RaPendingActions(ctx, actions);
  }

  public RegistryService registry() {
    return registry;
  }

  /** Incidents and renewal chains (RFC 9773), served once the renewal module provides its service. */
  public RaApi withRenewal(RenewalService renewal) {
    this.renewal = renewal;
    certificates.renewal(renewal);
    actions.renewal(renewal);
    return this;
  }

  public void mount(Router router) {
    ProblemHandler problems = new ProblemHandler(RaErrors::toProblem, null);
    router.route("/ra/v1/*").handler(auth::handle).failureHandler(problems);
    router.route("/ra/v1/*").handler(BodyHandler.create(false).setBodyLimit(256 * 1024));

    router.post("/ra/v1/structures").handler(rc -> reply(rc, 201,
        registry.createStructure(RaRequests.structure(body(rc)), RaAuth.actor(rc)).map(s -> {
          rc.response().putHeader("Location", ctx.endpoints().raUrl() + "/structures/" + s.nationalId());
          return RaJson.structure(s);
        })));
    new RaStructures(ctx, registry).mount(router);
    router.patch("/ra/v1/structures/:nationalId").handler(rc -> reply(rc, 200,
        registry.setCertificateName(rc.pathParam("nationalId"), RaRequests.certificateName(body(rc)), RaAuth.actor(rc))
            .map(RaJson::structure)));

    router.post("/ra/v1/habilitations").handler(rc -> reply(rc, 201,
        registry.createHabilitation(RaRequests.habilitation(body(rc)), RaAuth.actor(rc)).map(h -> {
          rc.response().putHeader("Location", ctx.endpoints().raUrl() + "/habilitations/" + h.reference());
          return RaJson.habilitation(h);
        })));
    router.get("/ra/v1/habilitations").handler(this::list);
    router.get("/ra/v1/habilitations/:reference").handler(rc -> reply(rc, 200,
        registry.habilitation(rc.pathParam("reference")).map(RaJson::habilitation)));
    router.post("/ra/v1/habilitations/:reference/approve").handler(rc -> {
      body(rc);
      secret(rc);
      reply(rc, 200, registry.approve(rc.pathParam("reference"), RaAuth.actor(rc))
          .map(a -> RaJson.habilitation(a.habilitation()).put("credentials", RaJson.credentials(a.credentials()))));
    });
    router.post("/ra/v1/habilitations/:reference/reject").handler(rc -> reply(rc, 200,
        registry.reject(rc.pathParam("reference"), RaRequests.reason(body(rc)), RaAuth.actor(rc)).map(RaJson::habilitation)));
    router.post("/ra/v1/habilitations/:reference/revoke").handler(rc -> {
      JsonObject body = body(rc);
      String reason = RaRequests.reason(body);
      boolean revokeCertificates = RaRequests.flag(body, "revokeCertificates");
      if (revokeCertificates) {
        pending.recordRevocation(rc, rc.pathParam("reference"), reason); // four-eyes: 202, approved later
      } else {
        reply(rc, 200, registry.revoke(rc.pathParam("reference"), reason, RaAuth.actor(rc))
            .map(h -> RaJson.habilitation(h).put("revokedCertificates", 0)));
      }
    });
    router.post("/ra/v1/habilitations/:reference/admins").handler(rc -> {
      secret(rc);
      reply(rc, 201, registry.addAdmin(rc.pathParam("reference"), RaRequests.administrator(body(rc)), RaAuth.actor(rc))
          .map(a -> RaJson.habilitation(a.habilitation()).put("credentials", RaJson.credentials(a.credentials()))));
    });
    router.delete("/ra/v1/habilitations/:reference/admins/:cardNumber").handler(rc -> reply(rc, 200,
        registry.removeAdmin(rc.pathParam("reference"), RaRequests.cardPath(rc.pathParam("cardNumber")), RaAuth.actor(rc))
            .map(RaJson::habilitation)));
    router.post("/ra/v1/habilitations/:reference/professionals").handler(rc -> {
      String reference = rc.pathParam("reference");
      reply(rc, 201, registry.addProfessional(reference, RaRequests.professional(body(rc)), RaAuth.actor(rc)).map(p -> {
        rc.response().putHeader("Location", ctx.endpoints().raUrl() + "/habilitations/" + reference + "/professionals/"
            + p.nationalId());
        return RaJson.professional(p);
      }));
    });
    router.get("/ra/v1/habilitations/:reference/professionals").handler(rc -> reply(rc, 200,
        registry.professionals(rc.pathParam("reference")).map(list -> {
          JsonArray items = new JsonArray();
          list.forEach(p -> items.add(RaJson.professional(p)));
          return new JsonObject().put("professionals", items);
        })));
    router.delete("/ra/v1/habilitations/:reference/professionals/:nationalId").handler(rc -> reply(rc, 200,
        registry.removeProfessional(rc.pathParam("reference"), RaRequests.professionalPath(rc.pathParam("nationalId")), RaAuth.actor(rc))
            .map(RaJson::professional)));
    router.post("/ra/v1/admins/:cardNumber/eab").handler(rc -> {
      body(rc);
      secret(rc);
      reply(rc, 201, registry.newCredential(RaRequests.cardPath(rc.pathParam("cardNumber")), RaAuth.actor(rc)).map(RaJson::credential));
    });
    router.post("/ra/v1/admins/:cardNumber/replace").handler(rc -> {
      var replacement = RaRequests.replacement(body(rc));
      reply(rc, 200, registry.replaceCard(RaRequests.cardPath(rc.pathParam("cardNumber")), replacement.cardNumber(),
          replacement.cardType(), RaAuth.actor(rc)).map(RaJson::admin));
    });
    new RaAdmins(ctx, registry).mount(router);
    certificates.mount(router);
    new RaNotices(ctx).mount(router);
    new RaBackups(ctx).mount(router);
    pending.mount(router);
    if (renewal != null) new RaIncidents(renewal, pending).mount(router);
  }

  /** The inbox and the habilitations of a structure or an administrator: newest first. */
  private void list(RoutingContext rc) {
    RaQuery q = new RaQuery(rc);
    String structure = q.matching("structure", RaQuery.NATIONAL_ID, "a structure's national identifier");
    List<Habilitation.Status> statuses = q.someOf("status", Habilitation.Status.class);
    String admin = q.matching("admin", RaQuery.CARD, "a card number: 10 digits");
    RaQuery.Page page = q.page();
    reply(rc, 200, registry.list(structure, statuses, admin, page.fetch(), page.offset())
        .map(list -> page.json("habilitations", list, RaJson::habilitation)));
  }

  static int intParam(RoutingContext rc, String name, int dflt, int min, int max) {
    String v = rc.queryParams().get(name);
    if (v == null) return dflt;
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) throw new NumberFormatException();
      return i;
    } catch (NumberFormatException e) {
      throw DomainError.invalidField(name, "must be an integer between " + min + " and " + max);
    }
  }

  static JsonObject body(RoutingContext rc) {
    String text = rc.body() == null ? null : rc.body().asString();
    if (text == null || text.isBlank()) return new JsonObject();
    try {
      Object v = io.vertx.core.json.Json.decodeValue(text);
      if (v instanceof JsonObject o) return o;
    } catch (DecodeException e) {
      throw DomainError.invalidField("body", "not valid JSON");
    }
    throw DomainError.invalidField("body", "must be a JSON object");
  }

  /** Responses carrying an HMAC key must not be stored by any cache. */
  private static void secret(RoutingContext rc) {
    rc.response().putHeader("Cache-Control", "no-store");
  }

  static void reply(RoutingContext rc, int status, Future<JsonObject> result) {
    result.onSuccess(json -> rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(json.encode())).onFailure(rc::fail);
  }
}
