package fr.habilis.ca.console;

import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.StructureSearchRepository;
import java.util.List;
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
  private final StructureSearchRepository search = new StructureSearchRepository();

  StructurePages(Pages pages, ConsoleServices services) {
    this.pages = pages;
    this.services = services;
  }

  @Override
  public void mount(Router router, ConsoleApi.Guards guards) {
    router.get(PATH).handler(this::search);
    router.get(PATH + "/:id").handler(this::detail);
  }

  /** The RA API's structure search (identifier or its beginning, or words of the name). */
  private void search(RoutingContext rc) {
    String q = CertificatePages.blankToNull(rc.queryParams().get("q"));
    if (q != null && q.length() > 200) throw fr.habilis.ca.error.DomainError.invalidField("q", "at most 200 characters");
    Map<String, Object> model = new HashMap<>();
    model.put("q", q);
    int offset = Paging.offset(rc);
    services.ctx().db().tx(c -> q == null ? List.<StructureSearchRepository.Found>of()
            : search.search(c, new StructureSearchRepository.Query(q, null, null, null, null), services.ctx().clock().instant(),
                Paging.SIZE + 1, offset))
        .compose(found -> {
          // One exact match on the identifier opens the structure.
          if (found.size() == 1 && found.get(0).structure().nationalId().equalsIgnoreCase(q)) {
            ConsoleApi.redirect(rc, PATH + "/" + found.get(0).structure().nationalId());
            return io.vertx.core.Future.succeededFuture();
          }
          model.put("items", Paging.page(found));
          model.put("paging", Paging.of(rc, found.size(), offset));
          return pages.render(rc, "structures", model);
        }).onFailure(rc::fail);
  }

  private void detail(RoutingContext rc) {
    String id = rc.pathParam("id");
    services.registry().structure(id).compose(s -> services.registry().list(id, List.of(), null, 100, 0).compose(habs ->
        services.ctx().db().tx(c -> certificates.list(c, new CertificateRepository.Filter(id, null, null, null, null, null,
            null), 100, 0)).compose(certs -> {
          Map<String, Object> model = new HashMap<>();
          model.put("s", s);
          model.put("habilitations", habs);
          model.put("certificates", certs);
          return pages.render(rc, "structure", model);
        }))).onFailure(rc::fail);
  }
}
