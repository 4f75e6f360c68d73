package fr.habilis.ca.console;

import fr.habilis.ca.console.Pages.Visit;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.notify.Outbox;
import fr.habilis.ca.operators.PendingAction;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.ra.RaInputs;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Incidents (renewal windows moved, RFC 9773), the actions awaiting a second operator (incidents
 * and habilitation revocations with their certificates: four-eyes, operators/PendingActions) and the
 * notice outbox. An officer declares an incident, which waits for an approver other than its
 * recorder; the page says so to the recorder, and the service refuses it too.
 */
final class IncidentPages implements ConsoleApi.PageGroup {
  private static final String PATH = ConsoleApi.BASE + "/incidents";
  private final Pages pages;
  private final ConsoleServices services;
  private final Outbox outbox = new Outbox();

  IncidentPages(Pages pages, ConsoleServices services) {
    this.pages = pages;
    this.services = services;
  }

  @Override
  public void mount(Router router, ConsoleApi.Guards guards) {
    router.get(PATH).handler(this::list);
    router.post(PATH).handler(guards.only(Role.OFFICER)).handler(this::declare);
    router.post(ConsoleApi.BASE + "/actions/:id/approve").handler(guards.only(Role.APPROVER)).handler(rc ->
        services.actions().approve(id(rc), Visit.of(rc).actor()).onSuccess(a -> ConsoleApi.redirect(rc, PATH))
            .onFailure(rc::fail));
    router.post(ConsoleApi.BASE + "/actions/:id/reject").handler(guards.only(Role.APPROVER)).handler(rc -> {
      String reason = RaInputs.reason(new JsonObject().put("reason", rc.request().getFormAttribute("reason")));
      services.actions().reject(id(rc), reason, Visit.of(rc).actor()).onSuccess(a -> ConsoleApi.redirect(rc, PATH))
          .onFailure(rc::fail);
    });
  }

  private void list(RoutingContext rc) {
    String state = CertificatePages.blankToNull(rc.queryParams().get("state"));
    if (state != null && !List.of("pending", "sent", "failed", "cancelled").contains(state)) state = null;
    String shownState = state;
    Map<String, Object> model = new HashMap<>();
    model.put("state", state);
    model.put("actor", Visit.of(rc).actor());
    model.put("scopes", List.of("certificate", "structure", "profile", "ca"));
    services.renewal().incidents(Paging.SIZE, 0).compose(incidents -> {
      model.put("incidents", incidents);
      return services.actions().list(PendingAction.State.RECORDED, Paging.SIZE, 0);
    }).compose(actions -> {
      model.put("pending", actions);
      return services.ctx().db().tx(c -> outbox.list(c, new Outbox.Filter(shownState, null, null, null, null), Paging.SIZE, 0));
    }).compose(notices -> {
      model.put("notices", notices);
      return pages.render(rc, "incidents", model);
    }).onFailure(rc::fail);
  }

  private void declare(RoutingContext rc) {
    var f = rc.request().formAttributes();
    JsonObject body = new JsonObject();
    for (String k : List.of("scope", "value", "reason", "explanationUrl")) {
      String v = CertificatePages.blankToNull(f.get(k));
      if (v != null) body.put(k, v);
    }
    RaInputs.IncidentInput n = RaInputs.incident(body);
    services.actions().recordIncident(n.scope(), n.target(), n.reason(), n.explanationUrl(), Visit.of(rc).actor())
        .onSuccess(a -> ConsoleApi.redirect(rc, PATH)).onFailure(rc::fail);
  }

  private static long id(RoutingContext rc) {
    try {
      long id = Long.parseLong(rc.pathParam("id"));
      if (id <= 0) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw DomainError.invalidField("id", "an action id is a positive integer");
    }
  }
}
