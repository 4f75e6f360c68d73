package fr.habilis.ca.console;

import fr.habilis.ca.console.Pages.Visit;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.ra.RaInputs;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.RegistryService.IssuedCredential;
import fr.habilis.ca.store.RegistryRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Habilitation requests: the inbox by state, one request as on paper, recording a form 413/414
 * (officer), approving or rejecting (approver). The approval's page is the only one that ever
 * shows a secret: the EAB credentials minted for the administrators, once (the answer to the POST,
 * never stored; reloading it re-posts and is refused, the request being approved already).
 */
final class HabilitationPages implements ConsoleApi.PageGroup {
  private static final String PATH = ConsoleApi.BASE + "/habilitations";
  private final Pages pages;
  private final ConsoleServices services;
  private final RegistryRepository registry = new RegistryRepository();

  HabilitationPages(Pages pages, ConsoleServices services) {
    this.pages = pages;
    this.services = services;
  }

  @Override
  public void mount(Router router, ConsoleApi.Guards guards) {
    router.get(PATH).handler(this::inbox);
    router.get(PATH + "/new").handler(guards.only(Role.OFFICER)).handler(rc -> form(rc, Map.of(), List.of()));
    router.post(PATH).handler(guards.only(Role.OFFICER)).handler(this::record);
    router.get(PATH + "/:reference").handler(this::detail);
    router.post(PATH + "/:reference/approve").handler(guards.only(Role.APPROVER)).handler(this::approve);
    router.post(PATH + "/:reference/reject").handler(guards.only(Role.APPROVER)).handler(this::reject);
    router.post(PATH + "/:reference/revoke").handler(guards.only(Role.OFFICER)).handler(this::revoke);
  }

  private void inbox(RoutingContext rc) {
    String s = rc.queryParams().get("status");
    Habilitation.Status status = Habilitation.Status.RECEIVED;
    if (s != null) {
      try {
        status = Habilitation.Status.valueOf(s);
      } catch (IllegalArgumentException e) {
        throw DomainError.invalidField("status", "one of RECEIVED, ACTIVE, REJECTED, REVOKED");
      }
    }
    int offset = Paging.offset(rc);
    Habilitation.Status shown = status;
    services.registry().list(null, status, Paging.SIZE + 1, offset)
        .compose(list -> pages.render(rc, "inbox", Map.of("status", shown.name(),
            "statuses", List.of(Habilitation.Status.values()), "items", Paging.page(list),
            "paging", Paging.of(rc, list.size(), offset))))
        .onFailure(rc::fail);
  }

  private void detail(RoutingContext rc) {
    String reference = rc.pathParam("reference");
    String actor = Visit.of(rc).actor();
    services.registry().habilitation(reference)
        .compose(h -> services.registry().structure(h.structureId()).compose(s ->
            services.ctx().db().tx(c -> registry.recordedBy(c, h.id())).compose(recordedBy -> {
              Map<String, Object> model = new HashMap<>();
              model.put("h", h);
              model.put("s", s);
              model.put("recordedBy", recordedBy);
              // Four-eyes (the RA layer refuses it too): the page says why there is no approve button.
              model.put("ownRequest", actor.equals(recordedBy));
              return pages.render(rc, "habilitation", model);
            })))
        .onFailure(rc::fail);
  }

  private void form(RoutingContext rc, Map<String, String> values, List<DomainError.FieldError> fields) {
    Map<String, Object> model = new HashMap<>();
    model.put("v", values);
    model.put("fields", fields);
    model.put("problem", null);
    model.put("rows", List.of(0, 1, 2));
    model.put("roles", List.of(Habilitation.Signatory.Role.values()));
    model.put("cardTypes", List.of(fr.habilis.ca.registry.Administrator.CardType.values()));
    pages.render(rc, fields.isEmpty() ? 200 : 400, "habilitation-new", model).onFailure(rc::fail);
  }

  private void record(RoutingContext rc) {
    var form = rc.request().formAttributes();
    var request = RaInputsOrErrors.parse(() -> RaInputs.habilitation(HabilitationForm.json(form)));
    if (request.errors() != null) {
      form(rc, HabilitationForm.values(form), request.errors());
      return;
    }
    services.registry().createHabilitation(request.value(), Visit.of(rc).actor())
        .onSuccess(h -> ConsoleApi.redirect(rc, PATH + "/" + h.reference()))
        .onFailure(err -> {
          if (err instanceof DomainError e && e.kind() == ErrorKind.MALFORMED && !e.fields().isEmpty()) {
            form(rc, HabilitationForm.values(form), e.fields());
          } else {
            rc.fail(err);
          }
        });
  }

  private void approve(RoutingContext rc) {
    String reference = rc.pathParam("reference");
    services.registry().approve(reference, Visit.of(rc).actor()).compose(a -> {
      List<Map<String, String>> creds = a.credentials().stream().map(HabilitationPages::credential).toList();
      return pages.render(rc, "credentials", Map.of("h", a.habilitation(), "credentials", creds));
    }).onFailure(rc::fail);
  }

  private void reject(RoutingContext rc) {
    String reference = rc.pathParam("reference");
    String reason = RaInputs.reason(new JsonObject().put("reason", rc.request().getFormAttribute("reason")));
    services.registry().reject(reference, reason, Visit.of(rc).actor())
        .onSuccess(h -> ConsoleApi.redirect(rc, PATH + "/" + h.reference()))
        .onFailure(rc::fail);
  }

  /**
   * Revokes an ACTIVE habilitation: at once, or, with its certificates, recorded for a second
   * operator's approval (four-eyes, as in the RA API).
   */
  private void revoke(RoutingContext rc) {
    String reference = rc.pathParam("reference");
    String reason = RaInputs.reason(new JsonObject().put("reason", rc.request().getFormAttribute("reason")));
    if (rc.request().getFormAttribute("certificates") != null) {
      services.actions().recordRevocation(reference, reason, Visit.of(rc).actor())
          .onSuccess(a -> ConsoleApi.redirect(rc, ConsoleApi.BASE + "/incidents")).onFailure(rc::fail);
    } else {
      services.registry().revoke(reference, reason, Visit.of(rc).actor())
          .onSuccess(h -> ConsoleApi.redirect(rc, PATH + "/" + h.reference())).onFailure(rc::fail);
    }
  }

  /** The one place a secret reaches a page: the approval's answer. */
  private static Map<String, String> credential(IssuedCredential c) {
    return Map.of("cardNumber", c.cardNumber(), "kid", c.credential().kid(),
        "hmacKey", Base64.getUrlEncoder().withoutPadding().encodeToString(c.credential().hmacKey()),
        "expiresAt", c.credential().expiresAt().toString());
  }
}
