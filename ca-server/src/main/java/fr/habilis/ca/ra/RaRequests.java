package fr.habilis.ca.ra;

import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Departments;
import fr.habilis.ca.registry.Habilitation.Signatory;
import fr.habilis.ca.registry.IdType;
import fr.habilis.ca.registry.Language;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.error.DomainError.FieldError;
import fr.habilis.ca.registry.Professional;
import fr.habilis.ca.registry.RegistryService.NewHabilitation;
import fr.habilis.ca.registry.Structure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads RA request bodies into registry inputs, collecting every invalid field before failing
 * with one 400 problem that lists them all (an operator fixes a form in one round trip).
 */
final class RaRequests {
  static final Pattern CARD = Pattern.compile("[0-9]{10}");
  static final Pattern REFERENCE = Pattern.compile("HAB-[0-9]{4}-[0-9]{6}");
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9 .()-]{6,32}");

  private final List<FieldError> errors = new ArrayList<>();

  private RaRequests() {}

  static Structure structure(JsonObject body) {
    RaRequests r = new RaRequests();
    IdType type = r.enumField(body, "idType", IdType.class, "idType");
    String value = r.text(body, "idValue", "idValue", 16, true);
    String environment = r.text(body, "environment", "environment", 12, true);
    if (environment != null && !environment.equals("test") && !environment.equals("production")) {
      r.error("environment", "must be test or production");
      environment = null;
    }
    if (type != null && value != null) {
      String v = value.toUpperCase(Locale.ROOT);
      type.problem(v, !"production".equals(environment)).ifPresent(p -> r.error("idValue", p));
      value = v;
    }
    String name = r.text(body, "name", "name", 200, true);
    String certificateName = r.text(body, "certificateName", "certificateName", Structure.CERTIFICATE_NAME_MAX, false);
    if (name != null && certificateName == null && name.length() > Structure.CERTIFICATE_NAME_MAX
        && !body.containsKey("certificateName")) {
      // Refused here rather than at every finalize: a certificate's O holds 64 characters.
      r.error("certificateName", "is required when the name is longer than " + Structure.CERTIFICATE_NAME_MAX
          + " characters (" + name.length() + "): the name the certificates carry in O (RFC 5280 ub-organization-name)");
    }
    String department = r.text(body, "department", "department", 3, true);
    if (department != null) {
      department = department.toUpperCase(Locale.ROOT);
      if (Departments.name(department).isEmpty()) r.error("department", "not a French département code (01–95, 2A, 2B, 971–976)");
    }
    String address = r.text(body, "address", "address", 400, false);
    r.failIfInvalid();
    return new Structure(type.nationalId(value), type, value, name, department, address, environment,
        certificateName != null ? certificateName : name);
  }

  /** {@code PATCH /structures/{id}}: only {@code certificateName} can change (1–64 characters). */
  static String certificateName(JsonObject body) {
    RaRequests r = new RaRequests();
    for (String k : body.fieldNames()) {
      if (!k.equals("certificateName")) r.error(k, "cannot be changed; only certificateName can");
    }
    String name = r.text(body, "certificateName", "certificateName", Structure.CERTIFICATE_NAME_MAX, true);
    r.failIfInvalid();
    return name;
  }

  static NewHabilitation habilitation(JsonObject body) {
    RaRequests r = new RaRequests();
    String form = r.text(body, "form", "form", 3, true);
    if (form != null && !form.equals("413") && !form.equals("414")) r.error("form", "must be 413 (production) or 414 (test)");
    String structure = r.text(body, "structure", "structure", 20, true);
    Signatory signatory = null;
    JsonObject sig = r.object(body, "signatory", "signatory");
    if (sig != null) {
      Signatory.Role role = r.enumField(sig, "role", Signatory.Role.class, "signatory.role");
      String last = r.text(sig, "lastName", "signatory.lastName", 100, true);
      String first = r.text(sig, "firstName", "signatory.firstName", 100, true);
      String email = r.email(sig, "email", "signatory.email", true);
      String phone = r.phone(sig, "phone", "signatory.phone");
      signatory = new Signatory(role, last, first, email, phone);
    }
    List<Administrator> admins = new ArrayList<>();
    JsonArray adminArray = r.array(body, "administrators", "administrators");
    if (adminArray != null) {
      Set<String> cards = new HashSet<>();
      for (int i = 0; i < adminArray.size(); i++) {
        String path = "administrators[" + i + "]";
        if (!(adminArray.getValue(i) instanceof JsonObject a)) {
          r.error(path, "must be an object");
          continue;
        }
        Administrator admin = r.admin(a, path + ".");
        if (admin.cardNumber() != null && !cards.add(admin.cardNumber())) r.error(path + ".cardNumber", "named twice");
        admins.add(admin);
      }
    }
    List<Offer> offers = new ArrayList<>();
    JsonArray offerArray = r.array(body, "offers", "offers");
    if (offerArray != null) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < offerArray.size(); i++) {
        String path = "offers[" + i + "]";
        if (!(offerArray.getValue(i) instanceof JsonObject o)) {
          r.error(path, "must be an object");
          continue;
        }
        Offer offer = r.offer(o, path);
        if (offer != null) {
          if (!seen.add(offer.describe())) r.error(path, "the same offer and scope is listed twice");
          offers.add(offer);
        }
      }
    }
    String usage = r.text(body, "usage", "usage", 2000, false);
    String editor = r.text(body, "editor", "editor", 200, false);
    String solution = r.text(body, "solution", "solution", 200, false);
    Language language = r.language(body, "language");
    List<String> inform = r.informEmails(body);
    String supersedes = r.text(body, "supersedes", "supersedes", 20, false);
    if (supersedes != null && !REFERENCE.matcher(supersedes).matches()) {
      r.error("supersedes", "a habilitation reference such as HAB-2026-000001");
    }
    r.failIfInvalid();
    return new NewHabilitation(structure, form, signatory, admins, offers, usage, editor, solution,
        language == null ? Language.FR : language, inform, supersedes);
  }

  static Administrator administrator(JsonObject body) {
    RaRequests r = new RaRequests();
    Administrator a = r.admin(body, "");
    r.failIfInvalid();
    return a;
  }

  /**
   * A professional under a PRO offer: {@code idType} RPPS or ADELI, {@code idValue}, {@code lastName},
   * {@code firstName} (letters with accents, stored in NFC), {@code email}.
   */
  static Professional professional(JsonObject body) {
    RaRequests r = new RaRequests();
    Professional.IdKind kind = r.enumField(body, "idType", Professional.IdKind.class, "idType");
    String value = r.text(body, "idValue", "idValue", 11, true);
    if (kind != null && value != null) {
      value = value.toUpperCase(Locale.ROOT);
      Professional.idProblem(kind, value).ifPresent(p -> r.error("idValue", p));
    }
    String last = r.personName(body, "lastName");
    String first = r.personName(body, "firstName");
    String email = r.email(body, "email", "email", true);
    r.failIfInvalid();
    return new Professional(0, kind, value, last, first, Professional.normaliseEmail(email));
  }

  /** A national professional identifier in a path: 8 + RPPS or 0 + ADELI. */
  static String professionalPath(String nationalId) {
    if (nationalId == null || !nationalId.matches("8[0-9]{11}|0(?:[0-9]{2}|2A|2B)[0-9]{7}")) {
      throw DomainError.invalidField("nationalId", "a national professional identifier is 8 + the RPPS number or 0 + the ADELI number");
    }
    return nationalId;
  }

  static String reason(JsonObject body) {
    RaRequests r = new RaRequests();
    String reason = r.text(body, "reason", "reason", 500, true);
    r.failIfInvalid();
    return reason;
  }

  static boolean flag(JsonObject body, String name) {
    RaRequests r = new RaRequests();
    Object v = body.getValue(name);
    if (v != null && !(v instanceof Boolean)) r.error(name, "must be true or false");
    r.failIfInvalid();
    return Boolean.TRUE.equals(v);
  }

  /** New card for a replaced one: {@code newCardNumber}, {@code cardType}. */
  static Administrator replacement(JsonObject body) {
    RaRequests r = new RaRequests();
    String card = r.card(body, "newCardNumber", "newCardNumber");
    Administrator.CardType type = r.enumField(body, "cardType", Administrator.CardType.class, "cardType");
    r.failIfInvalid();
    return new Administrator(null, card, type, null, null, null, null);
  }

  static String cardPath(String card) {
    if (card == null || !CARD.matcher(card).matches()) throw DomainError.invalidField("cardNumber", "a card number is 10 digits");
    return card;
  }

  // ---

  private Administrator admin(JsonObject a, String prefix) {
    String card = card(a, "cardNumber", prefix + "cardNumber");
    Administrator.CardType type = enumField(a, "cardType", Administrator.CardType.class, prefix + "cardType");
    String last = text(a, "lastName", prefix + "lastName", 100, true);
    String first = text(a, "firstName", prefix + "firstName", 100, true);
    String email = email(a, "email", prefix + "email", true);
    String phone = phone(a, "phone", prefix + "phone");
    return new Administrator(null, card, type, last, first, email, phone, language(a, prefix + "language"));
  }

  /** Member {@code language}, the notices' language: "fr" or "en"; null when absent. */
  private Language language(JsonObject o, String path) {
    String v = text(o, "language", path, 2, false);
    if (v == null) return null;
    return Language.ofCode(v).orElseGet(() -> {
      error(path, "must be fr or en");
      return null;
    });
  }

  /** Seed 004's "e-mail d'une personne à informer" (CC), here per habilitation: at most 5 addresses. */
  private List<String> informEmails(JsonObject body) {
    Object v = body.getValue("informEmails");
    List<String> list = new ArrayList<>();
    if (v == null) return list;
    if (!(v instanceof JsonArray a)) {
      error("informEmails", "must be an array of e-mail addresses");
      return list;
    }
    if (a.size() > 5) {
      error("informEmails", "at most 5");
      return list;
    }
    for (int i = 0; i < a.size(); i++) {
      String path = "informEmails[" + i + "]";
      if (!(a.getValue(i) instanceof String)) {
        error(path, "must be a string");
        continue;
      }
      String e = email(new JsonObject().put("v", a.getValue(i)), "v", path, true);
      if (e != null) list.add(e);
    }
    return list;
  }

  private Offer offer(JsonObject o, String path) {
    Offer.Kind kind = enumField(o, "offer", Offer.Kind.class, path + ".offer");
    if (kind == null) return null;
    switch (kind) {
      case ORG -> {
        return Offer.org();
      }
      case SERV_SSL -> {
        String domain = domain(o, "domain", path + ".domain");
        Offer.Scope scope = enumField(o, "scope", Offer.Scope.class, path + ".scope");
        return new Offer(kind, domain, scope, null, null);
      }
      default -> {
        String mail = domain(o, "mailDomain", path + ".mailDomain");
        Object restricted = o.getValue("restricted");
        if (restricted != null && !(restricted instanceof Boolean)) error(path + ".restricted", "must be true or false");
        // Restricted unless the form says otherwise: the narrower scope is the safe default.
        return new Offer(kind, null, null, mail, !Boolean.FALSE.equals(restricted));
      }
    }
  }

  private String personName(JsonObject o, String name) {
    String v = Professional.nfc(text(o, name, name, 100, true));
    if (v == null) return null;
    var problem = Professional.nameProblem(v);
    if (problem.isPresent()) {
      error(name, problem.get());
      return null;
    }
    return v;
  }

  private String domain(JsonObject o, String name, String path) {
    String d = text(o, name, path, 253, true);
    if (d == null) return null;
    d = d.toLowerCase(Locale.ROOT);
    if (d.startsWith("@")) d = d.substring(1);
    if (!Identifier.isDnsName(d)) {
      error(path, "not a domain name (lowercase letters, digits and hyphens, at least two labels)");
      return null;
    }
    return d;
  }

  private String card(JsonObject o, String name, String path) {
    String card = text(o, name, path, 10, true);
    if (card != null && !CARD.matcher(card).matches()) {
      error(path, "a card number is 10 digits");
      return null;
    }
    return card;
  }

  private String email(JsonObject o, String name, String path, boolean required) {
    String e = text(o, name, path, 254, required);
    if (e != null && !Identifier.isEmailAddress(e)) {
      error(path, "not an e-mail address");
      return null;
    }
    return e;
  }

  private String phone(JsonObject o, String name, String path) {
    String p = text(o, name, path, 32, false);
    if (p != null && !PHONE.matcher(p).matches()) {
      error(path, "not a phone number");
      return null;
    }
    return p;
  }

  private String text(JsonObject o, String name, String path, int max, boolean required) {
    Object v = o.getValue(name);
    if (v == null) {
      if (required) error(path, "is required");
      return null;
    }
    if (!(v instanceof String s)) {
      error(path, "must be a string");
      return null;
    }
    String t = s.strip();
    if (t.isEmpty()) {
      if (required) error(path, "is required");
      return null;
    }
    if (t.length() > max) {
      error(path, "longer than " + max + " characters");
      return null;
    }
    if (t.chars().anyMatch(Character::isISOControl)) {
      error(path, "contains control characters");
      return null;
    }
    return t;
  }

  private <E extends Enum<E>> E enumField(JsonObject o, String name, Class<E> type, String path) {
    String v = text(o, name, path, 40, true);
    if (v == null) return null;
    for (E e : type.getEnumConstants()) if (e.name().equals(v)) return e;
    error(path, "must be one of " + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()));
    return null;
  }

  private JsonObject object(JsonObject o, String name, String path) {
    Object v = o.getValue(name);
    if (!(v instanceof JsonObject j)) {
      error(path, v == null ? "is required" : "must be an object");
      return null;
    }
    return j;
  }

  private JsonArray array(JsonObject o, String name, String path) {
    Object v = o.getValue(name);
    if (!(v instanceof JsonArray a) || a.isEmpty()) {
      error(path, v == null || v instanceof JsonArray ? "at least one is required" : "must be an array");
      return null;
    }
    if (a.size() > 100) {
      error(path, "at most 100");
      return null;
    }
    return a;
  }

  private void error(String field, String problem) {
    errors.add(new FieldError(field, problem));
  }

  private void failIfInvalid() {
    if (!errors.isEmpty()) throw DomainError.invalidFields(errors);
  }
}
