package fr.habilis.client.relying;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.CRLReason;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.RevocationReason;

/**
 * The checker and the trust manager against the real, running Habilis CA: its OCSP responder
 * (delegated signer) answers, revocations through ACME and the RA API are seen at once, and a
 * JSSE server refuses a revoked client certificate during the handshake.
 */
class RevocationCheckerTest {
  private static HabilisCa ca;
  private static HabilisCa.Issued insiAuto;
  private static HabilisCa.Issued dmp;

  @BeforeAll
  static void start() throws Exception {
    ca = HabilisCa.start(Map.of("crlCoalesceDelay", "PT0.2S"));
    insiAuto = ca.issueAuthCli("INSI-AUTO");
    dmp = ca.issueAuthCli("DMP");
  }

  @AfterAll
  static void stop() throws Exception {
    if (ca != null) ca.close();
  }

  private static RevocationChecker.Builder checker() {
    return RevocationChecker.builder().trustAnchor(ca.root).connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5));
  }

  @Test
  void goodCertificateIsGoodFromOcspThenFromCache() throws Exception {
    RevocationChecker checker = checker().build();
    RevocationResult first = checker.check(insiAuto.chain());
    assertEquals(RevocationStatus.GOOD, first.status());
    assertEquals(RevocationSource.OCSP, first.source());
    assertFalse(first.fromCache());
    assertEquals(insiAuto.serial(), first.serialNumber());
    assertTrue(first.detail().contains(ca.ocspUrl().toString()), first.detail());
    assertTrue(first.detail().contains("delegated responder CN=TEST AC HABILIS ORGANISATIONS OCSP"), first.detail());
    assertNotNull(first.nextUpdate());
    assertTrue(first.nextUpdate().isAfter(Instant.now().plus(Duration.ofHours(23))), "ocspValidity is a day");

    RevocationResult second = checker.check(insiAuto.chain());
    assertEquals(RevocationStatus.GOOD, second.status());
    assertTrue(second.fromCache());
    assertEquals(first.thisUpdate(), second.thisUpdate());
  }

  @Test
  void nonceIsEchoedByTheRealResponder() throws Exception {
    RevocationResult r = checker().useNonce(true).build().check(insiAuto.chain());
    assertEquals(RevocationStatus.GOOD, r.status());
    assertEquals(RevocationSource.OCSP, r.source());
  }

  @Test
  void chainWithTheRootAppendedIsAccepted() throws Exception {
    List<X509Certificate> withRoot = new ArrayList<>(insiAuto.chain());
    if (!withRoot.contains(ca.root)) withRoot.add(ca.root);
    assertEquals(RevocationStatus.GOOD, checker().build().check(withRoot).status());
  }

  @Test
  void revokedThroughAcmeIsRefusedWithReasonAndTime() throws Exception {
    HabilisCa.Issued issued = ca.issueAuthCli("INSI-MANU");
    RevocationChecker checker = checker().build();
    assertEquals(RevocationStatus.GOOD, checker.check(issued.chain()).status());
    Instant before = Instant.now().minusSeconds(2);
    ca.revokeThroughAcme(issued, RevocationReason.KEY_COMPROMISE);

    // The cached GOOD answer stands until its nextUpdate (the price of caching); a fresh checker,
    // or a cleared cache, asks the responder, which knows at once.
    assertEquals(RevocationStatus.GOOD, checker.check(issued.chain()).status());
    checker.clearCache();
    RevocationCheckException e = assertThrows(RevocationCheckException.class, () -> checker.check(issued.chain()));
    assertEquals(RevocationCheckException.Failure.REVOKED, e.failure());
    RevocationResult r = e.result();
    assertEquals(RevocationStatus.REVOKED, r.status());
    assertEquals(RevocationSource.OCSP, r.source());
    assertEquals(CRLReason.KEY_COMPROMISE, r.reason());
    assertTrue(r.revocationTime().isAfter(before.minusSeconds(1)), r.revocationTime().toString());
    assertTrue(e.getMessage().contains("is revoked since") && e.getMessage().contains("KEY_COMPROMISE")
        && e.getMessage().contains("CN=INSI-MANU"), e.getMessage());

    // A revoked answer is cached like any other.
    RevocationCheckException again = assertThrows(RevocationCheckException.class, () -> checker.check(issued.chain()));
    assertTrue(again.result().fromCache());
  }

  @Test
  void revokedThroughTheRaApiIsRefused() throws Exception {
    HabilisCa.Issued issued = ca.issueAuthCli("INSI-AUTO");
    ca.revokeThroughRa(issued, "affiliationChanged");
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(issued.chain()));
    assertEquals(RevocationCheckException.Failure.REVOKED, e.failure());
    assertEquals(CRLReason.AFFILIATION_CHANGED, e.result().reason());
    assertEquals(RevocationSource.OCSP, e.result().source());
  }

  @Test
  void chainFromAnotherRootIsRefusedBeforeAnyRequest() throws Exception {
    var key = HabilisCa.ecKey();
    X500Name name = new X500Name("CN=SOME OTHER ROOT");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
        Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), name, key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    X509Certificate otherRoot = new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    RevocationChecker checker = RevocationChecker.builder().trustAnchor(otherRoot).build();
    RevocationCheckException e = assertThrows(RevocationCheckException.class, () -> checker.check(insiAuto.chain()));
    assertEquals(RevocationCheckException.Failure.UNTRUSTED_PATH, e.failure());
    assertNull(e.result());
    assertTrue(e.getMessage().contains("does not validate to the configured trust anchors"), e.getMessage());

    RevocationCheckException empty = assertThrows(RevocationCheckException.class, () -> checker.check(List.of()));
    assertEquals(RevocationCheckException.Failure.UNTRUSTED_PATH, empty.failure());
  }

  @Test
  void insiRuleRefusesAnyOtherServiceName() throws Exception {
    RevocationChecker insi = checker().requireInsiServiceName().build();
    RevocationCheckException e = assertThrows(RevocationCheckException.class, () -> insi.check(dmp.chain()));
    assertEquals(RevocationCheckException.Failure.RULE_VIOLATED, e.failure());
    assertTrue(e.getMessage().contains("INSI-AUTO or INSI-MANU") && e.getMessage().contains("CN DMP"), e.getMessage());
    assertEquals(RevocationStatus.GOOD, insi.check(insiAuto.chain()).status());
    // Without the rule the same DMP certificate is fine.
    assertEquals(RevocationStatus.GOOD, checker().build().check(dmp.chain()).status());
  }

  @Test
  void oneCheckerServesManyThreads() throws Exception {
    HabilisCa.Issued revoked = ca.issueAuthCli("INSI-AUTO");
    ca.revokeThroughRa(revoked, "superseded");
    RevocationChecker checker = checker().cacheSize(2).build(); // tiny cache: entries are evicted under load
    List<HabilisCa.Issued> certs = List.of(insiAuto, dmp, revoked);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 160; i++) {
        HabilisCa.Issued c = certs.get(i % certs.size());
        Callable<String> task = () -> {
          try {
            return checker.check(c.chain()).status().name();
          } catch (RevocationCheckException e) {
            return e.failure().name();
          }
        };
        results.add(pool.submit(task));
      }
      for (int i = 0; i < results.size(); i++) {
        String expected = certs.get(i % certs.size()) == revoked ? "REVOKED" : "GOOD";
        assertEquals(expected, results.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tlsServerAcceptsAGoodClientCertificate() throws Exception {
    RevocationChecker checker = checker().requireInsiServiceName().build();
    TlsHarness.Outcome o = TlsHarness.handshake(RevocationCheckingTrustManager.create(checker), insiAuto);
    assertNull(o.serverError(), () -> String.valueOf(o.serverError()));
    assertTrue(o.echoed(), () -> String.valueOf(o.clientError()));
    assertNotNull(o.serverResult(), "the result is stored in the TLS session");
    assertEquals(RevocationStatus.GOOD, o.serverResult().status());
    assertEquals(RevocationSource.OCSP, o.serverResult().source());
    assertEquals(insiAuto.serial(), o.serverResult().serialNumber());
  }

  @Test
  void tlsServerRefusesARevokedClientCertificateDuringTheHandshake() throws Exception {
    HabilisCa.Issued issued = ca.issueAuthCli("INSI-AUTO");
    RevocationChecker checker = checker().requireInsiServiceName().build();
    assertTrue(TlsHarness.handshake(RevocationCheckingTrustManager.create(checker), issued).echoed(), "good before");
    ca.revokeThroughAcme(issued, RevocationReason.CESSATION_OF_OPERATION);
    checker.clearCache();

    TlsHarness.Outcome o = TlsHarness.handshake(RevocationCheckingTrustManager.create(checker), issued);
    assertFalse(o.echoed(), "the client must not get through");
    // JSSE answers a refused client certificate with a fatal alert (certificate_unknown).
    assertTrue(o.clientError() instanceof javax.net.ssl.SSLException, "the client sees the handshake fail: " + o.clientError());
    assertTrue(o.serverError() instanceof javax.net.ssl.SSLHandshakeException, String.valueOf(o.serverError()));
    RevocationCheckException refusal = o.refusal();
    assertNotNull(refusal, "the server-side failure is the checker's");
    assertEquals(RevocationCheckException.Failure.REVOKED, refusal.failure());
    assertEquals(RevocationSource.OCSP, refusal.result().source());
    assertEquals(CRLReason.CESSATION_OF_OPERATION, refusal.result().reason());
  }

  @Test
  void tlsServerRefusesAnotherServiceNameWhenTheInsiRuleIsOn() throws Exception {
    TlsHarness.Outcome o = TlsHarness.handshake(
        RevocationCheckingTrustManager.create(checker().requireInsiServiceName().build()), dmp);
    assertFalse(o.echoed());
    assertNotNull(o.refusal());
    assertEquals(RevocationCheckException.Failure.RULE_VIOLATED, o.refusal().failure());
    // The same certificate passes a teleservice without the rule (DMP).
    assertTrue(TlsHarness.handshake(RevocationCheckingTrustManager.create(checker().build()), dmp).echoed());
  }
}
