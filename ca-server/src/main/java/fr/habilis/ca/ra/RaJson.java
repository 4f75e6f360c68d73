package fr.habilis.ca.ra;

import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.Professional;
import fr.habilis.ca.registry.RegistryService.IssuedCredential;
import fr.habilis.ca.registry.Structure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;

/** The RA API's JSON representations (field names are a contract with external scripts). */
final class RaJson {
  private RaJson() {}

  static JsonObject structure(Structure s) {
    return new JsonObject().put("nationalId", s.nationalId()).put("idType", s.idType().name())
        .put("idValue", s.idValue()).put("name", s.name()).put("certificateName", s.certificateName())
        .put("department", s.department())
        .put("departmentLabel", s.departmentLabel()).put("address", s.address()).put("environment", s.environment());
  }

  static JsonObject habilitation(Habilitation h) {
    JsonArray admins = new JsonArray();
    h.administrators().forEach(a -> admins.add(admin(a)));
    JsonArray offers = new JsonArray();
    h.offers().forEach(o -> offers.add(offer(o)));
    Habilitation.Signatory s = h.signatory();
    return new JsonObject().put("reference", h.reference()).put("status", h.status().name())
        .put("statusReason", h.statusReason()).put("form", h.form()).put("structure", h.structureId())
        .put("signatory", new JsonObject().put("role", s.role().name()).put("lastName", s.lastName())
            .put("firstName", s.firstName()).put("email", s.email()).put("phone", s.phone()))
        .put("administrators", admins).put("offers", offers)
        .put("usage", h.usage()).put("editor", h.editor()).put("solution", h.solution())
        .put("language", h.language().code()).put("informEmails", new JsonArray(h.informEmails()))
        .put("supersedes", h.supersedes()).put("supersededBy", h.supersededBy())
        .put("createdAt", h.createdAt().toString()).put("updatedAt", h.updatedAt().toString());
  }

  static JsonObject admin(Administrator a) {
    return new JsonObject().put("cardNumber", a.cardNumber()).put("cardType", a.cardType().name())
        .put("lastName", a.lastName()).put("firstName", a.firstName()).put("email", a.email()).put("phone", a.phone())
        .put("language", a.language() == null ? "fr" : a.language().code());
  }

  static JsonObject professional(Professional p) {
    return new JsonObject().put("nationalId", p.nationalId()).put("idType", p.idKind().name()).put("idValue", p.idValue())
        .put("lastName", p.lastName()).put("firstName", p.firstName()).put("email", p.email())
        .put("commonName", p.commonName());
  }

  static JsonObject offer(Offer o) {
    JsonObject j = new JsonObject().put("offer", o.kind().name());
    if (o.domain() != null) j.put("domain", o.domain()).put("scope", o.scope().name());
    if (o.mailDomain() != null) j.put("mailDomain", o.mailDomain()).put("restricted", o.restricted());
    return j;
  }

  /** The HMAC key appears here and nowhere else: responses carrying it are marked no-store. */
  static JsonObject credential(IssuedCredential c) {
    return new JsonObject().put("cardNumber", c.cardNumber()).put("eabKid", c.credential().kid())
        .put("eabHmacKey", Base64.getUrlEncoder().withoutPadding().encodeToString(c.credential().hmacKey()))
        .put("expiresAt", c.credential().expiresAt().toString());
  }

  static JsonArray credentials(List<IssuedCredential> list) {
    JsonArray a = new JsonArray();
    list.forEach(c -> a.add(credential(c)));
    return a;
  }
}
