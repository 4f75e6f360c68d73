package fr.habilis.ca.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.issuance.OpenSsl;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 5: with a 9-second responder lifetime, the server renews each OCSP responder
 * certificate (new key) before it expires and serves the new one without a restart; answers are
 * always signed by a valid responder and never outlive it; /status shows the responders' expiry.
 */
class ResponderRenewalTest {
  private static TestServer server;
  private static RevocationFixture fx;
  private static RevocationFixture.Issued cert;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("ocspSignerValidity", "PT9S"));
    fx = new RevocationFixture(server);
    RaFixture.Credential admin = fx.ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    cert = fx.issue(fx.account(admin), "www.example.test");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static JsonObject orgResponder() throws Exception {
    JsonObject status = new JsonObject(new String(fx.httpGet(server.endpoints().httpBase() + "/status").body()));
    return status.getJsonArray("ocspResponders").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("ca").equals("org")).findFirst().orElseThrow();
  }

  /** A nonce-less OCSP answer for the test certificate: its responder certificate, checked. */
  static X509Certificate answerAndCheck() throws Exception {
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(cert.issuer()), cert.certificate().getSerialNumber());
    byte[] der = fx.ocspPost(new OCSPReqBuilder().addRequest(id).build().getEncoded()).body();
    BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(der).getResponseObject();
    X509CertificateHolder responder = basic.getCerts()[0];
    X509Certificate responderCert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(responder.getEncoded()));
    assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder)), "signed by the responder it carries");
    responderCert.verify(cert.issuer().getPublicKey());
    Instant now = Instant.now();
    assertTrue(responderCert.getNotAfter().toInstant().isAfter(now.minusSeconds(1)), "responder valid when it signed");
    Instant nextUpdate = basic.getResponses()[0].getNextUpdate().toInstant();
    assertFalse(nextUpdate.isAfter(responderCert.getNotAfter().toInstant()), "an answer never outlives its responder");
    return responderCert;
  }

  @Test
  void theResponderIsRenewedWithANewKeyAndServedWithoutRestart() throws Exception {
    // The generated responder (9 s, backdated) is renewed at start-up; wait until /status shows a valid one.
    long deadline = System.currentTimeMillis() + 20_000;
    while (Instant.parse(orgResponder().getString("notAfter")).isBefore(Instant.now().plusSeconds(4))) {
      assertTrue(System.currentTimeMillis() < deadline, "no valid responder after 20 s: " + orgResponder());
      Thread.sleep(200);
    }
    JsonObject first = orgResponder();
    X509Certificate served = answerAndCheck();
    assertEquals(new BigInteger(first.getString("serial"), 16), served.getSerialNumber());
    assertTrue(Instant.parse(first.getString("renewAt")).isBefore(Instant.parse(first.getString("notAfter"))));

    // Renewed before it expires: a new certificate with a new key, served at once.
    deadline = System.currentTimeMillis() + 20_000;
    JsonObject next = first;
    while (next.getString("serial").equals(first.getString("serial"))) {
      assertTrue(System.currentTimeMillis() < deadline, "not renewed within 20 s");
      Thread.sleep(200);
      next = orgResponder();
    }
    assertTrue(Instant.parse(next.getString("notAfter")).isAfter(Instant.parse(first.getString("notAfter"))));
    X509Certificate renewed = answerAndCheck();
    assertNotEquals(served.getSerialNumber(), renewed.getSerialNumber());
    assertNotEquals(served.getPublicKey(), renewed.getPublicKey(), "a new key");

    // OpenSSL accepts the renewed responder's answer.
    Path leaf = OpenSsl.writePem(dir, "leaf.pem", cert.certificate());
    Path issuer = OpenSsl.writePem(dir, "issuer.pem", cert.issuer());
    OpenSsl.Result r = OpenSsl.run("ocsp", "-issuer", issuer.toString(), "-cert", leaf.toString(),
        "-url", server.endpoints().ocspUrl(), "-CAfile", server.trustPem().toString(), "-no_nonce");
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("Response verify OK") && r.output().contains(": good"), r.output());

    long audited = server.context().db().txBlocking(c -> {
      try (var rs = c.createStatement().executeQuery(
          "SELECT COUNT(*) FROM audit_log WHERE action = 'ocsp.responder.renewed' AND subject = 'org'")) {
        rs.next();
        return rs.getLong(1);
      }
    });
    assertTrue(audited >= 2, "each renewal audited: " + audited);

    // Readiness checks the responder served now, not the (long expired) one loaded at start-up.
    var ready = fx.httpGet(server.endpoints().httpBase() + "/health/ready");
    assertEquals(200, ready.statusCode(), new String(ready.body()));
  }
}
