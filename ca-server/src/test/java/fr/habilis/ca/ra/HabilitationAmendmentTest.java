package fr.habilis.ca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestCerts;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.revocation.RevocationFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Amending an active habilitation with a new form 413/414 for the same structure (issue 19): the
 * request names the habilitation it supersedes; until it is approved the administrator's ACME
 * orders follow the earlier form, from its approval on they follow the new one, and the earlier
 * one is SUPERSEDED with links both ways. Over real HTTPS, with ACME orders.
 */
class HabilitationAmendmentTest {
  private static TestServer server;
  private static RevocationFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    fixture = new RevocationFixture(server);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  record Reply(int status, JsonObject json) {}

  static Reply call(String method, String path, JsonObject body) throws Exception {
    HttpResponse<String> r = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + server.raToken()).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()));
  }

  static JsonObject ok(String method, String path, JsonObject body, int status) throws Exception {
    Reply r = call(method, path, body);
    assertEquals(status, r.status, method + " " + path + ": " + r.json.encode());
    return r.json;
  }

  /**
   * The one place approving: the token of the principal that approves (the shared token here; a
   * second principal's wherever four-eyes refuses approval to the one that recorded).
   */
  static Reply approving(String reference) throws Exception {
    HttpResponse<String> r = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl()
        + "/habilitations/" + reference + "/approve")).header("Authorization", "Bearer " + server.approverToken())
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), new JsonObject(r.body()));
  }

  static JsonObject approve(String reference) throws Exception {
    Reply r = approving(reference);
    assertEquals(200, r.status, "approve " + reference + ": " + r.json.encode());
    return r.json;
  }

  static JsonObject form(String structure, JsonArray offers, String... cards) {
    JsonArray admins = new JsonArray();
    for (String card : cards) {
      admins.add(new JsonObject().put("cardNumber", card).put("cardType", "CPA").put("lastName", "MARTIN")
          .put("firstName", "PAUL").put("email", "admin@example.test"));
    }
    return new JsonObject().put("form", "414").put("structure", structure)
        .put("signatory", new JsonObject().put("role", "LEGAL_REPRESENTATIVE").put("lastName", "DUPONT")
            .put("firstName", "MARIE").put("email", "direction@example.test"))
        .put("administrators", admins).put("offers", offers).put("usage", "amendment");
  }

  static JsonArray ssl(String... domains) {
    JsonArray offers = new JsonArray();
    for (String d : domains) offers.add(new JsonObject().put("offer", "SERV_SSL").put("domain", d).put("scope", "DOMAIN"));
    return offers;
  }

  static HttpResponse<String> newOrder(RawAcmeClient client, String name) throws Exception {
    return client.post(client.url("newOrder"), new JsonObject().put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "dns").put("value", name))).encode(), false);
  }

  static String issue(RawAcmeClient client, String name) throws Exception {
    return client.issue(new JsonObject().put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "dns").put("value", name))), TestCerts.dnsCsr(TestCerts.ecKey(), name));
  }

  static String activeReference(String structure) throws Exception {
    JsonArray active = ok("GET", "/habilitations?structure=" + structure + "&status=ACTIVE", null, 200)
        .getJsonArray("habilitations");
    assertEquals(1, active.size());
    return active.getJsonObject(0).getString("reference");
  }

  @Test
  void anOrderFollowsTheNewOffersFromTheApprovalOnAndNotBefore() throws Exception {
    RaFixture.Credential admin = fixture.ra.habilitate("55210055400039", "0730000001", ssl("a.amend.test"));
    String s = admin.nationalId();
    String first = activeReference(s);
    RawAcmeClient acme = fixture.account(admin);
    assertEquals(403, newOrder(acme, "www.b.amend.test").statusCode(), "b is not habilitated yet");

    JsonObject recorded = ok("POST", "/habilitations", form(s, ssl("a.amend.test", "b.amend.test"), "0730000001")
        .put("supersedes", first), 201);
    String second = recorded.getString("reference");
    assertEquals("RECEIVED", recorded.getString("status"));
    assertEquals(first, recorded.getString("supersedes"));
    assertNull(recorded.getString("supersededBy"));
    // Recorded, not approved: the earlier form still rules.
    assertEquals(403, newOrder(acme, "www.b.amend.test").statusCode());
    assertEquals("ACTIVE", ok("GET", "/habilitations/" + first, null, 200).getString("status"));

    JsonObject approved = approve(second);
    assertEquals("ACTIVE", approved.getString("status"));
    assertEquals(0, approved.getJsonArray("credentials").size(), "the administrator keeps their account");
    JsonObject earlier = ok("GET", "/habilitations/" + first, null, 200);
    assertEquals("SUPERSEDED", earlier.getString("status"));
    assertEquals(second, earlier.getString("supersededBy"));
    assertEquals("superseded by " + second, earlier.getString("statusReason"));
    assertEquals(first, ok("GET", "/habilitations/" + second, null, 200).getString("supersedes"));
    assertTrue(issue(acme, "www.b.amend.test").contains("BEGIN CERTIFICATE"), "b, from the new form");
    assertTrue(issue(acme, "www.a.amend.test").contains("BEGIN CERTIFICATE"), "a, still on the new form");
    assertEquals(List.of(first), ok("GET", "/habilitations?structure=" + s + "&status=superseded", null, 200)
        .getJsonArray("habilitations").stream().map(h -> ((JsonObject) h).getString("reference")).toList());
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'habilitation.superseded' AND subject = '"
        + first + "'"));

    // A third form drops a: an order made before its approval cannot be finalized after it.
    String third = ok("POST", "/habilitations", form(s, ssl("b.amend.test"), "0730000001").put("supersedes", second), 201)
        .getString("reference");
    HttpResponse<String> pending = newOrder(acme, "api.a.amend.test");
    assertEquals(201, pending.statusCode(), pending.body());
    approve(third);
    HttpResponse<String> fin = acme.post(new JsonObject(pending.body()).getString("finalize"),
        RawAcmeClient.csrPayload(TestCerts.dnsCsr(TestCerts.ecKey(), "api.a.amend.test")), false);
    assertEquals(403, fin.statusCode(), fin.body());
    assertEquals(403, newOrder(acme, "www.a.amend.test").statusCode(), "a is no longer habilitated");
    assertTrue(issue(acme, "api.b.amend.test").contains("BEGIN CERTIFICATE"));
  }

  @Test
  void aNewcomerGetsACredentialAndALeaverLosesTheStructure() throws Exception {
    RaFixture.Credential leaver = fixture.ra.habilitate("55210055400047", "0730000101", ssl("c.amend.test"));
    String s = leaver.nationalId();
    String first = activeReference(s);
    RawAcmeClient leaverAcme = fixture.account(leaver);
    String second = ok("POST", "/habilitations", form(s, ssl("c.amend.test"), "0730000102").put("supersedes", first), 201)
        .getString("reference");
    JsonObject approved = approve(second);
    JsonArray creds = approved.getJsonArray("credentials");
    assertEquals(1, creds.size());
    assertEquals("0730000102", creds.getJsonObject(0).getString("cardNumber"));
    RawAcmeClient newcomer = fixture.account(new RaFixture.Credential("0730000102", creds.getJsonObject(0)
        .getString("eabKid"), creds.getJsonObject(0).getString("eabHmacKey"), s));
    assertTrue(issue(newcomer, "www.c.amend.test").contains("BEGIN CERTIFICATE"));
    assertEquals(403, newOrder(leaverAcme, "www.c.amend.test").statusCode(), "not named on the new form");
  }

  @Test
  void anAmendmentIsRefusedUnlessItAmendsAnActiveHabilitationOfItsStructure() throws Exception {
    RaFixture.Credential admin = fixture.ra.habilitate("55210055400054", "0730000201", ssl("d.amend.test"));
    String s = admin.nationalId();
    String first = activeReference(s);
    RaFixture.Credential elsewhere = fixture.ra.habilitate("55210055400062", "0730000202", ssl("e.amend.test"));
    String foreign = activeReference(elsewhere.nationalId());

    Reply malformed = call("POST", "/habilitations", form(s, ssl("d.amend.test"), "0730000201").put("supersedes", "42"));
    assertEquals(400, malformed.status);
    assertEquals("supersedes", malformed.json.getJsonArray("invalidFields").getJsonObject(0).getString("field"));
    Reply unknown = call("POST", "/habilitations", form(s, ssl("d.amend.test"), "0730000201")
        .put("supersedes", "HAB-2026-999999"));
    assertEquals(400, unknown.status);
    assertEquals("supersedes: no habilitation HAB-2026-999999", unknown.json.getString("detail"));
    Reply otherStructure = call("POST", "/habilitations", form(s, ssl("d.amend.test"), "0730000201")
        .put("supersedes", foreign));
    assertEquals(400, otherStructure.status);
    assertTrue(otherStructure.json.getString("detail").contains("same structure"), otherStructure.json.encode());

    // Two amendments recorded: once one is approved, the other can no longer be, and nothing changes.
    String one = ok("POST", "/habilitations", form(s, ssl("d.amend.test"), "0730000201").put("supersedes", first), 201)
        .getString("reference");
    String two = ok("POST", "/habilitations", form(s, ssl("d.amend.test"), "0730000201").put("supersedes", first), 201)
        .getString("reference");
    approve(one);
    long audit = count("SELECT COUNT(*) FROM audit_log");
    Reply late = approving(two);
    assertEquals(409, late.status);
    assertTrue(late.json.getString("detail").contains(first + " is SUPERSEDED (by " + one + ")"), late.json.encode());
    assertEquals("RECEIVED", ok("GET", "/habilitations/" + two, null, 200).getString("status"));
    assertEquals(audit, count("SELECT COUNT(*) FROM audit_log"));

    Reply ofSuperseded = call("POST", "/habilitations", form(s, ssl("d.amend.test"), "0730000201")
        .put("supersedes", first));
    assertEquals(409, ofSuperseded.status);
    assertTrue(ofSuperseded.json.getString("detail").contains("is SUPERSEDED"), ofSuperseded.json.encode());
    assertEquals(409, call("POST", "/habilitations/" + first + "/revoke", new JsonObject().put("reason", "x")).status);
    assertEquals(409, call("POST", "/habilitations/" + first + "/admins", new JsonObject().put("cardNumber", "0730000203")
        .put("cardType", "CPA").put("lastName", "A").put("firstName", "B").put("email", "a@example.test")).status);
    assertEquals(409, call("DELETE", "/habilitations/" + first + "/admins/0730000201", null).status);
  }

  static long count(String sql) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (ResultSet rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
