package fr.habilis.ca.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may revoke, and how: ACME revokeCert by the ordering account, by another administrator
 * habilitated on the structure and offer, or with the certificate's key; the RA API; a revoked
 * habilitation taking its certificates with it; keyCompromise blocking the key for ever.
 */
class RevokingTest {
  private static TestServer server;
  private static RevocationFixture fx;
  private static RaFixture.Credential admin1;
  private static RaFixture.Credential admin2;
  private static RaFixture.Credential stranger;
  private static RawAcmeClient c1;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("crlCoalesceDelay", "PT0.1S"));
    fx = new RevocationFixture(server);
    admin1 = fx.ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    HttpResponse<String> added = fx.raPost("/habilitations/" + reference(admin1.nationalId()) + "/admins",
        new JsonObject().put("cardNumber", "0123456780").put("cardType", "CPS").put("lastName", "DURAND")
            .put("firstName", "ANNE").put("email", "anne.durand@example.test"));
    assertEquals(201, added.statusCode(), added.body());
    JsonObject cred = new JsonObject(added.body()).getJsonArray("credentials").getJsonObject(0);
    admin2 = new RaFixture.Credential("0123456780", cred.getString("eabKid"), cred.getString("eabHmacKey"),
        admin1.nationalId());
    stranger = fx.ra.habilitate("18751275100038", "0223456789", RaFixture.servSsl("other.test"));
    c1 = fx.account(admin1);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void acmeRevokeCertByOrderingAccountOrAnotherHabilitatedAdministratorOnly() throws Exception {
    assertTrue(c1.directory.containsKey("revokeCert"));
    RevocationFixture.Issued cert = fx.issue(c1, "a.example.test");

    JsonObject refused = problem(fx.account(stranger).post(c1.url("revokeCert"), revokePayload(cert, 0), false),
        403, "unauthorized");
    assertTrue(refused.getString("detail").contains("habilitated"), refused.encode());
    assertEquals("valid", certificate(cert).getString("status"), "a refused revocation changes nothing");

    RawAcmeClient c2 = fx.account(admin2);
    assertEquals(200, c2.post(c1.url("revokeCert"), revokePayload(cert, 3), false).statusCode());
    JsonObject after = certificate(cert);
    assertEquals("revoked", after.getString("status"));
    assertEquals("affiliationChanged", after.getString("revocationReason"));

    problem(c1.post(c1.url("revokeCert"), revokePayload(cert, 0), false), 400, "alreadyRevoked");
  }

  @Test
  void acmeRevokeCertWithTheCertificateKey() throws Exception {
    RevocationFixture.Issued cert = fx.issue(c1, "key.example.test");
    RawAcmeClient otherKey = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    problem(otherKey.post(c1.url("revokeCert"), revokePayload(cert, 4), true), 403, "unauthorized");

    ECKey certKey = new ECKey.Builder(Curve.P_256, (ECPublicKey) cert.key().getPublic())
        .privateKey(cert.key().getPrivate()).build();
    RawAcmeClient holder = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl(), certKey);
    assertEquals(200, holder.post(c1.url("revokeCert"), revokePayload(cert, 4), true).statusCode());
    assertEquals("superseded", certificate(cert).getString("revocationReason"));
  }

  @Test
  void badRevocationRequestsGetPreciseProblems() throws Exception {
    RevocationFixture.Issued cert = fx.issue(c1, "bad.example.test");
    String url = c1.url("revokeCert");
    JsonObject p = problem(c1.post(url, revokePayload(cert, 2), false), 400, "badRevocationReason");
    assertTrue(p.getString("detail").contains("cessationOfOperation"), p.encode());
    problem(c1.post(url, revokePayload(cert, 6), false), 400, "badRevocationReason");
    problem(c1.post(url, new JsonObject(revokePayload(cert, 0)).put("reason", "keyCompromise").encode(), false),
        400, "badRevocationReason");
    problem(c1.post(url, new JsonObject().put("certificate", "!!!").encode(), false), 400, "malformed");
    problem(c1.post(url, new JsonObject().put("certificate", Base64.getUrlEncoder().withoutPadding()
        .encodeToString(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})).encode(), false), 400, "malformed");
    problem(c1.post(url, "", false), 400, "malformed");
    // A certificate this CA did not issue (the issuing CA's own certificate).
    String foreign = Base64.getUrlEncoder().withoutPadding().encodeToString(cert.issuer().getEncoded());
    assertEquals(404, c1.post(url, new JsonObject().put("certificate", foreign).encode(), false).statusCode());
    assertEquals("valid", certificate(cert).getString("status"));
  }

  @Test
  void keyCompromiseBlocksTheKeyForEveryLaterCsr() throws Exception {
    KeyPair key = RevocationFixture.ecKey();
    RevocationFixture.Issued cert = fx.issue(c1, "compromised.example.test", key);
    assertEquals(200, c1.post(c1.url("revokeCert"), revokePayload(cert, 1), false).statusCode());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> fx.issue(c1, "compromised2.example.test", key));
    assertTrue(e.getMessage().contains("badCSR") && e.getMessage().contains("blocked"), e.getMessage());
  }

  @Test
  void raRevokesListsAndAnswersPreciseErrors() throws Exception {
    RevocationFixture.Issued one = fx.issue(c1, "ra1.example.test");
    RevocationFixture.Issued two = fx.issue(fx.account(fx.ra.newCredential(admin2.cardNumber(), admin2.nationalId())),
        "ra2.example.test");
    String path = "/certificates/" + one.serialHex() + "/revoke";

    assertEquals(400, fx.raPost(path, new JsonObject().put("reason", "cACompromise")).statusCode());
    assertEquals(400, fx.raPost("/certificates/xyz/revoke", new JsonObject()).statusCode());
    assertEquals(404, fx.raPost("/certificates/7fffffffffffffffffffffff00000001/revoke", new JsonObject()).statusCode());
    assertEquals("valid", certificate(one).getString("status"));
    HttpResponse<String> noToken = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl()
        + path)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, noToken.statusCode());

    HttpResponse<String> revoked = fx.raPost(path, new JsonObject().put("reason", "cessationOfOperation"));
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertEquals("cessationOfOperation", new JsonObject(revoked.body()).getString("revocationReason"));
    HttpResponse<String> again = fx.raPost(path, new JsonObject());
    assertEquals(409, again.statusCode(), again.body());

    JsonArray byStructureRevoked = list("?structure=" + admin1.nationalId() + "&status=revoked");
    assertTrue(contains(byStructureRevoked, one) && !contains(byStructureRevoked, two));
    JsonArray byAdmin2 = list("?admin=" + admin2.cardNumber());
    assertTrue(contains(byAdmin2, two) && !contains(byAdmin2, one));
    JsonArray valid = list("?structure=" + admin1.nationalId() + "&status=valid&expiresBefore="
        + Instant.now().plusSeconds(4L * 365 * 86400));
    assertTrue(contains(valid, two) && !contains(valid, one));
    assertEquals(0, list("?structure=" + admin1.nationalId() + "&expiresBefore=" + Instant.now()).size());
    assertEquals(400, fx.raGet("/certificates?status=sleeping").statusCode());
    assertEquals(400, fx.raGet("/certificates?expiresBefore=tomorrow").statusCode());
    assertEquals(400, fx.raGet("/certificates?admin=12").statusCode());
  }

  @Test
  void revokingAHabilitationCanRevokeItsLiveCertificates() throws Exception {
    RaFixture.Credential ending = fx.ra.habilitate("18751275100046", "0323456789", RaFixture.servSsl("ending.test"));
    RawAcmeClient c = fx.account(ending);
    RevocationFixture.Issued a = fx.issue(c, "a.ending.test");
    RevocationFixture.Issued b = fx.issue(c, "b.ending.test");
    RevocationFixture.Issued unrelated = fx.issue(c1, "unrelated.example.test");

    // Four-eyes: recorded (202, nothing revoked yet), then approved by another principal.
    HttpResponse<String> r = fx.raPost("/habilitations/" + reference(ending.nationalId()) + "/revoke",
        new JsonObject().put("reason", "end of contract").put("revokeCertificates", true));
    assertEquals(202, r.statusCode(), r.body());
    assertEquals("valid", certificate(a).getString("status"));
    JsonObject approved = fx.ra.approve("/pending-actions/" + new JsonObject(r.body()).getLong("id") + "/approve",
        new JsonObject(), 200);
    assertEquals("approved", approved.getString("state"));
    assertEquals(2, approved.getJsonObject("outcome").getInteger("revokedCertificates"));
    assertEquals("REVOKED", approved.getJsonObject("outcome").getString("status"));
    for (RevocationFixture.Issued cert : new RevocationFixture.Issued[] {a, b}) {
      assertEquals("revoked", certificate(cert).getString("status"));
      assertEquals("cessationOfOperation", certificate(cert).getString("revocationReason"));
    }
    assertEquals("valid", certificate(unrelated).getString("status"));
  }

  // ---

  private static String reference(String nationalId) throws Exception {
    return server.context().db().txBlocking(conn -> {
      try (var ps = conn.prepareStatement("SELECT reference FROM habilitations WHERE structure_id = ?")) {
        ps.setString(1, nationalId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    });
  }

  private static String revokePayload(RevocationFixture.Issued cert, int reason) throws Exception {
    return new JsonObject().put("certificate", Base64.getUrlEncoder().withoutPadding()
        .encodeToString(cert.certificate().getEncoded())).put("reason", reason).encode();
  }

  private static JsonObject certificate(RevocationFixture.Issued cert) throws Exception {
    HttpResponse<String> r = fx.raGet("/certificates/" + cert.serialHex());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonArray list(String query) throws Exception {
    HttpResponse<String> r = fx.raGet("/certificates" + query);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("certificates");
  }

  private static boolean contains(JsonArray list, RevocationFixture.Issued cert) {
    return list.stream().anyMatch(o -> ((JsonObject) o).getString("serial").equals(cert.serialHex()));
  }

  private static JsonObject problem(HttpResponse<String> r, int status, String type) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject p = new JsonObject(r.body());
    assertEquals("urn:ietf:params:acme:error:" + type, p.getString("type"), r.body());
    return p;
  }
}
