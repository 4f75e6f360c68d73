package fr.habilis.ca.ra;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.operators.FourEyes;
import fr.habilis.ca.operators.PendingAction;
import fr.habilis.ca.operators.PendingAction.Kind;
import fr.habilis.ca.operators.PendingAction.State;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.Incident;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.PendingActionRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.util.List;

/**
 * Four-eyes for the actions that took effect at once before issue 19: an incident (renewal
 * windows moved) and a habilitation revocation with its structure's certificates. The officer's
 * request records the action ({@code 202}, state {@code recorded}); an approver other than its
 * recorder approves it under {@code /ra/v1/pending-actions/{id}/approve}, which runs it in the
 * approval's transaction (the action, its audit rows and the decision commit together), or
 * rejects it with a reason. Mounted by {@link RaApi}.
 */
final class RaPendingActions {
  private final ServerContext ctx;
  private final RegistryService registry;
  private final RevocationService revocation;
  private final PendingActionRepository repo = new PendingActionRepository();
  private RenewalService renewal;

  RaPendingActions(ServerContext ctx, RegistryService registry, RevocationService revocation) {
    this.ctx = ctx;
    this.registry = registry;
    this.revocation = revocation;
  }

  void renewal(RenewalService renewal) {
    this.renewal = renewal;
  }

  void mount(Router router) {
    router.get("/ra/v1/pending-actions").handler(rc -> {
      String s = rc.queryParams().get("state");
      State state = s == null ? null : State.ofWireName(s);
      if (s != null && state == null) throw DomainError.invalidField("state", "must be one of recorded, approved, rejected");
      int limit = RaApi.intParam(rc, "limit", 50, 1, 500);
      int offset = RaApi.intParam(rc, "offset", 0, 0, Integer.MAX_VALUE);
      RaApi.reply(rc, 200, ctx.db().tx(c -> repo.list(c, state, limit, offset)).map(list -> {
        JsonArray items = new JsonArray();
        list.forEach(a -> items.add(json(a)));
        return new JsonObject().put("pendingActions", items).put("limit", limit).put("offset", offset);
      }));
    });
    router.get("/ra/v1/pending-actions/:id").handler(rc -> {
      long id = id(rc);
      RaApi.reply(rc, 200, ctx.db().tx(c -> find(c, id)).map(RaPendingActions::json));
    });
    router.post("/ra/v1/pending-actions/:id/approve").handler(rc -> {
      RaApi.body(rc);
      long id = id(rc);
      RaApi.reply(rc, 200, approve(id, RaAuth.actor(rc)).map(RaPendingActions::json));
    });
    router.post("/ra/v1/pending-actions/:id/reject").handler(rc -> {
      String reason = RaRequests.reason(RaApi.body(rc));
      long id = id(rc);
      String actor = RaAuth.actor(rc);
      RaApi.reply(rc, 200, ctx.db().tx(c -> {
        PendingAction a = decidable(c, id, actor, false);
        repo.decide(c, id, State.REJECTED, actor, ctx.clock().instant(), reason, null);
        ctx.audit().append(c, actor, "ra.action.rejected", "action:" + id, new JsonObject().put("kind", a.kind().wireName())
            .put("subject", a.subject()).put("recordedBy", a.recordedBy()).put("reason", reason).encode());
        return find(c, id);
      }).map(RaPendingActions::json));
    });
  }

  /** {@code POST /incidents}: checks the target exists, then records the incident for approval. */
  void recordIncident(RoutingContext rc, Incident.Scope scope, String target, JsonObject request) {
    String actor = RaAuth.actor(rc);
    RaApi.reply(rc, 202, ctx.db().tx(c -> {
      renewal.checkTarget(c, scope, target);
      return record(c, Kind.INCIDENT, scope.wireName() + ":" + target, request, actor);
    }).map(a -> accepted(rc, a)));
  }

  /** {@code POST /habilitations/{reference}/revoke} with revokeCertificates: recorded for approval. */
  void recordRevocation(RoutingContext rc, String reference, String reason) {
    String actor = RaAuth.actor(rc);
    RaApi.reply(rc, 202, ctx.db().tx(c -> {
      Habilitation h = registry.habilitation(c, reference);
      if (h.status() != Habilitation.Status.ACTIVE) {
        throw DomainError.conflict("habilitation " + reference + " is " + h.status() + "; only an ACTIVE habilitation can be revoked");
      }
      return record(c, Kind.HABILITATION_REVOCATION, reference, new JsonObject().put("reason", reason)
          .put("revokeCertificates", true), actor);
    }).map(a -> accepted(rc, a)));
  }

