package fr.habilis.ca.console;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The paper form 413/414 as an HTML form: its fields put in the RA API's JSON shape, so that the
 * API's own rules check them (ra/RaInputs). Blank fields are left out ("is required" then names
 * them); an administrator row left entirely blank is not a row.
 */
final class HabilitationForm {
  static final int ADMIN_ROWS = 3;
  static final String[] ADMIN_FIELDS = {"cardNumber", "cardType", "lastName", "firstName", "email", "phone"};

  private HabilitationForm() {}

  /** The submitted values by field name, to show the form again as it was filled. */
  static Map<String, String> values(MultiMap form) {
    Map<String, String> v = new LinkedHashMap<>();
    form.forEach(e -> {
      if (!e.getKey().equals("csrf")) v.put(e.getKey(), e.getValue());
    });
    return v;
  }

  static JsonObject json(MultiMap f) {
    JsonObject body = new JsonObject();
    put(body, "form", f.get("form"));
    put(body, "structure", f.get("structure"));
    put(body, "supersedes", f.get("supersedes"));
    JsonObject sig = new JsonObject();
    for (String k : new String[] {"role", "lastName", "firstName", "email", "phone"}) put(sig, k, f.get("signatory." + k));
    body.put("signatory", sig);
    JsonArray admins = new JsonArray();
    for (int i = 0; i < ADMIN_ROWS; i++) {
      JsonObject a = new JsonObject();
      for (String k : ADMIN_FIELDS) put(a, k, f.get("admin" + i + "." + k));
      // The card type has a default in the form: a row is filled when anything else is.
      if (a.fieldNames().stream().anyMatch(k -> !k.equals("cardType"))) admins.add(a);
    }
    body.put("administrators", admins);
    JsonArray offers = new JsonArray();
    if (f.contains("offer.ORG")) offers.add(new JsonObject().put("offer", "ORG"));
    if (f.contains("offer.SERV_SSL")) {
      JsonObject o = new JsonObject().put("offer", "SERV_SSL");
      put(o, "domain", f.get("ssl.domain"));
      put(o, "scope", f.get("ssl.scope"));
      offers.add(o);
    }
    if (f.contains("offer.SERV_SMIME")) {
      JsonObject o = new JsonObject().put("offer", "SERV_SMIME");
      put(o, "mailDomain", f.get("smime.mailDomain"));
      o.put("restricted", f.contains("smime.restricted"));
      offers.add(o);
    }
    if (f.contains("offer.PRO")) {
      JsonObject o = new JsonObject().put("offer", "PRO");
      put(o, "mailDomain", f.get("pro.mailDomain"));
      o.put("restricted", f.contains("pro.restricted"));
      offers.add(o);
    }
    body.put("offers", offers);
    for (String k : new String[] {"usage", "editor", "solution", "language"}) put(body, k, f.get(k));
    String inform = f.get("informEmails");
    if (inform != null && !inform.isBlank()) {
      JsonArray list = new JsonArray();
      for (String line : inform.split("[\\s,;]+")) if (!line.isBlank()) list.add(line.strip());
      body.put("informEmails", list);
    }
    return body;
  }

  private static void put(JsonObject o, String key, String value) {
    if (value != null && !value.isBlank()) o.put(key, value);
  }
}
