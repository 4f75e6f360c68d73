package fr.habilis.ca.ra;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.operators.PendingAction;
import fr.habilis.ca.operators.PendingAction.State;
import fr.habilis.ca.operators.PendingActions;
import fr.habilis.ca.renewal.Incident;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /ra/v1/pending-actions}: the actions held for four-eyes approval ({@link PendingActions}),
 * listed, approved or rejected; and the {@code 202} answers of the requests that record them
 * (incidents, revocations with certificates). Mounted by {@link RaApi}.
 */
final class RaPendingActions {
  private final ServerContext ctx;
  private final PendingActions actions;

  RaPendingActions(ServerContext ctx, PendingActions actions) {
    this.ctx = ctx;
    this.actions = actions;
  }

  void mount(Router router) {
    router.get("/ra/v1/pending-actions").handler(rc -> {
      String s = rc.queryParams().get("state");
      State state = s == null ? null : State.ofWireName(s);
      if (s != null && state == null) throw DomainError.invalidField("state", "must be one of recorded, approved, rejected");
      int limit = RaApi.intParam(rc, "limit", 50, 1, 500);
      int offset = RaApi.intParam(rc, "offset", 0, 0, Integer.MAX_VALUE);
      RaApi.reply(rc, 200, actions.list(state, limit, offset).map(list -> {
        JsonArray items = new JsonArray();
        list.forEach(a -> items.add(json(a)));
        return new JsonObject().put("pendingActions", items).put("limit", limit).put("offset", offset);
      }));
    });
    router.get("/ra/v1/pending-actions/:id").handler(rc -> RaApi.reply(rc, 200, actions.find(id(rc)).map(RaPendingActions::json)));
    router.post("/ra/v1/pending-actions/:id/approve").handler(rc -> {
      RaApi.body(rc);
      RaApi.reply(rc, 200, actions.approve(id(rc), RaAuth.actor(rc)).map(RaPendingActions::json));
    });
    router.post("/ra/v1/pending-actions/:id/reject").handler(rc -> {
      String reason = RaRequests.reason(RaApi.body(rc));
      RaApi.reply(rc, 200, actions.reject(id(rc), reason, RaAuth.actor(rc)).map(RaPendingActions::json));
    });
  }

  /** {@code POST /incidents}: recorded for approval, 202. */
  void recordIncident(RoutingContext rc, Incident.Scope scope, String target, String reason, String explanationUrl) {
    RaApi.reply(rc, 202, actions.recordIncident(scope, target, reason, explanationUrl, RaAuth.actor(rc)).map(a -> accepted(rc, a)));
  }

  /** {@code POST /habilitations/{reference}/revoke} with revokeCertificates: recorded for approval, 202. */
  void recordRevocation(RoutingContext rc, String reference, String reason) {
    RaApi.reply(rc, 202, actions.recordRevocation(reference, reason, RaAuth.actor(rc)).map(a -> accepted(rc, a)));
  }

  private JsonObject accepted(RoutingContext rc, PendingAction a) {
    rc.response().putHeader("Location", ctx.endpoints().raUrl() + "/pending-actions/" + a.id());
    return json(a);
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
