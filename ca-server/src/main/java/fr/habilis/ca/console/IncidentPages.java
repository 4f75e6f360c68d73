package fr.habilis.ca.console;

import fr.habilis.ca.notify.Outbox;
import fr.habilis.ca.operators.PendingAction;
import fr.habilis.ca.store.PendingActionRepository;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Incidents (renewal windows moved, RFC 9773), the actions awaiting a second operator (incidents and
 * habilitation revocations with their certificates, four-eyes) and the notice outbox, read-only:
 * what was declared, by whom, and which notices were sent, wait or failed. Without SMTP, the outbox is where notices
 * are read. The notices' bodies are not shown here (they are in the RA API's /notices/{id}).
 */
final class IncidentPages implements ConsoleApi.PageGroup {
  private final Pages pages;
  private final ConsoleServices services;
  private final Outbox outbox = new Outbox();
  private final PendingActionRepository pending = new PendingActionRepository();

  IncidentPages(Pages pages, ConsoleServices services) {
    this.pages = pages;
    this.services = services;
  }

  @Override
  public void mount(Router router, ConsoleApi.Guards guards) {
    router.get(ConsoleApi.BASE + "/incidents").handler(this::list);
  }

  private void list(RoutingContext rc) {
    String state = CertificatePages.blankToNull(rc.queryParams().get("state"));
    if (state != null && !List.of("pending", "sent", "failed", "cancelled").contains(state)) state = null;
    String shownState = state;
    Map<String, Object> model = new HashMap<>();
    model.put("state", state);
    services.renewal().incidents(Paging.SIZE, 0).compose(incidents -> {
      model.put("incidents", incidents);
      return services.ctx().db().tx(c -> pending.list(c, PendingAction.State.RECORDED, Paging.SIZE, 0));
    }).compose(actions -> {
      model.put("pending", actions);
      return services.ctx().db().tx(c -> outbox.list(c, new Outbox.Filter(shownState, null, null, null, null), Paging.SIZE, 0));
    }).compose(notices -> {
      model.put("notices", notices);
      return pages.render(rc, "incidents", model);
    }).onFailure(rc::fail);
  }
}
