package fr.habilis.client.relying;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.pki.IssuingCa;
import java.security.KeyPair;
import java.security.cert.CRLReason;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When OCSP fails. The real CA issues the certificates, revokes one, publishes its CRL and signs
 * genuine OCSP answers; then it is stopped and a stub takes over its HTTP port, so that the URLs
 * in the certificates reach answers chosen per test: the CA's real CRL and OCSP responses, no
 * answer at all, or forgeries. A forged or stale answer must never count as GOOD.
 */
class RevocationFallbackTest {
  private static final String OCSP_TYPE = "application/ocsp-response";
  private static final String CRL_TYPE = "application/pkix-crl";
  private static HabilisCa ca;
  private static StubHttpServer stub;
  private static HabilisCa.Issued good;
  private static HabilisCa.Issued revoked;
  /** The CA's CRL listing {@code revoked}, and its genuine OCSP answers, captured before it stopped. */
  private static byte[] realCrl;
  private static byte[] realGoodResponse;
  private static byte[] realRevokedResponse;
  private static IssuingCa org;
  private MutableClock clock;

  @BeforeAll
  static void start() throws Exception {
    // OCSP answers valid 1 h and CRLs 2 h: a clock moved by 61 min has a stale answer but a fresh CRL.
    ca = HabilisCa.start(Map.of("crlCoalesceDelay", "PT0.2S", "ocspValidity", "PT1H", "crlValidity", "PT2H"));
    good = ca.issueAuthCli("INSI-AUTO");
    revoked = ca.issueAuthCli("INSI-MANU");
    ca.revokeThroughRa(revoked, "keyCompromise");
    realCrl = ca.orgCrlListing(revoked.serial());
    realGoodResponse = ca.ocspResponse(good);
    realRevokedResponse = ca.ocspResponse(revoked);
    org = ca.orgCa();
    int port = ca.httpPort();
    ca.stop(); // keeps its data and the key material in memory, frees the port
    stub = new StubHttpServer(port);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stub != null) stub.close();
    if (ca != null) ca.close();
  }

  @BeforeEach
  void reset() {
    stub.reset();
    clock = MutableClock.now();
  }

  private RevocationChecker.Builder checker() {
    return RevocationChecker.builder().trustAnchor(ca.root).clock(clock)
        .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofMillis(500));
  }

  private static void serveRealCrl() {
    stub.crl.set(r -> StubHttpServer.Reply.ok(CRL_TYPE, realCrl));
  }

  private static void serveOcsp(byte[] response) {
    stub.ocsp.set(r -> StubHttpServer.Reply.ok(OCSP_TYPE, response));
  }

  // --- OCSP down, CRL up

  @Test
  void ocspDownGoodCertificateAcceptedInTheHandshakeThroughTheCrl() throws Exception {
    serveRealCrl();
    TlsHarness.Outcome o = TlsHarness.handshake(RevocationCheckingTrustManager.create(checker().build()), good);
    assertTrue(o.echoed(), () -> o.clientError() + " / " + o.serverError());
    RevocationResult r = o.serverResult();
    assertEquals(RevocationStatus.GOOD, r.status());
    assertEquals(RevocationSource.CRL, r.source());
    assertTrue(r.detail().contains("/crl/org.crl") && r.detail().contains("HTTP 503"), r.detail());
    assertEquals(1, stub.ocspRequests.get());
    assertEquals(1, stub.crlRequests.get());
  }

  @Test
  void ocspDownRevokedCertificateRefusedInTheHandshakeThroughTheCrl() throws Exception {
    serveRealCrl();
    TlsHarness.Outcome o = TlsHarness.handshake(RevocationCheckingTrustManager.create(checker().build()), revoked);
    assertFalse(o.echoed());
    assertNotNull(o.clientError());
    RevocationCheckException refusal = o.refusal();
    assertNotNull(refusal, String.valueOf(o.serverError()));
    assertEquals(RevocationCheckException.Failure.REVOKED, refusal.failure());
    assertEquals(RevocationSource.CRL, refusal.result().source());
    assertEquals(CRLReason.KEY_COMPROMISE, refusal.result().reason());
  }

  @Test
  void crlIsDownloadedOnceThenServedFromCacheUntilNextUpdate() throws Exception {
    serveRealCrl();
    RevocationChecker checker = checker().build();
    assertEquals(RevocationSource.CRL, checker.check(good.chain()).source());
    RevocationResult second = checker.check(good.chain());
    assertTrue(second.fromCache());
    assertEquals(RevocationCheckException.Failure.REVOKED,
        assertThrows(RevocationCheckException.class, () -> checker.check(revoked.chain())).failure());
    assertEquals(1, stub.crlRequests.get(), "one CRL download for every certificate of the CA");
    assertEquals(1, stub.ocspRequests.get(), "the failing responder is skipped for a while (backoff)");

    // Past the CRL's nextUpdate (2 h): the cached CRL is dropped and fetched again, but the stub still
    // serves the same, now expired, CRL: no usable status left, fail-closed refuses.
    clock.advance(Duration.ofHours(2).plusMinutes(10));
    RevocationCheckException e = assertThrows(RevocationCheckException.class, () -> checker.check(good.chain()));
    assertEquals(RevocationCheckException.Failure.STATUS_UNAVAILABLE, e.failure());
    assertEquals(2, stub.crlRequests.get());
    assertTrue(e.getMessage().contains("expired at its nextUpdate"), e.getMessage());
  }

  @Test
  void slowResponderTimesOutAndTheCrlAnswers() throws Exception {
    stub.ocsp.set(r -> new StubHttpServer.Reply(200, OCSP_TYPE, realGoodResponse, 3_000));
    serveRealCrl();
    long start = System.nanoTime();
    RevocationResult r = checker().build().check(good.chain());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(RevocationSource.CRL, r.source());
    assertTrue(r.detail().contains("(read)"), r.detail());
    assertTrue(millis < 2_500, "bounded by the read timeout, took " + millis + " ms");
  }

  // --- nothing reachable

  @Test
  void neitherSourceFailClosedRefuses() throws Exception {
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(good.chain()));
    assertEquals(RevocationCheckException.Failure.STATUS_UNAVAILABLE, e.failure());
    assertEquals(RevocationStatus.UNKNOWN, e.result().status());
    assertEquals(RevocationSource.NONE, e.result().source());
    assertTrue(e.getMessage().contains("fail-closed") && e.getMessage().contains("/ocsp")
        && e.getMessage().contains("/crl/org.crl"), e.getMessage());

    TlsHarness.Outcome o = TlsHarness.handshake(RevocationCheckingTrustManager.create(checker().build()), good);
    assertFalse(o.echoed());
    assertEquals(RevocationCheckException.Failure.STATUS_UNAVAILABLE, o.refusal().failure());
  }

  @Test
  void neitherSourceFailOpenAcceptsWithUnknown() throws Exception {
    RevocationResult r = checker().failOpen().build().check(good.chain());
    assertEquals(RevocationStatus.UNKNOWN, r.status());
    assertEquals(RevocationSource.NONE, r.source());

    TlsHarness.Outcome o = TlsHarness.handshake(
        RevocationCheckingTrustManager.create(checker().failOpen().build()), good);
    assertTrue(o.echoed(), () -> String.valueOf(o.serverError()));
    assertEquals(RevocationStatus.UNKNOWN, o.serverResult().status());
    // Fail-open never turns a known revocation into an acceptance.
    serveRealCrl();
    assertThrows(RevocationCheckException.class, () -> checker().failOpen().build().check(revoked.chain()));
  }

  // --- genuine OCSP answers replayed by the stub, and caching

  @Test
  void genuineAnswersFromTheDelegatedResponderAreBelieved() throws Exception {
    serveOcsp(realRevokedResponse);
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(revoked.chain()));
    assertEquals(RevocationSource.OCSP, e.result().source());
    assertEquals(CRLReason.KEY_COMPROMISE, e.result().reason());
    assertEquals(0, stub.crlRequests.get());
  }

  @Test
  void ocspAnswerIsCachedUntilItsNextUpdate() throws Exception {
    serveOcsp(realGoodResponse);
    serveRealCrl();
    RevocationChecker checker = checker().build();
    RevocationResult first = checker.check(good.chain());
    assertEquals(RevocationSource.OCSP, first.source());
    assertFalse(first.fromCache());
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(10));
      assertTrue(checker.check(good.chain()).fromCache());
    }
    assertEquals(1, stub.ocspRequests.get(), "one request while the answer is current");

    // Past nextUpdate (ocspValidity 1 h) and the 5 min clock skew allowance, the answer has expired:
    // the responder is asked again, but the stub replays the stale answer, which is rejected; the
    // (2 h) CRL answers instead.
    clock.advance(Duration.ofMinutes(41));
    RevocationResult later = checker.check(good.chain());
    assertEquals(2, stub.ocspRequests.get());
    assertEquals(RevocationSource.CRL, later.source());
    assertTrue(later.detail().contains("expired at its nextUpdate"), later.detail());
  }

  @Test
  void maxCacheAgeShortensCaching() throws Exception {
    serveOcsp(realGoodResponse);
    RevocationChecker checker = checker().maxCacheAge(Duration.ofMinutes(5)).build();
    checker.check(good.chain());
    clock.advance(Duration.ofMinutes(6));
    assertFalse(checker.check(good.chain()).fromCache());
    assertEquals(2, stub.ocspRequests.get());
  }

  // --- answers that must not be believed

  @Test
  void forgedGoodAnswerSignedByAnotherKeyIsIgnored() throws Exception {
    // An attacker's "CA" with the real issuing CA's name, and an OCSP signer it issued.
    KeyPair fakeCa = OcspForge.key();
    KeyPair attacker = OcspForge.key();
    X509Certificate fakeResponder = OcspForge.certificate(OcspForge.name(org.certificate()), fakeCa.getPrivate(),
        new X500Name("CN=TEST AC HABILIS ORGANISATIONS OCSP"), attacker.getPublic(), false, KeyPurposeId.id_kp_OCSPSigning);
    serveOcsp(OcspForge.response(org.certificate(), revoked.serial(), CertificateStatus.GOOD, clock.instant(),
        clock.instant().plus(Duration.ofHours(1)), attacker.getPrivate(), fakeResponder));
    serveRealCrl();
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(revoked.chain()));
    assertEquals(RevocationCheckException.Failure.REVOKED, e.failure(), "the CRL, not the forgery, decides");
    assertEquals(RevocationSource.CRL, e.result().source());
    assertTrue(e.result().detail().contains("is not issued by the certificate's issuer"), e.result().detail());
  }

  @Test
  void forgedGoodAnswerClaimingTheIssuerIsIgnored() throws Exception {
    // Names the issuing CA itself as responder (no certificate included) but is signed by another key.
    KeyPair attacker = OcspForge.key();
    byte[] forged = OcspForge.response(org.certificate(), revoked.serial(), CertificateStatus.GOOD, clock.instant(),
        clock.instant().plus(Duration.ofHours(1)), attacker.getPrivate(), org.certificate());
    serveOcsp(forged);
    serveRealCrl();
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().failOpen().build().check(revoked.chain()));
    assertEquals(RevocationSource.CRL, e.result().source());
    // With no CRL either, the forgery still does not make it GOOD: only fail-open's UNKNOWN.
    stub.crl.set(StubHttpServer.UNAVAILABLE);
    RevocationResult r = checker().failOpen().build().check(revoked.chain());
    assertEquals(RevocationStatus.UNKNOWN, r.status());
    assertTrue(r.detail().contains("signature does not verify"), r.detail());
  }

  @Test
  void responderCertificateWithoutOcspSigningIsIgnored() throws Exception {
    // Really issued by the issuing CA, but not delegated OCSP (clientAuth only).
    KeyPair k = OcspForge.key();
    X509Certificate notDelegated = OcspForge.certificate(OcspForge.name(org.certificate()), org.privateKey(),
        new X500Name("CN=NOT AN OCSP SIGNER"), k.getPublic(), false, KeyPurposeId.id_kp_clientAuth);
    serveOcsp(OcspForge.response(org.certificate(), revoked.serial(), CertificateStatus.GOOD, clock.instant(),
        clock.instant().plus(Duration.ofHours(1)), k.getPrivate(), notDelegated));
    serveRealCrl();
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(revoked.chain()));
    assertEquals(RevocationSource.CRL, e.result().source());
    assertTrue(e.result().detail().contains("lacks the OCSPSigning extended key usage"), e.result().detail());
  }

  @Test
  void issuerSignedAnswerIsBelieved() throws Exception {
    // RFC 6960 also lets the issuing CA sign its answers itself.
    serveOcsp(OcspForge.response(org.certificate(), good.serial(), CertificateStatus.GOOD, clock.instant(),
        clock.instant().plus(Duration.ofHours(1)), org.privateKey(), org.certificate()));
    RevocationResult r = checker().build().check(good.chain());
    assertEquals(RevocationSource.OCSP, r.source());
    assertTrue(r.detail().contains("signed by the issuing CA"), r.detail());
  }

  @Test
  void genuineAnswerAboutAnotherCertificateIsIgnored() throws Exception {
    serveOcsp(realGoodResponse); // the real responder's GOOD, but for `good`, replayed for `revoked`
    serveRealCrl();
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(revoked.chain()));
    assertEquals(RevocationSource.CRL, e.result().source());
    assertTrue(e.result().detail().contains("no matching CertID"), e.result().detail());
  }

  @Test
  void answerFromTheFutureIsIgnored() throws Exception {
    // Signed with the real delegated responder's key, but thisUpdate an hour ahead of the clock.
    serveOcsp(OcspForge.response(org.certificate(), good.serial(), CertificateStatus.GOOD,
        clock.instant().plus(Duration.ofHours(1)), clock.instant().plus(Duration.ofHours(2)), org.ocspKey(),
        org.ocspCertificate()));
    serveRealCrl();
    RevocationResult r = checker().build().check(good.chain());
    assertEquals(RevocationSource.CRL, r.source());
    assertTrue(r.detail().contains("is in the future"), r.detail());
  }

  @Test
  void answerWithoutTheRequestedNonceIsIgnored() throws Exception {
    serveOcsp(realGoodResponse); // pre-signed, no nonce
    serveRealCrl();
    RevocationResult r = checker().useNonce(true).build().check(good.chain());
    assertEquals(RevocationSource.CRL, r.source());
    assertTrue(r.detail().contains("does not echo the request's nonce"), r.detail());
  }

  @Test
  void unknownFromTheResponderIsNotOverriddenByTheCrl() throws Exception {
    serveOcsp(OcspForge.response(org.certificate(), good.serial(), new org.bouncycastle.cert.ocsp.UnknownStatus(),
        clock.instant(), null, org.ocspKey(), org.ocspCertificate()));
    serveRealCrl();
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(good.chain()));
    assertEquals(RevocationCheckException.Failure.STATUS_UNAVAILABLE, e.failure());
    assertEquals(RevocationSource.OCSP, e.result().source());
    assertEquals(0, stub.crlRequests.get());
  }

  @Test
  void crlSignedByAnotherKeyIsIgnored() throws Exception {
    KeyPair attacker = OcspForge.key();
    // In the issuing CA's name, lists nothing: it would make the revoked certificate look good.
    byte[] forged = OcspForge.crl(org.certificate(), attacker.getPrivate(), clock.instant(),
        clock.instant().plus(Duration.ofHours(1)));
    stub.crl.set(r -> StubHttpServer.Reply.ok(CRL_TYPE, forged));
    RevocationCheckException e = assertThrows(RevocationCheckException.class,
        () -> checker().build().check(revoked.chain()));
    assertEquals(RevocationCheckException.Failure.STATUS_UNAVAILABLE, e.failure());
    assertTrue(e.getMessage().contains("its signature does not verify"), e.getMessage());
    assertNull(e.result().reason());
  }

  @Test
  void failingResponderIsSkippedForTheBackoffPeriodOnly() throws Exception {
    serveRealCrl();
    RevocationChecker checker = checker().sourceBackoff(Duration.ofSeconds(30)).build();
    checker.check(good.chain());
    checker.check(good.chain());
    assertEquals(1, stub.ocspRequests.get());
    // Once the period is over the responder is asked again, and its (now working) answer used.
    clock.advance(Duration.ofSeconds(31));
    serveOcsp(realGoodResponse);
    RevocationResult r = checker.check(good.chain());
    assertEquals(2, stub.ocspRequests.get());
    assertEquals(RevocationSource.OCSP, r.source());
  }
}
