package fr.habilis.ca.console;

import fr.habilis.ca.console.Pages.Visit;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Structure;
import fr.habilis.ca.store.AdministratorSearchRepository;
import java.util.ArrayList;
import java.util.List;
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
  private final AdministratorSearchRepository search = new AdministratorSearchRepository();

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

  /** The RA API's administrator by card (current or replaced), with the habilitations that name them. */
  private void find(RoutingContext rc) {
    String card = CertificatePages.blankToNull(rc.queryParams().get("card"));
    Map<String, Object> model = new HashMap<>();
    model.put("card", card);
    model.put("cardTypes", List.of(Administrator.CardType.values()));
    if (card == null) {
      model.put("a", null);
      pages.render(rc, "admins", model).onFailure(rc::fail);
      return;
    }
    RaInputs.card(card);
    services.ctx().db().tx(c -> {
      Administrator a = services.registry().holderOf(c, card)
          .orElseThrow(() -> DomainError.notFound("no administrator holds card " + card));
      model.put("a", a);
      model.put("replacedCards", search.replacedCards(c, a.id()));
      List<Map<String, Object>> habs = new ArrayList<>();
      for (Habilitation h : services.registry().habilitationsOf(c, a.id())) {
        Map<String, Object> row = new HashMap<>();
        row.put("hab", h); // not "h": OGNL reads a one-letter quoted key as a char
        row.put("named", h.names(a.id()));
        row.put("structureName", services.registry().structure(c, h.structureId()).map(Structure::name).orElse(""));
        habs.add(row);
      }
      model.put("habilitations", habs);
      model.put("credentials", search.credentials(c, a.id()));
      return model;
    }).compose(m -> pages.render(rc, "admins", m)).onFailure(rc::fail);
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
