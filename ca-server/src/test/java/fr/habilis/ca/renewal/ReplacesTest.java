package fr.habilis.ca.renewal;

import static fr.habilis.ca.renewal.RenewalTestSupport.ariId;
import static fr.habilis.ca.renewal.RenewalTestSupport.csr;
import static fr.habilis.ca.renewal.RenewalTestSupport.dnsOrder;
import static fr.habilis.ca.renewal.RenewalTestSupport.issue;
import static fr.habilis.ca.renewal.RenewalTestSupport.orgOrder;
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
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * newOrder's {@code replaces} (RFC 9773 §5) over real HTTPS: reflected in the order, recorded as
 * the renewal chain the RA shows, and refused with the exact problem when the certificate is not
 * this administrator's, expired, already replaced, or of another product or structure.
 */
class ReplacesTest {
  private static TestServer server;
  /** 3-second certificates whose SERV_SSL predecessors are revoked when replaced. */
  private static TestServer shortLived;
  private static RaFixture ra;
  private static RaFixture.Credential admin;
  private static RaFixture.Credential secondStructure;
  private static RaFixture.Credential stranger;
  private static RawAcmeClient acme;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    shortLived = TestServer.start(Map.of("certificateValidity", "PT3S", "revokeReplaced", "SERV_SSL"));
    ra = RaFixture.of(server);
    JsonArray offers = RaFixture.servSsl("example.test").add(new JsonObject().put("offer", "ORG"));
    admin = ra.habilitate("18751275100020", "0123456789", offers);
    // The same administrator, habilitated for ORG on a second structure.
    secondStructure = ra.habilitate("44306184100047", "0123456789", new JsonArray().add(new JsonObject().put("offer", "ORG")));
    stranger = ra.habilitate("73282932000074", "0987654321", RaFixture.servSsl("elsewhere.test"));
    acme = RenewalTestSupport.account(server, admin);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    shortLived.close();
  }

  static JsonObject replacing(JsonObject order, X509Certificate predecessor) {
    return order.copy().put("replaces", ariId(predecessor));
  }

  static JsonObject problem(HttpResponse<String> r, int status, String type, String detail) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject p = new JsonObject(r.body());
    assertEquals("urn:ietf:params:acme:error:" + type, p.getString("type"), r.body());
    assertTrue(p.getString("detail").contains(detail), p.getString("detail"));
    return p;
  }

  static HttpResponse<String> newOrder(RawAcmeClient client, JsonObject payload) throws Exception {
    return client.post(client.url("newOrder"), payload.encode(), false);
  }

  @Test
  void aRenewalIsReflectedInItsOrderAndRecordedAsTheProductsChain() throws Exception {
    X509Certificate first = serverCertificate(acme, "chain.example.test");
    HttpResponse<String> created = newOrder(acme, replacing(dnsOrder("chain.example.test"), first));
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(ariId(first), new JsonObject(created.body()).getString("replaces"), "RFC 9773 §5: reflected");
    X509Certificate second = issue(acme, replacing(dnsOrder("chain.example.test"), first), csr("chain.example.test",
        "chain.example.test"));
    X509Certificate third = issue(acme, replacing(dnsOrder("chain.example.test"), second), csr("chain.example.test",
        "chain.example.test"));

    JsonObject old = ra.get("/certificates/" + serialHex(first));
    assertEquals(serialHex(second), old.getString("replacedBy"));
    assertEquals("valid", old.getString("status"), "by default a replaced certificate is left to expire");
    JsonObject middle = ra.get("/certificates/" + serialHex(second));
    assertEquals(serialHex(first), middle.getString("replaces"));
    assertEquals(serialHex(third), middle.getString("replacedBy"));
    List<String> chain = ra.get("/certificates/" + serialHex(second) + "/renewals").getJsonArray("renewals").stream()
        .map(c -> ((JsonObject) c).getString("serial")).toList();
    assertEquals(List.of(serialHex(first), serialHex(second), serialHex(third)), chain);
  }

  @Test
  void aReplacedCertificateCannotBeReplacedAgain() throws Exception {
    X509Certificate first = serverCertificate(acme, "twice.example.test");
    issue(acme, replacing(dnsOrder("twice.example.test"), first), csr("twice.example.test", "twice.example.test"));
    problem(newOrder(acme, replacing(dnsOrder("twice.example.test"), first)), 409, "alreadyReplaced", "already replaced by");
  }

  /**
   * A replacing order that was never finalized does not block a new one (the client may have lost
   * it); of two such orders only the first finalized issues, the other becomes invalid.
   */
  @Test
  void onlyOneOfTwoReplacingOrdersCanBeFinalized() throws Exception {
    X509Certificate first = serverCertificate(acme, "race.example.test");
    JsonObject lost = new JsonObject(newOrder(acme, replacing(dnsOrder("race.example.test"), first)).body());
    JsonObject retried = new JsonObject(newOrder(acme, replacing(dnsOrder("race.example.test"), first)).body());
    assertEquals("ready", retried.getString("status"), retried.encode());
    HttpResponse<String> done = acme.post(retried.getString("finalize"),
        RawAcmeClient.csrPayload(csr("race.example.test", "race.example.test")), false);
    assertEquals(200, done.statusCode(), done.body());
    HttpResponse<String> late = acme.post(lost.getString("finalize"),
        RawAcmeClient.csrPayload(csr("race.example.test", "race.example.test")), false);
    // The winner is finalizing or already issued: either way the loser is told so.
    problem(late, 409, "alreadyReplaced", "certificate " + serialHex(first) + " ");
    HttpResponse<String> loser = acme.post(lost.getString("finalize").replace("/finalize", ""), "", false);
    assertEquals("invalid", new JsonObject(loser.body()).getString("status"), loser.body());
    assertEquals("urn:ietf:params:acme:error:alreadyReplaced",
        new JsonObject(loser.body()).getJsonObject("error").getString("type"));
  }

  /** Two servers of one administrator finalize a renewal of the same certificate at the same time. */
  @Test
  void concurrentFinalizesOfTwoReplacingOrdersIssueOneSuccessor() throws Exception {
    RawAcmeClient other = RenewalTestSupport.account(server, admin);
    for (int round = 0; round < 3; round++) {
      String name = "concurrent" + round + ".example.test";
      X509Certificate first = serverCertificate(acme, name);
      JsonObject a = new JsonObject(newOrder(acme, replacing(dnsOrder(name), first)).body());
      JsonObject b = new JsonObject(newOrder(other, replacing(dnsOrder(name), first)).body());
      String csrA = RawAcmeClient.csrPayload(csr(name, name));
      String csrB = RawAcmeClient.csrPayload(csr(name, name));
      var fa = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(acme, a.getString("finalize"), csrA));
      var fb = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(other, b.getString("finalize"), csrB));
      List<Integer> statuses = new java.util.ArrayList<>(List.of(fa.get().statusCode(), fb.get().statusCode()));
      java.util.Collections.sort(statuses);
      assertEquals(List.of(200, 409), statuses, fa.get().body() + " / " + fb.get().body());
      String successor = ra.get("/certificates/" + serialHex(first)).getString("replacedBy");
      HttpResponse<String> winner = fa.get().statusCode() == 200 ? fa.get() : fb.get();
      RawAcmeClient winnerClient = winner == fa.get() ? acme : other;
      String orderUrl = (winner == fa.get() ? a : b).getString("finalize").replace("/finalize", "");
      JsonObject order = new JsonObject(winnerClient.post(orderUrl, "", false).body());
      for (int i = 0; i < 50 && !"valid".equals(order.getString("status")); i++) {
        Thread.sleep(100);
        order = new JsonObject(winnerClient.post(orderUrl, "", false).body());
        successor = ra.get("/certificates/" + serialHex(first)).getString("replacedBy");
      }
      assertTrue(order.getString("certificate").endsWith("/" + successor), order.encode() + " vs " + successor);
    }
  }

  private static HttpResponse<String> post(RawAcmeClient client, String url, String payload) {
    try {
      return client.post(url, payload, false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anotherAccountOfTheSameAdministratorMayReplace() throws Exception {
    X509Certificate first = serverCertificate(acme, "shared.example.test");
    RawAcmeClient secondServer = RenewalTestSupport.account(server, admin);
    X509Certificate next = issue(secondServer, replacing(dnsOrder("shared.example.test"), first),
        csr("shared.example.test", "shared.example.test"));
    assertEquals(serialHex(next), ra.get("/certificates/" + serialHex(first)).getString("replacedBy"));
  }

  @Test
  void anotherAdministratorsCertificateIsUnauthorized() throws Exception {
    X509Certificate theirs = serverCertificate(RenewalTestSupport.account(server, stranger), "www.elsewhere.test");
    problem(newOrder(acme, replacing(dnsOrder("www.example.test"), theirs)), 403, "unauthorized",
        "neither ordered by this account");
  }

  @Test
  void anotherProductOrAnotherStructureIsMalformed() throws Exception {
    X509Certificate tls = serverCertificate(acme, "product.example.test");
    problem(newOrder(acme, replacing(orgOrder(admin.nationalId(), "ORG_AUTH_CLI"), tls)), 400, "malformed", "same product");
    X509Certificate org = issue(acme, orgOrder(admin.nationalId(), "ORG_AUTH_CLI"), csr("DMP"));
    problem(newOrder(acme, replacing(orgOrder(secondStructure.nationalId(), "ORG_AUTH_CLI"), org)), 400, "malformed",
        "same structure");
  }

  @Test
  void aBadOrUnknownIdentifierIsMalformed() throws Exception {
    problem(newOrder(acme, dnsOrder("x.example.test").put("replaces", "not-an-id")), 400, "malformed", "replaces:");
    problem(newOrder(acme, dnsOrder("x.example.test").put("replaces", 42)), 400, "malformed", "string");
    X509Certificate cert = serverCertificate(acme, "y.example.test");
    String unknown = ariId(cert).split("\\.")[0] + ".AIdlQyE";
    problem(newOrder(acme, dnsOrder("x.example.test").put("replaces", unknown)), 400, "malformed", "no certificate");
  }

  @Test
  void aRefusedReplacesCreatesNoOrder() throws Exception {
    RawAcmeClient fresh = RenewalTestSupport.account(server, admin);
    X509Certificate theirs = serverCertificate(RenewalTestSupport.account(server, stranger), "api.elsewhere.test");
    newOrder(fresh, replacing(dnsOrder("www.example.test"), theirs));
    HttpResponse<String> orders = fresh.post(fresh.accountUrl + "/orders", "", false);
    assertEquals(0, new JsonObject(orders.body()).getJsonArray("orders").size(), orders.body());
  }

  @Test
  void anExpiredCertificateIsNotReplaced() throws Exception {
    RaFixture.Credential a = RaFixture.of(shortLived).habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    RawAcmeClient client = RenewalTestSupport.account(shortLived, a);
    X509Certificate brief = serverCertificate(client, "brief.example.test");
    Thread.sleep(Math.max(0, brief.getNotAfter().getTime() - System.currentTimeMillis()) + 200);
    problem(newOrder(client, replacing(dnsOrder("brief.example.test"), brief)), 400, "malformed", "expired at");
    // Ordering without replaces is the way on.
    assertEquals(201, newOrder(client, dnsOrder("brief.example.test")).statusCode());
  }

  @Test
  void aProfileListedInRevokeReplacedHasItsPredecessorRevokedAsSuperseded() throws Exception {
    RaFixture shortRa = RaFixture.of(shortLived);
    RaFixture.Credential a = shortRa.newCredential("0123456789", null);
    RawAcmeClient client = new RawAcmeClient(shortLived.httpClient(), shortLived.endpoints().directoryUrl());
    RawAcmeClient.expect(client.register(a), 201, "newAccount");
    X509Certificate first = serverCertificate(client, "superseded.example.test");
    X509Certificate next = issue(client, replacing(dnsOrder("superseded.example.test"), first),
        csr("superseded.example.test", "superseded.example.test"));
    JsonObject old = shortRa.get("/certificates/" + serialHex(first));
    assertEquals("revoked", old.getString("status"), old.encode());
    assertEquals("superseded", old.getString("revocationReason"));
    assertEquals(serialHex(next), old.getString("replacedBy"));
    assertFalse(shortRa.get("/certificates/" + serialHex(next)).containsKey("revokedAt"));
  }
}
