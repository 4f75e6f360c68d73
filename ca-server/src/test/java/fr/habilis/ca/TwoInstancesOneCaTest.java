package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one CA on one database, as behind a load balancer (docs/deployment.md): the
 * second is given the first one's keystore (file, password) and RA token, both the same public
 * URLs. An ACME client whose requests alternate between them gets a certificate; a revocation
 * through one is on the other's OCSP and CRL within the documented delay; both serve the same
 * CRLs; each scheduled job runs on one instance, and on the other once the first has stopped.
 */
class TwoInstancesOneCaTest {
  static final String LB = "https://lb.habilis.test";
  static final String LB_HTTP = "http://lb.habilis.test";
  /** The documented delays with this test's settings: clusterPollEvery 0.2 s, crlCoalesceDelay 0.1 s; plus slack for a busy machine. */
  static final long VISIBLE_WITHIN_MS = 5_000;

  static Map<String, String> settings(SharedDatabase db) {
    Map<String, String> s = new HashMap<>();
    s.put("dbUrl", db.url());
    s.put("publicUrl", LB);
    s.put("publicHttpUrl", LB_HTTP);
    s.put("clusterPollEvery", "PT0.2S");
    s.put("crlCoalesceDelay", "PT0.1S");
    s.put("crlRegenerateEvery", "PT1S");
    s.put("auditCheckpointEvery", "PT1S");
    s.put("processingRecoveryAfter", "PT2S");
    s.put("jobLeaseGrace", "PT5S");
    return s;
  }

  /** What an instance joining {@code first}'s CA is given: its keystore file and password, its RA token. */
  static Map<String, String> joining(SharedDatabase db, TestServer first, Path dataDir) throws Exception {
    Map<String, String> s = settings(db);
    s.put("dataDir", dataDir.toString());
    s.put("caKeystore", first.dataDir().resolve("ca-keystore.p12").toString());
    s.put("keystorePassword", Files.readString(first.dataDir().resolve(HabilisServer.KEYSTORE_PASSWORD_FILE)).trim());
    s.put("raToken", first.raToken());
    return s;
  }

