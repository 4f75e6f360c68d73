package fr.habilis.ca.issuance;

import static fr.habilis.ca.issuance.IssuanceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.issuance.CsrRejected.Reason;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.store.CertificateRepository;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each CSR rejection reason, and the keys at the edges of the policy that must be accepted. */
class CsrPolicyTest {
  static CaHierarchy ca;
  static final CsrPolicy policy = new CsrPolicy();

  @BeforeAll
  static void hierarchy() {
    ca = IssuanceFixture.hierarchy("EC-P384");
  }

  private static Reason rejection(byte[] csr) {
    return assertThrows(CsrRejected.class, () -> policy.check(csr)).reason();
  }

  /** A CSR carrying an arbitrary SubjectPublicKeyInfo, signed by some other key (key checks come first). */
  private static byte[] csrWithKey(SubjectPublicKeyInfo spki) {
    try {
      KeyPair signer = Keys.generate("EC-P256");
      return new PKCS10CertificationRequestBuilder(new X500Name("CN=x"), spki)
          .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(CryptoProviders.BC).build(signer.getPrivate()))
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SubjectPublicKeyInfo rsaSpki(BigInteger modulus, BigInteger exponent) {
    try {
      return new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
          new RSAPublicKey(modulus, exponent));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger oddModulus(int bits) {
    return new BigInteger(bits, new SecureRandom()).setBit(bits - 1).setBit(0);
  }

  @Test
  void garbageIsRefusedAsMalformed() {
    assertEquals(Reason.MALFORMED, rejection(new byte[] {0x30, 0x03, 0x02, 0x01}));
    assertEquals(Reason.MALFORMED, rejection(new byte[0]));
  }

  @Test
  void trailingBytesAfterTheCsrAreRefusedAsMalformed() {
    byte[] csr = Keys.csr(Keys.generate("EC-P256"));
    byte[] padded = Arrays.copyOf(csr, csr.length + 1);
    assertEquals(Reason.MALFORMED, rejection(padded));
  }

  @Test
  void parseCsrRefusesGarbageAsMalformed() {
    CsrRejected e = assertThrows(CsrRejected.class, () -> IssuanceService.parseCsr("not a csr".getBytes()));
    assertEquals(Reason.MALFORMED, e.reason());
    assertFalse(e.isPublicKeyProblem());
  }

  @Test
  void tamperedSignatureIsRefusedAsBadSignature() {
    byte[] csr = Keys.csr(Keys.generate("RSA-2048"));
    csr[csr.length - 1] ^= 0x01;
    assertEquals(Reason.BAD_SIGNATURE, rejection(csr));
  }

  @Test
  void csrSignedByAnotherKeyIsRefusedAsBadSignature() throws Exception {
    KeyPair key = Keys.generate("EC-P256");
    byte[] csr = csrWithKey(SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()));
    CsrRejected e = assertThrows(CsrRejected.class, () -> policy.check(csr));
    assertEquals(Reason.BAD_SIGNATURE, e.reason());
    assertFalse(e.isPublicKeyProblem());
  }

  @Test
  void rsaKeyBelow2048BitsIsRefusedAsWeak() {
    CsrRejected e = assertThrows(CsrRejected.class, () -> policy.check(Keys.csr(Keys.generate("RSA-1024"))));
    assertEquals(Reason.WEAK_KEY, e.reason());
    assertTrue(e.isPublicKeyProblem());
    assertEquals(Reason.WEAK_KEY, rejection(csrWithKey(rsaSpki(oddModulus(2047), CsrPolicy.F4))));
  }

  @Test
  void rsaKeyAbove8192BitsIsRefusedAsTooLarge() throws Exception {
    assertEquals(Reason.KEY_TOO_LARGE, rejection(csrWithKey(rsaSpki(oddModulus(8200), CsrPolicy.F4))));
  }

  @Test
  void rsaKeysFrom2048To8192BitsWithF4PassTheKeyCheck() throws Exception {
    assertEquals(Profile.KeyAlgorithm.RSA, CsrPolicy.checkKey(rsaSpki(oddModulus(2048), CsrPolicy.F4)));
    assertEquals(Profile.KeyAlgorithm.RSA, CsrPolicy.checkKey(rsaSpki(oddModulus(8192), CsrPolicy.F4)));
  }

  @Test
  void rsaExponentOtherThan65537IsRefused() {
    assertEquals(Reason.BAD_EXPONENT, rejection(Keys.csr(Keys.rsa(2048, BigInteger.valueOf(3)))));
    assertEquals(Reason.BAD_EXPONENT, rejection(csrWithKey(rsaSpki(oddModulus(2048), BigInteger.valueOf(65539)))));
  }

  @Test
  void ecKeysOnOtherCurvesAreRefusedAsUnsupportedCurve() {
    assertEquals(Reason.UNSUPPORTED_CURVE, rejection(Keys.csr(Keys.generate("EC-P521"))));
    assertEquals(Reason.UNSUPPORTED_CURVE, rejection(Keys.csr(Keys.generate("EC-secp256k1"))));
  }

  @Test
  void ecKeyWithExplicitCurveParametersIsRefusedAsUnsupportedCurve() throws Exception {
    KeyPair p256 = Keys.generate("EC-P256");
    SubjectPublicKeyInfo named = SubjectPublicKeyInfo.getInstance(p256.getPublic().getEncoded());
    X9ECParameters explicit = SECNamedCurves.getByName("secp256r1");
    SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, explicit),
        named.getPublicKeyData().getBytes());
    assertEquals(Reason.UNSUPPORTED_CURVE, rejection(csrWithKey(spki)));
  }

  @Test
  void otherKeyTypesAreRefusedAsUnsupportedKey() {
    assertEquals(Reason.UNSUPPORTED_KEY, rejection(Keys.csr(Keys.generate("Ed25519"))));
    assertEquals(Reason.UNSUPPORTED_KEY, rejection(Keys.csr(Keys.generate("DSA"))));
  }

  @Test
  void p256P384AndRsa2048CsrsAreAccepted() {
    for (String alg : List.of("EC-P256", "EC-P384", "RSA-2048")) {
      KeyPair k = Keys.generate(alg);
      CsrPolicy.CheckedCsr checked = policy.check(Keys.csr(k));
      assertEquals(KeyHash.of(k.getPublic()), checked.keyHash(), alg);
    }
  }

  /** Issue 15 item 12: the same key renews the same line (product, structure, names); any other use is refused. */
  @Test
  void keyInAnotherValidCertificateRenewsItsLineOnlyAndFreshKeyProfilesRefuseEvenThat() throws Exception {
    try (IssuanceFixture f = new IssuanceFixture(ca, Map.of("freshKeyProfiles", "SERV_SIGN"), Clock.systemUTC())) {
      KeyPair key = Keys.generate("EC-P256");
      IssuanceRequest first = IssuanceFixture.request(Profiles.get(ProfileName.ORG_AUTH_CLI), Keys.csr(key));
      await(f.issue(first));
      IssuedCertificate renewal = await(f.issue(first));
      assertEquals(KeyHash.of(key.getPublic()), KeyHash.of(renewal.certificate().getPublicKey()));
      List<IssuanceRequest> others = List.of(
          IssuanceFixture.request(Profiles.get(ProfileName.SERV_SSL), Keys.csr(key)),
          withCommonName(first, "Another Service"),
          new IssuanceRequest(first.profile(), first.csrDer(), new SubjectInfo("AUTRE STRUCTURE", "Paris (75)", "318751275100021",
              first.subject().commonName()), first.dnsNames(), first.emails(), first.adminCard(), null, null));
      for (IssuanceRequest other : others) {
        CsrRejected e = assertThrows(CsrRejected.class, () -> await(f.issue(other)));
        assertEquals(Reason.KEY_IN_USE, e.reason(), other.toString());
        assertTrue(e.isPublicKeyProblem());
      }
      KeyPair sealKey = Keys.generate("EC-P256");
      IssuanceRequest seal = IssuanceFixture.request(Profiles.get(ProfileName.SERV_SIGN), Keys.csr(sealKey));
      await(f.issue(seal));
      CsrRejected fresh = assertThrows(CsrRejected.class, () -> await(f.issue(seal)));
      assertTrue(fresh.getMessage().contains("require a new key"), fresh.getMessage());
      assertEquals(3, f.count("SELECT COUNT(*) FROM certificates"));
    }
  }

  private static IssuanceRequest withCommonName(IssuanceRequest r, String cn) {
    SubjectInfo s = r.subject();
    return new IssuanceRequest(r.profile(), r.csrDer(), new SubjectInfo(s.structureName(), s.departmentLabel(), s.nationalId(), cn),
        r.dnsNames(), r.emails(), r.adminCard(), r.accountId(), r.orderId());
  }

  @Test
  void keyOfARevokedCertificateMayBeCertifiedAgain() throws Exception {
    try (IssuanceFixture f = new IssuanceFixture(ca)) {
      KeyPair key = Keys.generate("EC-P256");
      IssuedCertificate first = await(f.issue(IssuanceFixture.request(Profiles.get(ProfileName.SERV_SSL), Keys.csr(key))));
      f.db.txBlocking(c -> {
        try (var ps = c.prepareStatement("UPDATE certificates SET status = 'revoked' WHERE serial = ?")) {
          ps.setString(1, first.serialHex());
          return ps.executeUpdate();
        }
      });
      IssuedCertificate second = await(f.issue(IssuanceFixture.request(Profiles.get(ProfileName.SERV_SSL), Keys.csr(key))));
      assertEquals(first.certificate().getPublicKey(), second.certificate().getPublicKey());
    }
  }

  @Test
  void keyOfAnExpiredCertificateMayBeCertifiedAgain() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now.get(); }
    };
    try (IssuanceFixture f = new IssuanceFixture(ca, Map.of("certificateValidity", "P1D"), clock)) {
      KeyPair key = Keys.generate("EC-P256");
      await(f.issue(IssuanceFixture.request(Profiles.get(ProfileName.ORG_SIGN), Keys.csr(key))));
      now.set(now.get().plus(Duration.ofDays(2)));
      IssuedCertificate again = await(f.issue(IssuanceFixture.request(Profiles.get(ProfileName.ORG_SIGN), Keys.csr(key))));
      assertEquals(KeyHash.of(key.getPublic()), KeyHash.of(again.certificate().getPublicKey()));
    }
  }

  @Test
  void concurrentRequestsForOneKeyCertifyItOnlyOnce() throws Exception {
    try (IssuanceFixture f = new IssuanceFixture(ca)) {
      KeyPair key = Keys.generate("EC-P256");
      var request = IssuanceFixture.request(Profiles.get(ProfileName.ORG_AUTH_CLI), Keys.csr(key));
      // Three certificates of different names: only one may have the key.
      var futures = List.of(f.issue(withCommonName(request, "A")), f.issue(withCommonName(request, "B")),
          f.issue(withCommonName(request, "C")));
      int ok = 0;
      for (var fut : futures) {
        try {
          await(fut);
          ok++;
        } catch (CsrRejected e) {
          assertEquals(Reason.KEY_IN_USE, e.reason());
        }
      }
      assertEquals(1, ok);
      assertEquals(1, f.count("SELECT COUNT(*) FROM certificates"));
    }
  }

  @Test
  void blockedKeyIsRefusedBeforeAnySerialIsReserved() throws Exception {
    try (IssuanceFixture f = new IssuanceFixture(ca)) {
      KeyPair key = Keys.generate("EC-P384");
      f.db.txBlocking(c -> {
        new CertificateRepository().blockKey(c, KeyHash.of(key.getPublic()), "keyCompromise", Instant.now());
        return null;
      });
      CsrRejected e = assertThrows(CsrRejected.class,
          () -> await(f.issue(IssuanceFixture.request(Profiles.get(ProfileName.PRO_AUTH), Keys.csr(key)))));
      assertEquals(Reason.KEY_BLOCKED, e.reason());
      assertTrue(e.isPublicKeyProblem());
      assertEquals(0, f.count("SELECT COUNT(*) FROM serials"));
    }
  }
}