  private PendingAction record(Connection c, Kind kind, String subject, JsonObject request, String actor) throws Exception {
    long id = repo.insert(c, kind, subject, request.encode(), actor, ctx.clock().instant());
    ctx.audit().append(c, actor, "ra.action.recorded", "action:" + id, new JsonObject().put("kind", kind.wireName())
        .put("subject", subject).put("request", request).encode());
    return find(c, id);
  }

  private JsonObject accepted(RoutingContext rc, PendingAction a) {
    rc.response().putHeader("Location", ctx.endpoints().raUrl() + "/pending-actions/" + a.id());
    return json(a);
  }

  /** Runs the action as the approver, in one transaction with the decision; 403 to its recorder. */
  private Future<PendingAction> approve(long id, String actor) {
    return ctx.db().tx(c -> decidable(c, id, actor, true)).compose(a -> switch (a.kind()) {
      case INCIDENT -> ctx.db().tx(c -> {
        decidable(c, id, actor, true);
        JsonObject request = new JsonObject(a.request());
        RenewalService.Declared d = renewal().declare(c, Incident.Scope.ofWireName(request.getString("scope")),
            request.getString("value"), request.getString("reason"), request.getString("explanationUrl"), actor);
        return decided(c, a, actor, RaIncidents.json(renewal(), d.incident()).put("certificates", d.certificates()));
      });
      case HABILITATION_REVOCATION -> {
        String reason = new JsonObject(a.request()).getString("reason");
        yield registry.revoke(a.subject(), reason, actor, (c, h) -> {
          decidable(c, id, actor, true);
          List<StoredCertificate> revoked = revocation.revokeLive(c, h.structureId(), RaCertificates.profilesOf(h),
              RevocationReason.CESSATION_OF_OPERATION, actor);
          decided(c, a, actor, new JsonObject().put("reference", h.reference()).put("status", h.status().name())
              .put("revokedCertificates", revoked.size()));
          return revoked;
        }).compose(r -> revocation.published(r.also())).compose(v -> ctx.db().tx(c -> find(c, id)));
      }
    });
  }

  /** The action, locked, still recorded, and not {@code actor}'s own when it is an approval. */
  private PendingAction decidable(Connection c, long id, String actor, boolean approving) throws Exception {
    PendingAction a = repo.findForUpdate(c, id).orElseThrow(() -> DomainError.notFound("no pending action " + id));
    if (a.state() != State.RECORDED) {
      throw DomainError.conflict("pending action " + id + " is " + a.state().wireName() + " by " + a.decidedBy()
          + "; only a recorded action can be decided");
    }
    if (approving) FourEyes.check(a.recordedBy(), actor, "pending action " + id + " (" + a.kind().wireName() + ")");
    return a;
  }

  private PendingAction decided(Connection c, PendingAction a, String actor, JsonObject outcome) throws Exception {
    repo.decide(c, a.id(), State.APPROVED, actor, ctx.clock().instant(), null, outcome.encode());
    ctx.audit().append(c, actor, "ra.action.approved", "action:" + a.id(), new JsonObject().put("kind", a.kind().wireName())
        .put("subject", a.subject()).put("recordedBy", a.recordedBy()).put("outcome", outcome).encode());
    return find(c, a.id());
  }

  private RenewalService renewal() {
    if (renewal == null) throw DomainError.of(fr.habilis.ca.error.ErrorKind.UNAVAILABLE, "incidents need the renewal module");
    return renewal;
  }

  private PendingAction find(Connection c, long id) throws Exception {
    return repo.find(c, id).orElseThrow(() -> DomainError.notFound("no pending action " + id));
  }

  private static long id(RoutingContext rc) {
    try {
      long id = Long.parseLong(rc.pathParam("id"));
      if (id <= 0) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw DomainError.notFound("no pending action " + rc.pathParam("id"));
    }
  }

  static JsonObject json(PendingAction a) {
    return new JsonObject().put("id", a.id()).put("kind", a.kind().wireName()).put("subject", a.subject())
        .put("state", a.state().wireName()).put("request", new JsonObject(a.request()))
        .put("recordedBy", a.recordedBy()).put("recordedAt", a.recordedAt().toString())
        .put("decidedBy", a.decidedBy()).put("decidedAt", a.decidedAt() == null ? null : a.decidedAt().toString())
        .put("decisionReason", a.decisionReason())
        .put("outcome", a.outcome() == null ? null : new JsonObject(a.outcome()));
  }
}
