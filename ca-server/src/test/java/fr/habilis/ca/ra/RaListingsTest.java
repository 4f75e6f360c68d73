package fr.habilis.ca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RA's listings over real HTTPS (issue 19): structures searched by identifier and by name,
 * one structure with its habilitations and administrators, habilitations filtered by status,
 * structure and administrator, administrators found by card across structures; pagination edges
 * and every bad parameter as a 400 naming it.
 */
class RaListingsTest {
  private static TestServer server;
  private static final AtomicInteger SEQ = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  record Reply(int status, JsonObject json, String body) {}

  static Reply call(String method, String path, JsonObject body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    HttpResponse<String> r = server.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()), r.body());
  }

  static Reply get(String path) throws Exception {
    return call("GET", path, null, server.raToken());
  }

  static JsonObject ok(String method, String path, JsonObject body, int status) throws Exception {
    Reply r = call(method, path, body, server.raToken());
    assertEquals(status, r.status, method + " " + path + ": " + r.body);
    return r.json;
  }

  /**
   * The one place approving: the token of the principal that approves (the shared token here; a
   * second principal's wherever four-eyes refuses approval to the one that recorded).
   */
  static JsonObject approve(String reference) throws Exception {
    // Four-eyes (operators): what the shared token recorded, another principal approves.
    Reply r = call("POST", "/habilitations/" + reference + "/approve", new JsonObject(), server.approverToken());
    assertEquals(200, r.status, "approve " + reference + ": " + r.body);
    return r.json;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A fresh valid SIRET (Luhn). */
  static String siret() {
    while (true) {
      String base = String.format("552100554%04d", SEQ.incrementAndGet());
      for (int k = 0; k < 10; k++) {
        if (fr.habilis.ca.registry.IdType.SIRET.problem(base + k, true).isEmpty()) return base + k;
      }
    }
  }

  static String structure(String name, String environment) throws Exception {
    return ok("POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", siret()).put("name", name)
        .put("department", "69").put("environment", environment), 201).getString("nationalId");
  }

  static JsonObject admin(String card, String lastName) {
    return new JsonObject().put("cardNumber", card).put("cardType", "CPS").put("lastName", lastName)
        .put("firstName", "Zoé").put("email", card + "@editeur.test");
  }

  static String habilitation(String structure, JsonObject... admins) throws Exception {
    return ok("POST", "/habilitations", new JsonObject().put("form", "414").put("structure", structure)
        .put("signatory", new JsonObject().put("role", "LEGAL_REPRESENTATIVE").put("lastName", "DUPONT")
            .put("firstName", "MARIE").put("email", "direction@example.test"))
        .put("administrators", new JsonArray(List.of((Object[]) admins)))
        .put("offers", new JsonArray().add(new JsonObject().put("offer", "ORG")))
        .put("usage", "tests"), 201).getString("reference");
  }

  static List<String> field(JsonArray items, String name) {
    List<String> values = new ArrayList<>();
    items.forEach(i -> values.add(String.valueOf(((JsonObject) i).getValue(name))));
    return values;
  }

  static void badParameter(String path, String field) throws Exception {
    Reply r = get(path);
    assertEquals(400, r.status, path + ": " + r.body);
    assertEquals("urn:habilis:ra:error:invalidRequest", r.json.getString("type"), r.body);
    assertEquals(field, r.json.getJsonArray("invalidFields").getJsonObject(0).getString("field"), r.body);
    assertTrue(r.json.getString("detail").startsWith(field + ": "), r.body);
  }

  @Test
  void structuresAreFoundByIdentifierPrefixAndByNameWithoutCaseOrAccents() throws Exception {
    String helene = structure("Clinique Sainte-Hélène Zéphyr", "test");
    String other = structure("CENTRE DE SANTE ZEPHYRIN", "production");
    String siret = helene.substring(1);

    JsonArray byName = get("/structures?name=" + enc("hélène zephyr")).json.getJsonArray("structures");
    assertEquals(List.of(helene), field(byName, "nationalId"));
    assertEquals(List.of(helene), field(get("/structures?name=" + enc("SAINTE-HELENE")).json.getJsonArray("structures"),
        "nationalId"));
    assertEquals(Set.of(helene, other), Set.copyOf(field(get("/structures?q=zéphyr").json.getJsonArray("structures"),
        "nationalId")));
    assertEquals(List.of(other), field(get("/structures?q=zephyr&environment=production").json
        .getJsonArray("structures"), "nationalId"));

    // Identifier prefixes: the bare SIRET, the national identifier (3 + SIRET), in q or id.
    assertEquals(List.of(helene), field(get("/structures?id=" + siret).json.getJsonArray("structures"), "nationalId"));
    assertEquals(List.of(helene), field(get("/structures?q=" + helene).json.getJsonArray("structures"), "nationalId"));
    JsonArray prefix = get("/structures?id=" + helene.substring(0, 12) + "&limit=500").json.getJsonArray("structures");
    assertTrue(field(prefix, "nationalId").contains(helene), prefix.encode());
    assertTrue(field(prefix, "nationalId").stream().allMatch(id -> id.startsWith(helene.substring(0, 12))
        || id.substring(1).startsWith(helene.substring(0, 12))), prefix.encode());
    assertEquals(List.of(), field(get("/structures?id=" + helene + "9").json.getJsonArray("structures"), "nationalId"));
    assertEquals(List.of(helene), field(get("/structures?idType=siret&name=sainte").json.getJsonArray("structures"),
        "nationalId"));
    assertEquals(List.of(), field(get("/structures?idType=FINESS&name=sainte").json.getJsonArray("structures"),
        "nationalId"));
    // LIKE's wildcards are searched for literally.
    assertEquals(List.of(), field(get("/structures?name=" + enc("%")).json.getJsonArray("structures"), "nationalId"));
    assertEquals(List.of(), field(get("/structures?name=" + enc("_")).json.getJsonArray("structures"), "nationalId"));

    JsonObject found = byName.getJsonObject(0);
    assertEquals("Clinique Sainte-Hélène Zéphyr", found.getString("name"));
    assertEquals(new JsonObject().put("habilitations", 0).put("activeHabilitations", 0).put("liveCertificates", 0),
        found.getJsonObject("counts"));
    String ref = habilitation(helene, admin("0700000001", "LEFÈVRE"));
    approve(ref);
    habilitation(helene, admin("0700000002", "MARTIN"));
    assertEquals(new JsonObject().put("habilitations", 2).put("activeHabilitations", 1).put("liveCertificates", 0),
        get("/structures?id=" + siret).json.getJsonArray("structures").getJsonObject(0).getJsonObject("counts"));
  }

  @Test
  void structureSearchPagesInAStableOrder() throws Exception {
    String token = "PAGINE" + SEQ.incrementAndGet();
    Set<String> made = new HashSet<>();
    for (int i = 0; i < 5; i++) made.add(structure("STRUCTURE " + token + " " + (char) ('E' - i), "test"));
    List<String> seen = new ArrayList<>();
    List<Boolean> more = new ArrayList<>();
    for (int offset = 0; offset < 6; offset += 2) {
      JsonObject page = get("/structures?name=" + token + "&limit=2&offset=" + offset).json;
      assertEquals(2, page.getInteger("limit"));
      assertEquals(offset, page.getInteger("offset"));
      seen.addAll(field(page.getJsonArray("structures"), "nationalId"));
      more.add(page.getBoolean("hasMore"));
    }
    assertEquals(List.of(true, true, false), more);
    assertEquals(5, seen.size());
    assertEquals(made, Set.copyOf(seen));
    List<String> names = new ArrayList<>();
    get("/structures?name=" + token).json.getJsonArray("structures").forEach(s -> names.add(((JsonObject) s).getString("name")));
    assertEquals(names.stream().sorted().toList(), names, "name order");
    JsonObject beyond = get("/structures?name=" + token + "&offset=5").json;
    assertEquals(0, beyond.getJsonArray("structures").size());
    assertFalse(beyond.getBoolean("hasMore"));
    JsonObject exact = get("/structures?name=" + token + "&limit=5").json;
    assertEquals(5, exact.getJsonArray("structures").size());
    assertFalse(exact.getBoolean("hasMore"));
  }

  @Test
  void structureDetailEmbedsItsHabilitationsAndAdministrators() throws Exception {
    String s = structure("MAISON DE SANTE DETAIL", "test");
    String first = habilitation(s, admin("0700000101", "DURAND"), admin("0700000102", "PETIT"));
    approve(first);
    String second = habilitation(s, admin("0700000101", "DURAND"));
    JsonObject detail = get("/structures/" + s).json;
    assertEquals("MAISON DE SANTE DETAIL", detail.getString("name"));
    assertEquals(List.of(second, first), field(detail.getJsonArray("habilitations"), "reference"), "newest first");
    JsonArray admins = detail.getJsonArray("administrators");
    assertEquals(List.of("0700000101", "0700000102"), field(admins, "cardNumber"));
    assertEquals(List.of(second, first), field(admins.getJsonObject(0).getJsonArray("habilitations"), "reference"));
    assertEquals(2, detail.getJsonObject("counts").getInteger("habilitations"));
    assertEquals(server.endpoints().raUrl() + "/certificates?structure=" + s,
        detail.getJsonObject("links").getString("certificates"));
    assertFalse(detail.encode().contains("eabHmacKey"));
    assertEquals(404, get("/structures/399999999999999").status);
  }

  @Test
  void habilitationsAreFilteredByAdministratorStatusAndStructure() throws Exception {
    String a = structure("HOPITAL FILTRE A", "test");
    String b = structure("HOPITAL FILTRE B", "test");
    String card = "07000002" + String.format("%02d", SEQ.incrementAndGet() % 100);
    String onA = habilitation(a, admin(card, "BERNARD"));
    String onB = habilitation(b, admin("0700000299", "AUTRE"), admin(card, "BERNARD"));
    String notHim = habilitation(b, admin("0700000298", "AUTRE"));
    approve(onB);
    ok("POST", "/habilitations/" + notHim + "/reject", new JsonObject().put("reason", "unsigned"), 200);

    assertEquals(List.of(onB, onA), field(get("/habilitations?admin=" + card).json.getJsonArray("habilitations"),
        "reference"), "the admin filter, newest first");
    assertEquals(List.of(onB), field(get("/habilitations?admin=" + card + "&status=active").json
        .getJsonArray("habilitations"), "reference"));
    assertEquals(List.of(onA), field(get("/habilitations?admin=" + card + "&structure=" + a).json
        .getJsonArray("habilitations"), "reference"));
    assertEquals(List.of(notHim, onB), field(get("/habilitations?structure=" + b + "&status=REJECTED,ACTIVE").json
        .getJsonArray("habilitations"), "reference"));
    assertEquals(List.of(), field(get("/habilitations?admin=0799999999").json.getJsonArray("habilitations"),
        "reference"), "an unknown card matches nothing");
    JsonObject page = get("/habilitations?admin=" + card + "&limit=1").json;
    assertEquals(List.of(onB), field(page.getJsonArray("habilitations"), "reference"));
    assertTrue(page.getBoolean("hasMore"));
    page = get("/habilitations?admin=" + card + "&limit=1&offset=1").json;
    assertEquals(List.of(onA), field(page.getJsonArray("habilitations"), "reference"));
    assertFalse(page.getBoolean("hasMore"));

    // After a card replacement, the old number still finds the person's habilitations.
    String newCard = "07000003" + String.format("%02d", SEQ.incrementAndGet() % 100);
    ok("POST", "/admins/" + card + "/replace", new JsonObject().put("newCardNumber", newCard).put("cardType", "CPS"), 200);
    assertEquals(List.of(onB, onA), field(get("/habilitations?admin=" + card).json.getJsonArray("habilitations"),
        "reference"));
    assertEquals(List.of(onB, onA), field(get("/habilitations?admin=" + newCard).json.getJsonArray("habilitations"),
        "reference"));
  }

  @Test
  void administratorsAreFoundByCardAcrossStructuresWithoutAnySecret() throws Exception {
    String a = structure("CABINET CARTE A", "test");
    String b = structure("CABINET CARTE B", "test");
    String card = "0711" + String.format("%06d", SEQ.incrementAndGet());
    String refA = habilitation(a, admin(card, "GARÇON"));
    String refB = habilitation(b, admin(card, "GARÇON"));
    JsonObject approved = approve(refA);
    String key = approved.getJsonArray("credentials").getJsonObject(0).getString("eabHmacKey");
    String kid = approved.getJsonArray("credentials").getJsonObject(0).getString("eabKid");

    Reply found = get("/admins?card=" + card);
    assertEquals(200, found.status, found.body);
    assertFalse(found.body.contains(key), "never the HMAC key");
    assertFalse(found.body.contains("eabHmacKey"));
    JsonArray admins = found.json.getJsonArray("administrators");
    assertEquals(List.of(card), field(admins, "cardNumber"));
    JsonObject person = admins.getJsonObject(0);
    assertEquals(List.of(refB, refA), field(person.getJsonArray("habilitations"), "reference"));
    assertEquals(List.of("RECEIVED", "ACTIVE"), field(person.getJsonArray("habilitations"), "status"));
    assertEquals("CABINET CARTE A", person.getJsonArray("habilitations").getJsonObject(1).getString("structureName"));
    JsonObject cred = person.getJsonArray("credentials").getJsonObject(0);
    assertEquals(kid, cred.getString("eabKid"));
    assertEquals("unused", cred.getString("state"));
    assertNull(cred.getValue("account"));
    assertEquals(0, person.getJsonArray("accounts").size());

    // A prefix of the card, the name without its cedilla, the structure.
    assertTrue(field(get("/admins?card=" + card.substring(0, 7) + "&limit=500").json.getJsonArray("administrators"),
        "cardNumber").contains(card));
    assertTrue(field(get("/admins?name=garcon&limit=500").json.getJsonArray("administrators"), "cardNumber")
        .contains(card));
    assertEquals(List.of(card), field(get("/admins?structure=" + b).json.getJsonArray("administrators"), "cardNumber"));

    Reply detail = get("/admins/" + card);
    assertEquals(200, detail.status, detail.body);
    assertEquals(person.getJsonArray("habilitations"), detail.json.getJsonArray("habilitations"));
    assertEquals(server.endpoints().raUrl() + "/admins/" + card + "/orders",
        detail.json.getJsonObject("links").getString("orders"));
    JsonObject orders = get("/admins/" + card + "/orders").json;
    assertEquals(0, orders.getJsonArray("orders").size());
    assertFalse(orders.getBoolean("hasMore"));
    assertEquals(404, get("/admins/0799999999").status);
    assertEquals(404, get("/admins/0799999999/orders").status);

    // The replaced card finds the person under the new number.
    String newCard = "0712" + String.format("%06d", SEQ.incrementAndGet());
    ok("POST", "/admins/" + card + "/replace", new JsonObject().put("newCardNumber", newCard).put("cardType", "CPS"), 200);
    JsonObject replaced = get("/admins/" + card).json;
    assertEquals(newCard, replaced.getString("cardNumber"));
    assertEquals(List.of(card), replaced.getJsonArray("replacedCards").getList());
    assertEquals(List.of(newCard), field(get("/admins?card=" + card).json.getJsonArray("administrators"), "cardNumber"));
  }

  @Test
  void badParametersAreRefusedNamingThem() throws Exception {
    badParameter("/structures?limit=0", "limit");
    badParameter("/structures?limit=501", "limit");
    badParameter("/structures?limit=ten", "limit");
    badParameter("/structures?offset=-1", "offset");
    badParameter("/structures?idType=VAT", "idType");
    badParameter("/structures?environment=staging", "environment");
    badParameter("/structures?id=" + enc("31-87"), "id");
    badParameter("/structures?q=" + "x".repeat(201), "q");
    badParameter("/structures?q=a&q=b", "q");
    badParameter("/habilitations?status=SLEEPING", "status");
    badParameter("/habilitations?status=ACTIVE,", "status");
    badParameter("/habilitations?admin=123", "admin");
    badParameter("/habilitations?structure=" + enc("3187'--"), "structure");
    badParameter("/admins?card=12a", "card");
    badParameter("/admins?card=12345678901", "card");
    badParameter("/admins?structure=" + enc("x y"), "structure");
    badParameter("/admins/123", "cardNumber");
    badParameter("/admins/0700000001/orders?status=done", "status");
    badParameter("/admins/0700000001/orders?limit=1000", "limit");
    for (String path : List.of("/structures", "/structures/318751275100020", "/admins?card=07", "/admins/0700000001",
        "/admins/0700000001/orders", "/habilitations?admin=0700000001")) {
      Reply r = call("GET", path, null, "wrong");
      assertEquals(401, r.status, path);
    }
  }
}