  @Test
  void twoInstancesServeOneCaAndShareTheScheduledJobs() throws Exception {
    Path bDir = Files.createTempDirectory("habilis-b");
    try (SharedDatabase db = SharedDatabase.start(); TestServer a = TestServer.start(settings(db))) {
      try (TestServer b = TestServer.start(joining(db, a, bDir))) {
        assertArrayEquals(Files.readAllBytes(a.trustPem()), Files.readAllBytes(b.trustPem()), "one CA");

        // Issuance through the load balancer: every request to the other instance than the previous one.
        RoundRobinClient lb = new RoundRobinClient(a.httpClient(), LB, LB_HTTP, List.of(a, b));
        RaFixture ra = new RaFixture(lb, LB + "/ra/v1", a.raToken(), a::approverToken);
        RaFixture.Credential cred = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("two.test"));
        RawAcmeClient acme = new RawAcmeClient(lb, LB + "/acme/directory");
        RawAcmeClient.expect(acme.register(cred), 201, "newAccount");
        KeyPair key = TestCerts.ecKey();
        String pem = acme.issue(new JsonObject().put("identifiers", new JsonArray()
            .add(new JsonObject().put("type", "dns").put("value", "www.two.test"))), TestCerts.dnsCsr(key, "www.two.test"));
        List<X509Certificate> chain = TestCerts.chain(pem);
        assertEquals(0, lb.failures(), "no request refused (a nonce from one instance is good at the other)");
        assertTrue(lb.served(0) >= 4 && lb.served(1) >= 4, lb.served(0) + " / " + lb.served(1));

        // The other instance's OCSP has the certificate cached as good; the revocation goes through the first.
        X509Certificate cert = chain.get(0);
        byte[] ocspRequest = ocspRequest(cert, chain.get(1));
        assertFalse(revoked(ocsp(b, ocspRequest)), "good before");
        String serial = cert.getSerialNumber().toString(16);
        HttpResponse<String> revoke = a.httpClient().send(HttpRequest.newBuilder(URI.create(httpsBase(a) + "/ra/v1/certificates/"
            + serial + "/revoke")).header("Authorization", "Bearer " + a.raToken()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("reason", "superseded").encode())).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, revoke.statusCode(), revoke.body());
        long revokedAt = System.currentTimeMillis();
        while (!revoked(ocsp(b, ocspRequest))) {
          assertTrue(System.currentTimeMillis() - revokedAt < VISIBLE_WITHIN_MS, "the other instance's OCSP still says good");
          Thread.sleep(50);
        }
        long ocspDelay = System.currentTimeMillis() - revokedAt;
        while (crl(b, "org").getRevokedCertificate(cert.getSerialNumber()) == null) {
          assertTrue(System.currentTimeMillis() - revokedAt < VISIBLE_WITHIN_MS, "the other instance's CRL does not list it");
          Thread.sleep(50);
        }
        long crlDelay = System.currentTimeMillis() - revokedAt;
        System.out.println("revocation through one instance seen by the other's OCSP after " + ocspDelay + " ms, CRL after "
            + crlDelay + " ms");

        // One CRL number sequence: numbers never go back on either instance, and both converge on one CRL.
        BigInteger lastA = BigInteger.ZERO;
        BigInteger lastB = BigInteger.ZERO;
        for (int i = 0; i < 20; i++) {
          BigInteger na = number(crl(a, "org"));
          BigInteger nb = number(crl(b, "org"));
          assertTrue(na.compareTo(lastA) >= 0 && nb.compareTo(lastB) >= 0, lastA + "->" + na + ", " + lastB + "->" + nb);
          lastA = na;
          lastB = nb;
          Thread.sleep(100);
        }
        assertSameCrlSoon(a, b, "pro");

        // Each scheduled job was run by one instance only (the first: it held every lease first).
        Map<String, Long> runs = runs(db);
        for (String job : runs.keySet()) {
          long onA = a.context().scheduler().runsHere(job);
          long onB = b.context().scheduler().runsHere(job);
          assertTrue(onA > 0 && onB == 0, job + ": " + onA + " runs on the first, " + onB + " on the second");
        }
        assertTrue(a.context().scheduler().runsHere("crl-regeneration") >= 3, "regenerated every second");

        // The holder stops (its leases released): the other takes the jobs over.
        a.stop();
        long stopped = System.currentTimeMillis();
        while (b.context().scheduler().runsHere("crl-regeneration") == 0 || b.context().scheduler().runsHere("audit-checkpoint") == 0) {
          assertTrue(System.currentTimeMillis() - stopped < 10_000, "the second instance did not take the jobs over");
          Thread.sleep(50);
        }
        BigInteger before = number(crl(b, "org"));
        long since = System.currentTimeMillis();
        while (number(crl(b, "org")).compareTo(before) <= 0) {
          // crlRegenerateEvery is 1 s: checked every second, a CRL is regenerated within 2 s
          assertTrue(System.currentTimeMillis() - since < 5_000, "the second instance does not regenerate the CRL");
          Thread.sleep(50);
        }
      }
    } finally {
      TestServer.deleteRecursively(bDir);
    }
  }

  // --- helpers shared with the other tests of several instances

  static String httpsBase(TestServer s) {
    return "https://127.0.0.1:" + s.server().endpointsJson().getInteger("httpsPort");
  }

  static String httpBase(TestServer s) {
    return "http://127.0.0.1:" + s.server().endpointsJson().getInteger("httpPort");
  }

  static Map<String, Long> runs(SharedDatabase db) throws Exception {
    Map<String, Long> runs = new HashMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT job, runs FROM job_leases")) {
      while (rs.next()) runs.put(rs.getString(1), rs.getLong(2));
    }
    return runs;
  }

  private static void assertSameCrlSoon(TestServer a, TestServer b, String ca) throws Exception {
    long deadline = System.currentTimeMillis() + VISIBLE_WITHIN_MS;
    while (true) {
      byte[] fromA = crlBytes(a, ca);
      byte[] fromB = crlBytes(b, ca);
      if (java.util.Arrays.equals(fromA, fromB)) return;
      assertTrue(System.currentTimeMillis() < deadline, "the two instances serve different " + ca + " CRLs");
      Thread.sleep(20);
    }
  }

  private static byte[] crlBytes(TestServer s, String ca) throws Exception {
    HttpResponse<byte[]> r = s.httpClient().send(HttpRequest.newBuilder(URI.create(httpBase(s) + "/crl/" + ca + ".crl")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private static X509CRL crl(TestServer s, String ca) throws Exception {
    return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crlBytes(s, ca)));
  }

  private static BigInteger number(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    assertNotNull(ext);
    return CRLNumber.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getCRLNumber();
  }

  private static byte[] ocspRequest(X509Certificate cert, X509Certificate issuer) throws Exception {
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
    return new OCSPReqBuilder().addRequest(id).build().getEncoded();
  }

  private static BasicOCSPResp ocsp(TestServer s, byte[] request) throws Exception {
    HttpResponse<byte[]> r = s.httpClient().send(HttpRequest.newBuilder(URI.create(httpBase(s) + "/ocsp"))
        .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    OCSPResp resp = new OCSPResp(r.body());
    assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
    return (BasicOCSPResp) resp.getResponseObject();
  }

  private static boolean revoked(BasicOCSPResp r) {
    return r.getResponses()[0].getCertStatus() instanceof RevokedStatus;
  }



}
