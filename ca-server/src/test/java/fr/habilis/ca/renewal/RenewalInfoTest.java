package fr.habilis.ca.renewal;

import static fr.habilis.ca.renewal.RenewalTestSupport.ariId;
import static fr.habilis.ca.renewal.RenewalTestSupport.get;
import static fr.habilis.ca.renewal.RenewalTestSupport.issue;
import static fr.habilis.ca.renewal.RenewalTestSupport.orgOrder;
import static fr.habilis.ca.renewal.RenewalTestSupport.renewalInfo;
import static fr.habilis.ca.renewal.RenewalTestSupport.serialHex;
import static fr.habilis.ca.renewal.RenewalTestSupport.serverCertificate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * renewalInfo (RFC 9773 §4) over real HTTPS: the directory entry, each certificate's window with
 * Retry-After and a matching Cache-Control, the problem for every bad identifier, and RA incidents
 * moving windows to now with their explanation.
 */
class RenewalInfoTest {
  private static TestServer server;
  private static RaFixture ra;
  private static RaFixture.Credential admin;
  private static RawAcmeClient acme;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789",
        RaFixture.servSsl("example.test").add(new JsonObject().put("offer", "ORG")));
    acme = RenewalTestSupport.account(server, admin);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static JsonObject window(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  static JsonObject problem(HttpResponse<String> r, int status, String type) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject p = new JsonObject(r.body());
    assertEquals("urn:ietf:params:acme:error:" + type, p.getString("type"), r.body());
    return p;
  }

  @Test
  void theDirectoryOffersRenewalInfo() {
    assertEquals(server.endpoints().acmeBase() + "/renewal-info", acme.directory.getString("renewalInfo"));
  }

  @Test
  void anIssuedCertificateGetsItsTenDaysInTheScheduledWindowWithRetryAfterAndCacheControl() throws Exception {
    X509Certificate cert = serverCertificate(acme, "www.example.test");
    HttpResponse<String> r = renewalInfo(server, ariId(cert));
    JsonObject w = window(r).getJsonObject("suggestedWindow");
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant start = Instant.parse(w.getString("start"));
    Instant end = Instant.parse(w.getString("end"));
    assertFalse(start.isBefore(notAfter.minus(Duration.ofDays(60))), start + " vs notAfter " + notAfter);
    assertFalse(end.isAfter(notAfter.minus(Duration.ofDays(30))), end + " vs notAfter " + notAfter);
    assertTrue(Math.abs(Duration.between(start, end).toSeconds() - Duration.ofDays(10).toSeconds()) <= 1);
    assertFalse(new JsonObject(r.body()).containsKey("explanationURL"), "no incident, no explanation");
    assertEquals("21600", r.headers().firstValue("Retry-After").orElse(""));
    assertEquals("public, max-age=21600", r.headers().firstValue("Cache-Control").orElse(""));
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(r.headers().firstValue("Replay-Nonce").isEmpty(), "a cacheable answer carries no nonce");
    assertEquals(r.body(), renewalInfo(server, ariId(cert)).body(), "the same answer at every poll");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nodot", "a.b.c", ".AIdlQyE", "aYhba4dGQEHhs3uEe6CuLN4ByNQ.", "aYhba4dGQEHhs3uEe6CuLN4ByNQ=.AIdlQyE",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.h2VDIQ", "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AAE", "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE%2F",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE/more"})
  void aMalformedIdentifierIsMalformed400(String id) throws Exception {
    JsonObject p = problem(renewalInfo(server, id), 400, "malformed");
    assertTrue(p.getString("detail").contains("part") || p.getString("detail").contains("identifier"), p.encode());
  }

  @Test
  void aMissingIdentifierSaysHowToWriteOne() throws Exception {
    assertTrue(problem(get(server, server.endpoints().acmeBase() + "/renewal-info"), 400, "malformed")
        .getString("detail").contains("RFC 9773 §4.1"));
    problem(renewalInfo(server, ""), 400, "malformed");
  }

  @Test
  void anUnknownSerialOrAnotherCasKeyIdentifierIs404() throws Exception {
    X509Certificate cert = serverCertificate(acme, "api.example.test");
    String[] parts = ariId(cert).split("\\.");
    problem(renewalInfo(server, parts[0] + ".AIdlQyE"), 404, "malformed");
    problem(renewalInfo(server, "aYhba4dGQEHhs3uEe6CuLN4ByNQ." + parts[1]), 404, "malformed");
  }

  @Test
  void renewalInfoIsReadWithGetOnly() throws Exception {
    X509Certificate cert = serverCertificate(acme, "post.example.test");
    HttpResponse<String> r = server.httpClient().send(HttpRequest.newBuilder(
            URI.create(server.endpoints().acmeBase() + "/renewal-info/" + ariId(cert)))
        .header("Content-Type", "application/jose+json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    problem(r, 405, "malformed");
  }

  @Test
  void aStructureIncidentTellsItsCertificatesToRenewNowAndExplainsWhy() throws Exception {
    RaFixture.Credential other = ra.habilitate("44306184100047", "0123456788",
        RaFixture.servSsl("incident.test"));
    RawAcmeClient client = RenewalTestSupport.account(server, other);
    X509Certificate before = serverCertificate(client, "www.incident.test");
    X509Certificate elsewhere = serverCertificate(acme, "calm.example.test");

    JsonObject incident = ra.incident("structure", other.nationalId(), "Clé de l'AC révoquée par précaution : renouveler");
    assertEquals(1, incident.getInteger("certificates"), incident.encode());
    String explanation = server.endpoints().acmeBase() + "/incidents/" + incident.getLong("id");
    assertEquals(explanation, incident.getString("explanationURL"));
    assertEquals("operator:approver", incident.getString("declaredBy")); // four-eyes: the approver declares it
    Instant declared = Instant.parse(incident.getString("declaredAt"));

    JsonObject answer = window(renewalInfo(server, ariId(before)));
    Instant end = Instant.parse(answer.getJsonObject("suggestedWindow").getString("end"));
    assertTrue(end.isBefore(Instant.now()) && end.isBefore(declared), "wholly in the past: renew now " + answer);
    assertEquals(explanation, answer.getString("explanationURL"));
    HttpResponse<String> page = get(server, explanation);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertTrue(page.body().contains("Clé de l'AC révoquée par précaution : renouveler"), page.body());
    assertTrue(page.body().contains("structure " + other.nationalId()), page.body());

    // Another structure's certificate, and one issued after the incident, keep their schedule.
    assertFalse(window(renewalInfo(server, ariId(elsewhere))).containsKey("explanationURL"));
    X509Certificate after = serverCertificate(client, "api.incident.test");
    Instant start = Instant.parse(window(renewalInfo(server, ariId(after))).getJsonObject("suggestedWindow").getString("start"));
    assertTrue(start.isAfter(Instant.now().plus(Duration.ofDays(900))), start.toString());

    assertEquals(1, auditRows("renewal.incident.declared", "incident:" + incident.getLong("id"), "operator:approver"));
  }

  @Test
  void certificateProfileAndCaIncidentsCoverOnlyTheirScope() throws Exception {
    X509Certificate server1 = serverCertificate(acme, "one.example.test");
    X509Certificate server2 = serverCertificate(acme, "two.example.test");
    X509Certificate org = issue(acme, orgOrder(admin.nationalId(), "ORG_AUTH_CLI"), RenewalTestSupport.csr("INSI-AUTO"));

    ra.incident("certificate", serialHex(server1), "this one key was exposed");
    assertTrue(renewsNow(server1));
    assertFalse(renewsNow(server2));

    assertEquals(0, ra.incident("ca", "pro", "the PRO CA only").getInteger("certificates"));
    assertFalse(renewsNow(server2));
    assertFalse(renewsNow(org));

    ra.incident("profile", "ORG_AUTH_CLI", "ORG_AUTH_CLI profile corrected");
    assertTrue(renewsNow(org));
    assertFalse(renewsNow(server2));

    ra.incident("ca", "org", "the ORG CA is being replaced");
    assertTrue(renewsNow(server2));
  }

  private static boolean renewsNow(X509Certificate cert) throws Exception {
    JsonObject w = window(renewalInfo(server, ariId(cert)));
    return Instant.parse(w.getJsonObject("suggestedWindow").getString("end")).isBefore(Instant.now())
        && w.containsKey("explanationURL");
  }

  @Test
  void incidentRequestsListEveryInvalidFieldAndUnknownTargetsAre404() throws Exception {
    HttpResponse<String> r = ra(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + "/incidents"))
        .header("Authorization", "Bearer " + server.raToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("scope", "everything").put("value", "x")
            .put("explanationUrl", "ftp://x").encode())));
    assertEquals(400, r.statusCode(), r.body());
    JsonArray fields = new JsonObject(r.body()).getJsonArray("invalidFields");
    assertEquals("[\"scope\",\"reason\",\"explanationUrl\"]",
        new JsonArray(fields.stream().map(f -> ((JsonObject) f).getString("field")).toList()).encode(), r.body());

    for (JsonObject bad : new JsonObject[] {
        new JsonObject().put("scope", "profile").put("value", "SERV_TLS").put("reason", "x"),
        new JsonObject().put("scope", "ca").put("value", "root").put("reason", "x"),
        new JsonObject().put("scope", "certificate").put("value", "xyz").put("reason", "x")}) {
      HttpResponse<String> refused = postIncident(bad);
      assertEquals(400, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("\"field\":\"value\""), refused.body());
    }
    assertEquals(404, postIncident(new JsonObject().put("scope", "structure").put("value", "318751275100038")
        .put("reason", "x")).statusCode());
    assertEquals(404, postIncident(new JsonObject().put("scope", "certificate").put("value", "00ff")
        .put("reason", "x")).statusCode());
    assertEquals(401, ra(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + "/incidents"))
        .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
    assertEquals(404, ra(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + "/incidents/99999"))
        .header("Authorization", "Bearer " + server.raToken()).GET()).statusCode());
    assertEquals(404, get(server, server.endpoints().acmeBase() + "/incidents/99999").statusCode());
  }

  @Test
  void theRaListsIncidentsNewestFirstAndCountsWhatEachStillCovers() throws Exception {
    X509Certificate cert = serverCertificate(acme, "listed.example.test");
    JsonObject declared = ra.incident("certificate", serialHex(cert), "listed");
    JsonObject one = ra.get("/incidents/" + declared.getLong("id"));
    assertEquals(1, one.getInteger("certificates"));
    assertEquals("listed", one.getString("reason"));
    JsonArray list = ra.get("/incidents?limit=2").getJsonArray("incidents");
    assertEquals(declared.getLong("id"), list.getJsonObject(0).getLong("id"));
  }

  private static HttpResponse<String> postIncident(JsonObject body) throws Exception {
    return ra(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + "/incidents"))
        .header("Authorization", "Bearer " + server.raToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  private static HttpResponse<String> ra(HttpRequest.Builder b) throws Exception {
    return server.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int auditRows(String action, String subject, String actor) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_log WHERE action = ? AND subject = ? AND actor = ?")) {
        ps.setString(1, action);
        ps.setString(2, subject);
        ps.setString(3, actor);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }
}
