package fr.habilis.ca.revocation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.issuance.OpenSsl;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What relying parties see: openssl ocsp, openssl verify -crl_check_all and Java's PKIX validator
 * (OCSP) accept a good certificate and reject a revoked one; bad requests get OCSP or HTTP errors,
 * never a 500; the CRL number keeps increasing across a restart.
 */
class RelyingPartyTest {
  private static TestServer server;
  private static RevocationFixture fx;
  private static RawAcmeClient client;
  private static X509Certificate root;
  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("crlCoalesceDelay", "PT0.1S"));
    fx = new RevocationFixture(server);
    RaFixture.Credential admin = fx.ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    client = fx.account(admin);
    root = RevocationFixture.chain(Files.readString(server.trustPem())).get(0);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void opensslOcspSaysGoodThenRevokedWithTheReason() throws Exception {
    RevocationFixture.Issued cert = fx.issue(client, "ocsp.example.test");
    String good = opensslOcsp(cert);
    assertTrue(good.contains("Response verify OK"), good);
    assertTrue(good.contains("leaf.pem: good"), good);

    revokeByRa(cert, "keyCompromise");
    String revoked = opensslOcsp(cert);
    assertTrue(revoked.contains("Response verify OK"), revoked);
    assertTrue(revoked.contains("leaf.pem: revoked"), revoked);
    assertTrue(revoked.contains("Reason: keyCompromise"), revoked);
  }

  @Test
  void opensslVerifyWithTheCrlsAcceptsGoodAndRejectsRevoked() throws Exception {
    RevocationFixture.Issued kept = fx.issue(client, "kept.example.test");
    RevocationFixture.Issued dropped = fx.issue(client, "dropped.example.test");
    assertEquals(0, opensslVerify(kept).exitCode(), opensslVerify(kept).output());
    assertEquals(0, opensslVerify(dropped).exitCode(), opensslVerify(dropped).output());

    revokeByRa(dropped, "superseded");
    X509CRL crl = awaitCrlListing(dropped);
    assertEquals(4, reasonCode(crl, dropped));
    OpenSsl.Result rejected = opensslVerify(dropped);
    assertTrue(rejected.exitCode() != 0 && rejected.output().contains("certificate revoked"), rejected.output());
    assertEquals(0, opensslVerify(kept).exitCode());
  }

  @Test
  void javaPkixWithOcspAcceptsGoodAndRejectsRevoked() throws Exception {
    RevocationFixture.Issued cert = fx.issue(client, "pkix.example.test");
    pkix(cert); // no exception: valid, OCSP says good

    revokeByRa(cert, "affiliationChanged");
    CertPathValidatorException e = assertThrows(CertPathValidatorException.class, () -> pkix(cert));
    assertEquals(CertPathValidatorException.BasicReason.REVOKED, e.getReason(), e.getMessage());
    assertTrue(e.getMessage().contains("AFFILIATION_CHANGED"), e.getMessage());
  }

  private static void assertImfFixdate(String value) {
    assertNotNull(value);
    assertTrue(value.matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"), value);
  }

  @Test
  void cachedResponsesCarryHttpCachingAndANonceGetsAFreshEcho() throws Exception {
    RevocationFixture.Issued cert = fx.issue(client, "cache.example.test");
    byte[] request = ocspRequest(cert, null);
    HttpResponse<byte[]> first = fx.ocspPost(request);
    HttpResponse<byte[]> second = fx.ocspPost(request);
    assertEquals("application/ocsp-response", first.headers().firstValue("Content-Type").orElseThrow());
    assertArrayEquals(first.body(), second.body(), "a nonce-less response is pre-signed and cached");
    String cache = first.headers().firstValue("Cache-Control").orElseThrow();
    assertTrue(cache.startsWith("max-age=") && cache.contains("public"), cache);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertImfFixdate(first.headers().firstValue("Last-Modified").orElse(null));
    assertImfFixdate(first.headers().firstValue("Expires").orElse(null));

    // RFC 5019 GET, base64 then URL-encoded; a conditional GET gets 304.
    String get = server.endpoints().ocspUrl() + "/"
        + java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(request), "US-ASCII");
    HttpResponse<byte[]> viaGet = fx.httpGet(get);
    assertArrayEquals(first.body(), viaGet.body());
    HttpResponse<byte[]> notModified = server.httpClient().send(HttpRequest.newBuilder(URI.create(get))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(304, notModified.statusCode());

    byte[] nonce = new byte[16];
    new java.security.SecureRandom().nextBytes(nonce);
    HttpResponse<byte[]> withNonce = fx.ocspPost(ocspRequest(cert, nonce));
    assertEquals("no-store", withNonce.headers().firstValue("Cache-Control").orElseThrow());
    BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(withNonce.body()).getResponseObject();
    assertArrayEquals(new DEROctetString(nonce).getEncoded(),
        basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce).getExtnValue().getOctets());
    assertNull(basic.getResponses()[0].getCertStatus(), "good");

    // Revocation replaces the cached response at once.
    revokeByRa(cert, "unspecified");
    BasicOCSPResp after = (BasicOCSPResp) new OCSPResp(fx.ocspPost(request).body()).getResponseObject();
    RevokedStatus revoked = (RevokedStatus) after.getResponses()[0].getCertStatus();
    // No reason given: no revocationReason in OCSP, as the CRL entry has no reason code (RFC 5280 §5.3.1).
    assertTrue(!revoked.hasRevocationReason(), "unspecified is omitted in OCSP");
    assertNull(awaitCrlListing(cert).getRevokedCertificate(cert.certificate()).getRevocationReason(), "and in the CRL");
  }

  @Test
  void unknownSerialIsUnknownAndBadRequestsGetOcspErrorsNever500() throws Exception {
    RevocationFixture.Issued cert = fx.issue(client, "errors.example.test");
    CertificateID unknownId = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(cert.issuer()), BigInteger.valueOf(123456789));
    byte[] unknown = new OCSPReqBuilder().addRequest(unknownId).build().getEncoded();
    BasicOCSPResp u = (BasicOCSPResp) new OCSPResp(fx.ocspPost(unknown).body()).getResponseObject();
    assertTrue(u.getResponses()[0].getCertStatus() instanceof UnknownStatus);

    assertOcspStatus(1, fx.ocspPost("not DER at all".getBytes()), "garbage");
    assertOcspStatus(1, fx.ocspPost(new byte[0]), "empty body");
    assertOcspStatus(1, fx.httpGet(server.endpoints().ocspUrl() + "/!!!!"), "bad base64");
    assertOcspStatus(1, fx.httpGet(server.endpoints().ocspUrl() + "/%7A%7Aq"), "bad base64 once decoded");
    assertOcspStatus(1, fx.httpGet(server.endpoints().ocspUrl() + "/AAAA"), "base64 of garbage");
    assertOcspStatus(1, fx.ocspPost(new byte[20_000]), "oversized body");
    // A CertID of a CA that is not ours (the root issues no end-entity certificates).
    CertificateID foreign = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(root), BigInteger.TEN);
    assertOcspStatus(6, fx.ocspPost(new OCSPReqBuilder().addRequest(foreign).build().getEncoded()), "foreign CA");
    OCSPReqBuilder many = new OCSPReqBuilder();
    for (int i = 1; i <= 11; i++) {
      many.addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
          new JcaX509CertificateHolder(cert.issuer()), BigInteger.valueOf(i)));
    }
    assertOcspStatus(1, fx.ocspPost(many.build().getEncoded()), "more CertIDs than allowed");

    for (String path : List.of("/crl/nope.crl", "/crl/org", "/crl/..%2Fra-token", "/crl/ORG.crl")) {
      HttpResponse<byte[]> r = fx.httpGet(server.endpoints().httpBase() + path);
      assertEquals(404, r.statusCode(), path);
      assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"), path);
    }
  }

  @Test
  void crlIsServedWithCachingHeadersAndItsNumberIncreasesAcrossARestart() throws Exception {
    HttpResponse<byte[]> r = fx.httpGet(server.endpoints().crlUrl("org"));
    assertEquals(200, r.statusCode());
    assertEquals("application/pkix-crl", r.headers().firstValue("Content-Type").orElseThrow());
    String etag = r.headers().firstValue("ETag").orElseThrow();
    assertTrue(r.headers().firstValue("Cache-Control").orElseThrow().contains("max-age="));
    assertImfFixdate(r.headers().firstValue("Last-Modified").orElse(null));
    assertImfFixdate(r.headers().firstValue("Expires").orElse(null));
    X509CRL crl = crl(r.body());
    // The headers are the CRL's own times (IMF-fixdate, RFC 9110 §5.6.7: two-digit day).
    assertEquals(fr.habilis.ca.web.HttpDates.format(crl.getThisUpdate().toInstant()), r.headers().firstValue("Last-Modified").orElseThrow());
    crl.verify(fx.issue(client, "crlsig.example.test").issuer().getPublicKey());
    assertNotNull(crl.getNextUpdate());
    assertNotNull(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId()));
    HttpResponse<byte[]> again = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().crlUrl("org")))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertTrue(again.statusCode() == 304 || again.statusCode() == 200);

    X509CRL rootCrl = crl(fx.httpGet(server.endpoints().crlUrl("root")).body());
    rootCrl.verify(root.getPublicKey());

    try (TestServer other = TestServer.start(Map.of())) {
      Path data = other.dataDir();
      BigInteger before = number(crl(new RevocationFixture(other).httpGet(other.endpoints().crlUrl("org")).body()));
      other.stop();
      try (TestServer restarted = TestServer.start(Map.of("dataDir", data.toString()))) {
        BigInteger after = number(crl(new RevocationFixture(restarted).httpGet(restarted.endpoints().crlUrl("org")).body()));
        assertTrue(after.compareTo(before) > 0, before + " then " + after);
      }
    }
  }

  // ---

  private void revokeByRa(RevocationFixture.Issued cert, String reason) throws Exception {
    HttpResponse<String> r = fx.raPost("/certificates/" + cert.serialHex() + "/revoke", new JsonObject().put("reason", reason));
    assertEquals(200, r.statusCode(), r.body());
  }

  private String opensslOcsp(RevocationFixture.Issued cert) throws Exception {
    Path leaf = OpenSsl.writePem(dir, "leaf.pem", cert.certificate());
    Path issuer = OpenSsl.writePem(dir, "issuer.pem", cert.issuer());
    OpenSsl.Result r = OpenSsl.run("ocsp", "-issuer", issuer.toString(), "-cert", leaf.toString(),
        "-url", server.endpoints().ocspUrl(), "-CAfile", server.trustPem().toString(), "-no_nonce");
    assertEquals(0, r.exitCode(), r.output());
    return r.output();
  }

  private OpenSsl.Result opensslVerify(RevocationFixture.Issued cert) throws Exception {
    Path leaf = OpenSsl.writePem(dir, "leaf.pem", cert.certificate());
    Path issuer = OpenSsl.writePem(dir, "issuer.pem", cert.issuer());
    Path orgCrl = dir.resolve("org.crl");
    Files.write(orgCrl, fx.httpGet(server.endpoints().crlUrl("org")).body());
    Path rootCrl = dir.resolve("root.crl");
    Files.write(rootCrl, fx.httpGet(server.endpoints().crlUrl("root")).body());
    return OpenSsl.run("verify", "-crl_check_all", "-CAfile", server.trustPem().toString(), "-untrusted", issuer.toString(),
        "-CRLfile", orgCrl.toString(), "-CRLfile", rootCrl.toString(), leaf.toString());
  }

  /** The CRL is regenerated shortly after a revocation: poll for it (bounded by the coalescing delay). */
  private X509CRL awaitCrlListing(RevocationFixture.Issued cert) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      X509CRL crl = crl(fx.httpGet(server.endpoints().crlUrl("org")).body());
      if (crl.getRevokedCertificate(cert.certificate()) != null) return crl;
      if (System.currentTimeMillis() > deadline) throw new AssertionError("revocation not on the CRL after 10 s");
      Thread.sleep(50);
    }
  }

  private static int reasonCode(X509CRL crl, RevocationFixture.Issued cert) {
    return crl.getRevokedCertificate(cert.certificate()).getRevocationReason().ordinal();
  }

  private static X509CRL crl(byte[] der) throws Exception {
    return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
  }

  private static BigInteger number(X509CRL crl) throws Exception {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    return CRLNumber.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getCRLNumber();
  }

  /**
   * Java's PKIX validator, revocation on: OCSP (from the AIA) for the end-entity certificate; the
   * intermediate is checked against the root's CRL, given as a CertStore as a relying party would cache it.
   */
  private void pkix(RevocationFixture.Issued cert) throws Exception {
    CertPathValidator validator = CertPathValidator.getInstance("PKIX");
    PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.addCertPathChecker(checker);
    params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(
        List.of(crl(fx.httpGet(server.endpoints().crlUrl("root")).body())))));
    validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert.certificate(), cert.issuer())),
        params);
  }

  private byte[] ocspRequest(RevocationFixture.Issued cert, byte[] nonce) throws Exception {
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(cert.issuer()), cert.certificate().getSerialNumber());
    OCSPReqBuilder b = new OCSPReqBuilder().addRequest(id);
    if (nonce != null) {
      b.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
          new DEROctetString(nonce).getEncoded())));
    }
    return b.build().getEncoded();
  }

  private static void assertOcspStatus(int expected, HttpResponse<byte[]> r, String what) throws Exception {
    assertEquals(200, r.statusCode(), what);
    assertEquals(expected, new OCSPResp(r.body()).getStatus(), what);
  }
}
