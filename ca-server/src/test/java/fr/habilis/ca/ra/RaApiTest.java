package fr.habilis.ca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The RA API over real HTTPS: authentication, validation, lifecycle, credentials, audit and outbox. */
class RaApiTest {
  private static TestServer server;
  private static final AtomicInteger SIRET_SEQ = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  record Reply(int status, JsonObject json, HttpResponse<String> raw) {}

  static Reply call(String method, String path, JsonObject body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    HttpResponse<String> r = server.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()), r);
  }

  static Reply call(String method, String path, JsonObject body) throws Exception {
    return call(method, path, body, server.raToken());
  }

  /** Approval by the approver operator: four-eyes refuses it to the shared token that recorded the request. */
  static Reply approve(String reference) throws Exception {
    return call("POST", "/habilitations/" + reference + "/approve", null, server.approverToken());
  }

  /** A fresh valid SIRET (Luhn) for each test, so tests do not share structures. */
  static String siret() {
    while (true) {
      String base = String.format("187512751%04d", SIRET_SEQ.incrementAndGet());
      for (int k = 0; k < 10; k++) {
        String s = base + k;
        if (fr.habilis.ca.registry.IdType.SIRET.problem(s, true).isEmpty()) return s;
      }
    }
  }

  static String structure() throws Exception {
    Reply r = call("POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", siret())
        .put("name", "ASIP-SANTE").put("department", "75").put("environment", "test"));
    assertEquals(201, r.status, r.json.encode());
    return r.json.getString("nationalId");
  }

  static JsonObject admin(String card) {
    return new JsonObject().put("cardNumber", card).put("cardType", "CPA").put("lastName", "MARTIN")
        .put("firstName", "PAUL").put("email", "paul.martin@example.test").put("phone", "01 02 03 04 05");
  }

  static JsonObject request(String structure, String... cards) {
    JsonArray admins = new JsonArray();
    for (String c : cards) admins.add(admin(c));
    return new JsonObject().put("form", "414").put("structure", structure)
        .put("signatory", new JsonObject().put("role", "LEGAL_REPRESENTATIVE").put("lastName", "DUPONT")
            .put("firstName", "MARIE").put("email", "direction@example.test"))
        .put("administrators", admins)
        .put("offers", new JsonArray().add(new JsonObject().put("offer", "ORG"))
            .add(new JsonObject().put("offer", "SERV_SSL").put("domain", "example.test").put("scope", "DOMAIN"))
            .add(new JsonObject().put("offer", "SERV_SMIME").put("mailDomain", "@example.test").put("restricted", true)))
        .put("usage", "tests").put("editor", "EDITEUR").put("solution", "LOGICIEL");
  }

  static String received(String structure, String... cards) throws Exception {
    Reply r = call("POST", "/habilitations", request(structure, cards));
    assertEquals(201, r.status, r.json.encode());
    assertEquals("RECEIVED", r.json.getString("status"));
    assertTrue(r.json.getString("reference").matches("HAB-\\d{4}-\\d{6}"), r.json.getString("reference"));
    return r.json.getString("reference");
  }

  static long count(String sql) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (ResultSet rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void refusesWithoutAValidTokenAndChangesNothing() throws Exception {
    long before = count("SELECT COUNT(*) FROM structures");
    JsonObject body = new JsonObject().put("idType", "SIRET").put("idValue", siret()).put("name", "X")
        .put("department", "75").put("environment", "test");
    for (String token : new String[] {null, "wrong", server.raToken() + "x"}) {
      Reply r = call("POST", "/structures", body, token);
      assertEquals(401, r.status);
      assertEquals("urn:habilis:ra:error:unauthorized", r.json.getString("type"));
      assertTrue(r.raw.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }
    assertEquals(before, count("SELECT COUNT(*) FROM structures"));
  }

  @Test
  void structureIsRecordedWithItsNationalIdentifier() throws Exception {
    Reply r = call("POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", "18751275100020")
        .put("name", "ASIP-SANTE").put("department", "75").put("environment", "test"));
    assertTrue(r.status == 201 || r.status == 409, r.json.encode());
    Reply got = call("GET", "/structures/318751275100020", null);
    assertEquals(200, got.status);
    assertEquals("Paris (75)", got.json.getString("departmentLabel"));
    assertEquals("SIRET", got.json.getString("idType"));
    assertEquals(409, call("POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", "18751275100020")
        .put("name", "ASIP-SANTE").put("department", "75").put("environment", "test")).status);
    assertEquals(404, call("GET", "/structures/399999999999999", null).status);
  }

  @Test
  void badInputListsEveryInvalidField() throws Exception {
    long before = count("SELECT COUNT(*) FROM structures");
    Reply r = call("POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", "18751275100021")
        .put("department", "99").put("environment", "staging"));
    assertEquals(400, r.status);
    assertEquals("urn:habilis:ra:error:invalidRequest", r.json.getString("type"));
    Set<String> fields = new java.util.HashSet<>();
    r.json.getJsonArray("invalidFields").forEach(f -> fields.add(((JsonObject) f).getString("field")));
    assertEquals(Set.of("idValue", "name", "department", "environment"), fields);
    assertEquals(before, count("SELECT COUNT(*) FROM structures"));

    JsonObject bad = request(structure(), "12345", "0000000001");
    bad.getJsonArray("offers").add(new JsonObject().put("offer", "SERV_SSL").put("domain", "not a domain"));
    bad.getJsonObject("signatory").remove("email");
    Reply h = call("POST", "/habilitations", bad.put("form", "415"));
    assertEquals(400, h.status);
    fields.clear();
    h.json.getJsonArray("invalidFields").forEach(f -> fields.add(((JsonObject) f).getString("field")));
    assertEquals(Set.of("form", "signatory.email", "administrators[0].cardNumber", "offers[3].domain", "offers[3].scope"), fields);

    assertEquals(400, call("POST", "/structures", null).status);
    HttpResponse<String> garbage = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + "/structures"))
        .header("Authorization", "Bearer " + server.raToken()).POST(HttpRequest.BodyPublishers.ofString("{nope")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, garbage.statusCode());
    assertEquals("application/problem+json", garbage.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void form414IsForTestStructuresOnly() throws Exception {
    Reply s = call("POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", siret())
        .put("name", "PROD").put("department", "2A").put("environment", "production"));
    assertEquals(201, s.status);
    assertEquals("Corse-du-Sud (2A)", s.json.getString("departmentLabel"));
    Reply r = call("POST", "/habilitations", request(s.json.getString("nationalId"), "0000000101"));
    assertEquals(400, r.status);
    assertEquals("form", r.json.getJsonArray("invalidFields").getJsonObject(0).getString("field"));
  }

  @Test
  void approvalMintsOneCredentialPerAdministratorAndIsFinal() throws Exception {
    String ref = received(structure(), "0000000201", "0000000202");
    Reply got = call("GET", "/habilitations/" + ref, null);
    assertEquals(3, got.json.getJsonArray("offers").size());
    assertEquals("example.test", got.json.getJsonArray("offers").getJsonObject(2).getString("mailDomain"));

    Reply a = approve(ref);
    assertEquals(200, a.status, a.json.encode());
    assertEquals("ACTIVE", a.json.getString("status"));
    assertEquals("no-store", a.raw.headers().firstValue("Cache-Control").orElse(""));
    JsonArray creds = a.json.getJsonArray("credentials");
    assertEquals(2, creds.size());
    byte[] key = Base64.getUrlDecoder().decode(creds.getJsonObject(0).getString("eabHmacKey"));
    assertEquals(32, key.length);
    assertNotEquals(creds.getJsonObject(0).getString("eabKid"), creds.getJsonObject(1).getString("eabKid"));
    // The key is shown once: never in later reads, never in the audit trail.
    assertFalse(call("GET", "/habilitations/" + ref, null).raw.body().contains("eabHmacKey"));
    assertEquals(0, count("SELECT COUNT(*) FROM audit_log WHERE details LIKE '%"
        + creds.getJsonObject(0).getString("eabHmacKey") + "%'"));

    Reply again = approve(ref);
    assertEquals(409, again.status);
    assertTrue(again.json.getString("detail").contains("ACTIVE"), again.json.getString("detail"));
    assertEquals(409, call("POST", "/habilitations/" + ref + "/reject", new JsonObject().put("reason", "late")).status);
    // One notice per distinct address: the signatory, and the two administrators who share one address.
    assertEquals(2, count("SELECT COUNT(*) FROM outbox WHERE reference = '" + ref + "' AND kind = 'habilitation.approved'"));
  }

  @Test
  void concurrentApprovalsProduceOneSetOfCredentials() throws Exception {
    String ref = received(structure(), "0000000301");
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(server.httpClient().sendAsync(HttpRequest.newBuilder(
              URI.create(server.endpoints().raUrl() + "/habilitations/" + ref + "/approve"))
          .header("Authorization", "Bearer " + server.approverToken()).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    for (var f : calls) {
      int status = f.get().statusCode();
      assertTrue(status == 200 || status == 409, f.get().body());
      if (status == 200) ok++;
    }
    assertEquals(1, ok);
    assertEquals(1, count("SELECT COUNT(*) FROM eab_credentials e JOIN administrators a ON a.id = e.admin_id"
        + " WHERE a.card_number = '0000000301'"));
  }

  @Test
  void rejectAndRevokeFollowTheLifecycle() throws Exception {
    String s = structure();
    String rejected = received(s, "0000000401");
    Reply r = call("POST", "/habilitations/" + rejected + "/reject", new JsonObject().put("reason", "form unsigned"));
    assertEquals("REJECTED", r.json.getString("status"));
    assertEquals("form unsigned", r.json.getString("statusReason"));
    assertEquals(409, approve(rejected).status);
    assertEquals(400, call("POST", "/habilitations/" + rejected + "/reject", new JsonObject()).status);

    String active = received(s, "0000000402");
    assertEquals(409, call("POST", "/habilitations/" + active + "/revoke", new JsonObject().put("reason", "x")).status);
    approve(active);
    Reply revoked = call("POST", "/habilitations/" + active + "/revoke", new JsonObject().put("reason", "contract ended"));
    assertEquals("REVOKED", revoked.json.getString("status"));
    Reply add = call("POST", "/habilitations/" + active + "/admins", admin("0000000403"));
    assertEquals(409, add.status);
    assertTrue(add.json.getString("detail").contains("REVOKED"));

    Reply list = call("GET", "/habilitations?structure=" + s + "&status=REVOKED", null);
    assertEquals(1, list.json.getJsonArray("habilitations").size());
    assertEquals(active, list.json.getJsonArray("habilitations").getJsonObject(0).getString("reference"));
    assertEquals(2, call("GET", "/habilitations?structure=" + s, null).json.getJsonArray("habilitations").size());
    assertEquals(400, call("GET", "/habilitations?status=SLEEPING", null).status);
    assertEquals(404, approve("HAB-2026-999999").status);
    assertTrue(count("SELECT COUNT(*) FROM audit_log WHERE subject = '" + active + "'") >= 3);
  }

  @Test
  void administratorsAddedRemovedAndGivenFreshCredentials() throws Exception {
    String ref = received(structure(), "0000000501");
    approve(ref);
    Reply added = call("POST", "/habilitations/" + ref + "/admins", admin("0000000502"));
    assertEquals(201, added.status, added.json.encode());
    assertEquals(2, added.json.getJsonArray("administrators").size());
    assertEquals("0000000502", added.json.getJsonArray("credentials").getJsonObject(0).getString("cardNumber"));
    assertEquals(409, call("POST", "/habilitations/" + ref + "/admins", admin("0000000502")).status);

    Reply eab = call("POST", "/admins/0000000502/eab", null);
    assertEquals(201, eab.status);
    assertEquals(43, eab.json.getString("eabHmacKey").length());

    Reply removed = call("DELETE", "/habilitations/" + ref + "/admins/0000000502", null);
    assertEquals(200, removed.status);
    assertEquals(1, removed.json.getJsonArray("administrators").size());
    assertEquals(409, call("POST", "/admins/0000000502/eab", null).status, "no active habilitation left");
    assertEquals(404, call("DELETE", "/habilitations/" + ref + "/admins/0000000502", null).status);
    assertEquals(409, call("DELETE", "/habilitations/" + ref + "/admins/0000000501", null).status, "last administrator");
    assertEquals(400, call("POST", "/admins/12/eab", null).status);
    assertEquals(404, call("POST", "/admins/0999999999/eab", null).status);
  }

  @Test
  void replacedCardKeepsTheRights() throws Exception {
    String ref = received(structure(), "0000000601");
    approve(ref);
    Reply replaced = call("POST", "/admins/0000000601/replace", new JsonObject().put("newCardNumber", "0000000602")
        .put("cardType", "CPS"));
    assertEquals(200, replaced.status, replaced.json.encode());
    Reply h = call("GET", "/habilitations/" + ref, null);
    assertEquals("0000000602", h.json.getJsonArray("administrators").getJsonObject(0).getString("cardNumber"));
    assertEquals(201, call("POST", "/admins/0000000602/eab", null).status);
    assertEquals(404, call("POST", "/admins/0000000601/eab", null).status);
    // A replaced card can no longer be named on a form.
    Reply reuse = call("POST", "/habilitations", request(structure(), "0000000601"));
    assertEquals(400, reuse.status);
  }
}
