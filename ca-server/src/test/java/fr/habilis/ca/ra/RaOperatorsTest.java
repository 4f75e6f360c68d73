package fr.habilis.ca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.renewal.RenewalService;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 on the RA API over real HTTPS: per-operator tokens, the role every route needs (a table
 * over every route the RA mounts), four-eyes on habilitations, incidents and revocations with
 * certificates, and the audit trail naming the principal of each action.
 */
class RaOperatorsTest {
  private static TestServer server;
  private static String officer;
  private static String officer2;
  private static String approver;
  private static String auditor;
  private static String both;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    officer = server.operatorToken("officer", Role.OFFICER);
    officer2 = server.operatorToken("officer2", Role.OFFICER);
    approver = server.operatorToken("approver", Role.APPROVER);
    auditor = server.operatorToken("auditor", Role.AUDITOR);
    both = server.operatorToken("both", Role.OFFICER, Role.APPROVER);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  record Reply(int status, JsonObject json) {}

  static Reply call(String token, String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    HttpResponse<String> r = server.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()));
  }

  static long count(String sql, Object... args) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (var ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** Every RA route, as the server mounts it (method and path template), from a router built the same way. */
  static List<String[]> routes() {
    Router router = Router.router(server.vertx());
    RaApi ra = new RaApi(server.context(), null);
    ra.withRenewal(new RenewalService(server.context(), ra.registry(), null)).mount(router);
    TreeSet<String> seen = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      if (r.methods() == null || r.getPath() == null) continue; // the authentication and body handlers
      for (HttpMethod m : r.methods()) seen.add(m.name() + " " + r.getPath());
    }
    List<String[]> out = new ArrayList<>();
    seen.forEach(s -> out.add(s.split(" ", 2)));
    return out;
  }

  static final Map<String, String> SAMPLES = Map.of(":reference", "HAB-2026-999999", ":nationalId", "399999999999999",
      ":cardNumber", "0999999999", ":serial", "0A", ":id", "999999");

  static String sample(String template) {
    String p = template;
    for (var e : SAMPLES.entrySet()) p = p.replace(e.getKey(), e.getValue());
    return p.substring("/ra/v1".length());
  }

  @Test
  void everyRouteNeedsATokenAndTheRoleItsTableSays() throws Exception {
    List<String[]> routes = routes();
    assertTrue(routes.size() >= 25, "routes found: " + routes.size());
    List<String> problems = new ArrayList<>();
    for (String[] route : routes) {
      String method = route[0];
      String path = sample(route[1]);
      Optional<Role> needed = RaAuth.required(HttpMethod.valueOf(method), route[1]);
      boolean write = !method.equals("GET");
      assertEquals(write, needed.isPresent(), method + " " + route[1]);
      JsonObject body = write && !method.equals("DELETE") ? new JsonObject() : null;
      // No token, a wrong one, and a revoked-looking operator token: 401, with nothing done.
      for (String token : new String[] {null, "wrong", "hbo_" + "A".repeat(43)}) {
        Reply r = call(token, method, path, body);
        if (r.status != 401) problems.add(method + " " + path + " with token " + token + ": " + r.status);
      }
      for (var who : Map.of("auditor", auditor, "officer", officer, "approver", approver, "ra-token", server.raToken()).entrySet()) {
        boolean allowed = switch (who.getKey()) {
          case "auditor" -> !write;
          case "officer" -> needed.isEmpty() || needed.get() == Role.OFFICER;
          case "approver" -> needed.isEmpty() || needed.get() == Role.APPROVER;
          default -> true;
        };
        Reply r = call(who.getValue(), method, path, body);
        if (allowed && (r.status == 401 || r.status == 403)) {
          problems.add(who.getKey() + " refused " + method + " " + path + ": " + r.status + " " + r.json);
        }
        if (!allowed && (r.status != 403 || !"urn:habilis:ra:error:forbidden".equals(r.json.getString("type"))
            || !r.json.getString("detail").contains("the " + needed.orElseThrow().wireName() + " role is needed"))) {
          problems.add(who.getKey() + " not refused " + method + " " + path + ": " + r.status + " " + r.json);
        }
        if (r.status >= 500) problems.add(who.getKey() + " " + method + " " + path + ": " + r.status + " " + r.json);
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theRoleTableNamesTheApproverForDecisionsOnly() {
    assertEquals(Optional.of(Role.APPROVER), RaAuth.required(HttpMethod.POST, "/ra/v1/habilitations/HAB-2026-000001/approve"));
    assertEquals(Optional.of(Role.APPROVER), RaAuth.required(HttpMethod.POST, "/ra/v1/habilitations/HAB-2026-000001/reject"));
    assertEquals(Optional.of(Role.APPROVER), RaAuth.required(HttpMethod.POST, "/ra/v1/pending-actions/3/approve"));
    assertEquals(Optional.of(Role.APPROVER), RaAuth.required(HttpMethod.POST, "/ra/v1/pending-actions/3/reject"));
    assertEquals(Optional.of(Role.OFFICER), RaAuth.required(HttpMethod.POST, "/ra/v1/habilitations/HAB-2026-000001/revoke"));
    assertEquals(Optional.of(Role.OFFICER), RaAuth.required(HttpMethod.POST, "/ra/v1/certificates/0A/revoke"));
    assertEquals(Optional.of(Role.APPROVER), RaAuth.required(HttpMethod.POST, "/ra/v1/habilitations/HAB-2026-000001/approve/"));
    assertEquals(Optional.of(Role.OFFICER), RaAuth.required(HttpMethod.POST, "/ra/v1/habilitations/x/approve/more"));
    assertEquals(Optional.of(Role.OFFICER), RaAuth.required(HttpMethod.PATCH, "/ra/v1/structures/1"));
    assertEquals(Optional.of(Role.OFFICER), RaAuth.required(HttpMethod.DELETE, "/ra/v1/habilitations/x/admins/0123456789"));
    assertEquals(Optional.empty(), RaAuth.required(HttpMethod.GET, "/ra/v1/habilitations"));
  }

  @Test
  void noSpellingOfAnApprovalPathSlipsPastTheRoleTable() throws Exception {
    String ref = habilitationRecordedBy(officer, RaApiTest.siret(), "0000001904");
    for (String path : new String[] {"/habilitations/" + ref + "/approve/", "/habilitations/" + ref + "//approve",
        "/habilitations/" + ref + "/%61pprove", "/habilitations/" + ref + "/approve;x", "/habilitations/" + ref + "/./approve",
        "/habilitations/" + ref + "/x/../approve", "/habilitations/" + ref + "%2Fapprove"}) {
      Reply r = call(officer2, "POST", path, new JsonObject());
      assertTrue(r.status == 403 || r.status == 404, path + ": " + r.status + " " + r.json);
    }
    assertEquals("RECEIVED", call(auditor, "GET", "/habilitations/" + ref, null).json.getString("status"));
  }

  private static String habilitationRecordedBy(String token, String siret, String card) throws Exception {
    Reply s = call(token, "POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", siret)
        .put("name", "CLINIQUE QUATRE YEUX").put("department", "75").put("environment", "test"));
    assertEquals(201, s.status, s.json.encode());
    Reply h = call(token, "POST", "/habilitations", RaApiTest.request(s.json.getString("nationalId"), card));
    assertEquals(201, h.status, h.json.encode());
    return h.json.getString("reference");
  }

  @Test
  void aHabilitationIsApprovedByAnotherPrincipalThanItsRecorder() throws Exception {
    String ref = habilitationRecordedBy(both, RaApiTest.siret(), "0000001901");
    Reply own = call(both, "POST", "/habilitations/" + ref + "/approve", new JsonObject());
    assertEquals(403, own.status, own.json.encode());
    assertEquals("urn:habilis:ra:error:forbidden", own.json.getString("type"));
    assertTrue(own.json.getString("detail").startsWith("four-eyes: habilitation " + ref + " was recorded by operator:both"),
        own.json.getString("detail"));
    assertEquals("RECEIVED", call(auditor, "GET", "/habilitations/" + ref, null).json.getString("status"));
    assertEquals(0, count("SELECT COUNT(*) FROM eab_credentials e JOIN administrators a ON a.id = e.admin_id"
        + " WHERE a.card_number = '0000001901'"));

    Reply ok = call(approver, "POST", "/habilitations/" + ref + "/approve", new JsonObject());
    assertEquals(200, ok.status, ok.json.encode());
    assertEquals("ACTIVE", ok.json.getString("status"));
    // The audit trail names both principals.
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND action = 'habilitation.received'"
        + " AND actor = 'operator:both'", ref));
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND action = 'habilitation.approved'"
        + " AND actor = 'operator:approver'", ref));
  }

  @Test
  void theSharedTokenIsOnePrincipalToo() throws Exception {
    String ref = habilitationRecordedBy(server.raToken(), RaApiTest.siret(), "0000001902");
    Reply own = call(server.raToken(), "POST", "/habilitations/" + ref + "/approve", new JsonObject());
    assertEquals(403, own.status, own.json.encode());
    assertTrue(own.json.getString("detail").contains("recorded by ra-token"), own.json.getString("detail"));
    assertEquals(200, call(approver, "POST", "/habilitations/" + ref + "/approve", new JsonObject()).status);
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND actor = 'ra-token'", ref));
  }

  @Test
  void anIncidentIsRecordedThenDeclaredByASecondPrincipal() throws Exception {
    Reply recorded = call(officer, "POST", "/incidents", new JsonObject().put("scope", "ca").put("value", "pro")
        .put("reason", "PRO CA re-keyed"));
    assertEquals(202, recorded.status, recorded.json.encode());
    assertEquals("recorded", recorded.json.getString("state"));
    assertEquals("incident", recorded.json.getString("kind"));
    assertEquals("operator:officer", recorded.json.getString("recordedBy"));
    long id = recorded.json.getLong("id");
    long incidents = count("SELECT COUNT(*) FROM renewal_incidents");

    // Not declared yet; the recorder cannot approve it even with the approver role, another officer has no approver role.
    assertEquals(403, call(officer2, "POST", "/pending-actions/" + id + "/approve", new JsonObject()).status);
    Reply listed = call(auditor, "GET", "/pending-actions?state=recorded", null);
    assertTrue(listed.json.getJsonArray("pendingActions").stream().anyMatch(a -> ((JsonObject) a).getLong("id") == id));
    assertEquals(incidents, count("SELECT COUNT(*) FROM renewal_incidents"));

    Reply approved = call(approver, "POST", "/pending-actions/" + id + "/approve", new JsonObject());
    assertEquals(200, approved.status, approved.json.encode());
    assertEquals("approved", approved.json.getString("state"));
    assertEquals("operator:approver", approved.json.getString("decidedBy"));
    JsonObject incident = approved.json.getJsonObject("outcome");
    assertEquals("operator:approver", incident.getString("declaredBy"));
    assertEquals(incident.getLong("id"), call(auditor, "GET", "/incidents/" + incident.getLong("id"), null).json.getLong("id"));
    assertEquals(incidents + 1, count("SELECT COUNT(*) FROM renewal_incidents"));
    assertEquals(409, call(approver, "POST", "/pending-actions/" + id + "/approve", new JsonObject()).status);
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND action = 'ra.action.recorded'"
        + " AND actor = 'operator:officer'", "action:" + id));
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND action = 'renewal.incident.declared'"
        + " AND actor = 'operator:approver'", "incident:" + incident.getLong("id")));
  }

  @Test
  void concurrentApprovalsOfOnePendingActionRunItOnce() throws Exception {
    long id = call(officer, "POST", "/incidents", new JsonObject().put("scope", "ca").put("value", "org")
        .put("reason", "twice?")).json.getLong("id");
    long incidents = count("SELECT COUNT(*) FROM renewal_incidents");
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(server.httpClient().sendAsync(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl()
              + "/pending-actions/" + id + "/approve")).header("Authorization", "Bearer " + (i % 2 == 0 ? approver : both))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    for (var f : calls) {
      int status = f.get().statusCode();
      assertTrue(status == 200 || status == 409, f.get().body());
      if (status == 200) ok++;
    }
    assertEquals(1, ok);
    assertEquals(incidents + 1, count("SELECT COUNT(*) FROM renewal_incidents"));
  }

  @Test
  void theRecorderOfAnIncidentCannotApproveItAndARejectedOneIsOver() throws Exception {
    Reply recorded = call(both, "POST", "/incidents", new JsonObject().put("scope", "profile").put("value", "SERV_SSL")
        .put("reason", "profile corrected"));
    long id = recorded.json.getLong("id");
    Reply own = call(both, "POST", "/pending-actions/" + id + "/approve", new JsonObject());
    assertEquals(403, own.status);
    assertTrue(own.json.getString("detail").startsWith("four-eyes: pending action " + id), own.json.getString("detail"));
    assertEquals(400, call(approver, "POST", "/pending-actions/" + id + "/reject", new JsonObject()).status, "a reason is required");
    Reply rejected = call(approver, "POST", "/pending-actions/" + id + "/reject", new JsonObject().put("reason", "duplicate"));
    assertEquals(200, rejected.status, rejected.json.encode());
    assertEquals("rejected", rejected.json.getString("state"));
    assertEquals("duplicate", rejected.json.getString("decisionReason"));
    Reply late = call(approver, "POST", "/pending-actions/" + id + "/approve", new JsonObject());
    assertEquals(409, late.status);
    assertEquals(404, call(approver, "POST", "/pending-actions/999999/approve", new JsonObject()).status);
    assertEquals(404, call(auditor, "GET", "/pending-actions/abc", null).status);
  }

  @Test
  void aRevocationWithCertificatesWaitsForASecondPrincipal() throws Exception {
    RaFixture ra = new RaFixture(server.httpClient(), server.endpoints().raUrl(), officer, () -> approver);
    RaFixture.Credential c = ra.habilitate(RaApiTest.siret(), "0000001903", RaFixture.servSsl("quatre-yeux.test"));
    String ref = server.context().db().txBlocking(conn -> {
      try (var ps = conn.prepareStatement("SELECT reference FROM habilitations WHERE structure_id = ?")) {
        ps.setString(1, c.nationalId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    });
    Reply recorded = call(officer, "POST", "/habilitations/" + ref + "/revoke", new JsonObject().put("reason", "contract ended")
        .put("revokeCertificates", true));
    assertEquals(202, recorded.status, recorded.json.encode());
    assertEquals("habilitation-revocation", recorded.json.getString("kind"));
    assertEquals(ref, recorded.json.getString("subject"));
    assertEquals("ACTIVE", call(auditor, "GET", "/habilitations/" + ref, null).json.getString("status"));
    long id = recorded.json.getLong("id");
    assertEquals(403, call(officer, "POST", "/pending-actions/" + id + "/approve", new JsonObject()).status);
    Reply approved = call(approver, "POST", "/pending-actions/" + id + "/approve", new JsonObject());
    assertEquals(200, approved.status, approved.json.encode());
    assertEquals("REVOKED", approved.json.getJsonObject("outcome").getString("status"));
    assertEquals(0, approved.json.getJsonObject("outcome").getInteger("revokedCertificates"));
    assertEquals("REVOKED", call(auditor, "GET", "/habilitations/" + ref, null).json.getString("status"));
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND action = 'habilitation.revoked'"
        + " AND actor = 'operator:approver'", ref));
    // A revoked habilitation cannot be recorded for revocation again.
    assertEquals(409, call(officer, "POST", "/habilitations/" + ref + "/revoke", new JsonObject().put("reason", "again")
        .put("revokeCertificates", true)).status);
  }

  @Test
  void everyWriteIsAuditedWithItsPrincipal() throws Exception {
    Reply s = call(officer2, "POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", RaApiTest.siret())
        .put("name", "CENTRE AUDITE").put("department", "75").put("environment", "test"));
    assertEquals(201, s.status, s.json.encode());
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND action = 'structure.created'"
        + " AND actor = 'operator:officer2'", s.json.getString("nationalId")));
    assertNotEquals(0, count("SELECT COUNT(*) FROM operator_tokens WHERE last_used_at IS NOT NULL"));
    JsonArray none = call(auditor, "GET", "/pending-actions?state=bogus", null).json.getJsonArray("invalidFields");
    assertEquals("state", none.getJsonObject(0).getString("field"));
  }
}
