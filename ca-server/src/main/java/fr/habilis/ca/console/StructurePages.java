package fr.habilis.ca.console;

import fr.habilis.ca.store.CertificateRepository;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/** Structures: search by identifier or name, and one structure with its habilitations and certificates. */
final class StructurePages implements ConsoleApi.PageGroup {
  private static final String PATH = ConsoleApi.BASE + "/structures";
  private final Pages pages;
  private final ConsoleServices services;
  private final CertificateRepository certificates = new CertificateRepository();

  StructurePages(Pages pages, ConsoleServices services) {
    this.pages = pages;
    this.services = services;
  }

  @Override
  public void mount(Router router, ConsoleApi.Guards guards) {
    router.get(PATH).handler(this::search);
    router.get(PATH + "/:id").handler(this::detail);
  }

  private void search(RoutingContext rc) {
    String q = CertificatePages.blankToNull(rc.queryParams().get("q"));
    Map<String, Object> model = new HashMap<>();
    model.put("q", q);
    model.put("items", java.util.List.of());
    if (q == null) {
      pages.render(rc, "structures", model).onFailure(rc::fail);
      return;
    }
    // An exact national identifier opens the structure.
    services.registry().structure(q.toUpperCase(java.util.Locale.ROOT))
        .onSuccess(s -> ConsoleApi.redirect(rc, PATH + "/" + s.nationalId()))
        .onFailure(err -> pages.render(rc, "structures", model).onFailure(rc::fail));
  }

  private void detail(RoutingContext rc) {
    String id = rc.pathParam("id");
    services.registry().structure(id).compose(s -> services.registry().list(id, null, 100, 0).compose(habs ->
        services.ctx().db().tx(c -> certificates.list(c, id, null, null, null, null, 100, 0)).compose(certs -> {
          Map<String, Object> model = new HashMap<>();
          model.put("s", s);
          model.put("habilitations", habs);
          model.put("certificates", certs);
          return pages.render(rc, "structure", model);
        }))).onFailure(rc::fail);
  }
}
