package fr.habilis.ca.console;

import fr.habilis.ca.console.Pages.Visit;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.ra.RaInputs;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/** Administrators: find by card across structures, replace a card (form 503), remove from a habilitation. */
final class AdministratorPages implements ConsoleApi.PageGroup {
  private static final String PATH = ConsoleApi.BASE + "/admins";
  private final Pages pages;
  private final ConsoleServices services;

  AdministratorPages(Pages pages, ConsoleServices services) {
    this.pages = pages;
    this.services = services;
  }

  @Override
  public void mount(Router router, ConsoleApi.Guards guards) {
    router.get(PATH).handler(this::find);
    router.post(PATH + "/:card/replace").handler(guards.only(Role.OFFICER)).handler(this::replace);
    router.post(ConsoleApi.BASE + "/habilitations/:reference/admins/:card/remove").handler(guards.only(Role.OFFICER))
        .handler(this::remove);
  }

  private void find(RoutingContext rc) {
    String card = CertificatePages.blankToNull(rc.queryParams().get("card"));
    Map<String, Object> model = new HashMap<>();
    model.put("card", card);
    if (card == null) {
      pages.render(rc, "admins", model).onFailure(rc::fail);
      return;
    }
    RaInputs.card(card);
    services.registry().list(null, null, 100, 0).compose(x -> pages.render(rc, "admins", model)).onFailure(rc::fail);
  }

  private void replace(RoutingContext rc) {
    String card = RaInputs.card(rc.pathParam("card"));
    var replacement = RaInputs.replacement(new JsonObject().put("newCardNumber", rc.request().getFormAttribute("newCardNumber"))
        .put("cardType", rc.request().getFormAttribute("cardType")));
    services.registry().replaceCard(card, replacement.cardNumber(), replacement.cardType(), Visit.of(rc).actor())
        .onSuccess(a -> ConsoleApi.redirect(rc, PATH + "?card=" + a.cardNumber()))
        .onFailure(rc::fail);
  }

  private void remove(RoutingContext rc) {
    String card = RaInputs.card(rc.pathParam("card"));
    services.registry().removeAdmin(rc.pathParam("reference"), card, Visit.of(rc).actor())
        .onSuccess(h -> ConsoleApi.redirect(rc, ConsoleApi.BASE + "/habilitations/" + h.reference()))
        .onFailure(rc::fail);
  }
}
