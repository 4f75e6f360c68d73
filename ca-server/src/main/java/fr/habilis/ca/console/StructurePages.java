package fr.habilis.ca.console;

import fr.habilis.ca.console.Pages.Visit;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.ra.RaInputs;
import fr.habilis.ca.registry.IdType;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.StructureSearchRepository;
import java.util.List;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Structures: search by identifier or name, one structure with its habilitations and certificates,
 * and (officers) recording a new one, the structure part of a form 413/414.
 */
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
    // Before "/:id": "new" is no national identifier.
    router.get(PATH + "/new").handler(guards.only(Role.OFFICER)).handler(rc -> form(rc, Map.of(), List.of()));
    router.post(PATH).handler(guards.only(Role.OFFICER)).handler(this::record);
    router.get(PATH + "/:id").handler(this::detail);
  }

  /** The structure part of a form 413/414, recorded before the form itself (the RA API's POST /structures). */
  private void form(RoutingContext rc, Map<String, String> values, List<DomainError.FieldError> fields) {
    Map<String, Object> model = new HashMap<>();
    model.put("v", values);
    model.put("fields", fields);
    model.put("problem", null);
    model.put("idTypes", List.of(IdType.values()));
    pages.render(rc, fields.isEmpty() ? 200 : 400, "structure-new", model).onFailure(rc::fail);
  }

  private void record(RoutingContext rc) {
    var form = rc.request().formAttributes();
    Map<String, String> values = new HashMap<>();
    JsonObject body = new JsonObject();
    for (String k : FIELDS) {
      String v = CertificatePages.blankToNull(form.get(k));
      values.put(k, v == null ? "" : v);
      if (v != null) body.put(k, v.strip());
    }
    var structure = RaInputsOrErrors.parse(() -> RaInputs.structure(body));
    if (structure.errors() != null) {
      form(rc, values, structure.errors());
      return;
    }
    services.registry().createStructure(structure.value(), Visit.of(rc).actor())
        .onSuccess(s -> ConsoleApi.redirect(rc, PATH + "/" + s.nationalId()))
        .onFailure(rc::fail);
  }

  private static final List<String> FIELDS =
      List.of("idType", "idValue", "name", "certificateName", "department", "address", "environment");

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
