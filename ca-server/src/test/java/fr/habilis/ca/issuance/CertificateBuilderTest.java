package fr.habilis.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.pki.CaHierarchy;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/** The builder alone (no database): validity, signature algorithm and configuration-driven fields. */
class CertificateBuilderTest {
  private static final Endpoints ENDPOINTS = new Endpoints("https://ca.test:8443", "http://ca.test:8080");

  private static X509Certificate build(CaHierarchy ca, ProfileName name, KeyPair leafKey, Map<String, String> settings) {
    return build(ca, name, leafKey, settings, Instant.now());
  }

  private static X509Certificate build(CaHierarchy ca, ProfileName name, KeyPair leafKey, Map<String, String> settings,
      Instant now) {
    Profile p = Profiles.get(name);
    IssuanceSettings s = IssuanceSettings.from(HabilisConfig.of(settings), ENDPOINTS);
    SubjectInfo subject = IssuanceFixture.subject(p.commonName() == Profile.CommonName.FQDN ? "api.test-clinique.fr" : "Service");
    IssuanceRequest r = IssuanceFixture.request(p, new byte[0]);
    var leaf = new CertificateBuilder.Leaf(p, SubjectNames.subject(p, subject),
        SubjectPublicKeyInfo.getInstance(leafKey.getPublic().getEncoded()),
        leafKey.getPublic().getAlgorithm().equals("RSA") ? Profile.KeyAlgorithm.RSA : Profile.KeyAlgorithm.EC,
        r.dnsNames(), r.emails());
    return new CertificateBuilder(s)
        .build(leaf, ca.issuing(p.caId()), new SerialNumbers(new SecureRandom()).draw(), now);
  }

  private static byte[] productCategory(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(CertificateBuilder.PRODUCT_CATEGORY.getId());
    return ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
  }

  @Test
  void notAfterNeverExceedsTheIssuersNotAfter() throws Exception {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    // The generated issuing CAs live 10 years; ask for 20.
    X509Certificate cert = build(ca, ProfileName.ORG_AUTH_CLI, Keys.generate("EC-P256"), Map.of("certificateValidity", "P7300D"));
    assertEquals(ca.org().certificate().getNotAfter(), cert.getNotAfter());
    cert.verify(ca.org().certificate().getPublicKey());
  }

  @Test
  void validityIsTheConfiguredDurationFromNotBefore() {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    X509Certificate cert = build(ca, ProfileName.PRO_SIGN, Keys.generate("EC-P256"), Map.of("certificateValidity", "P90D"));
    assertEquals(Duration.ofDays(90), Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()));
  }

  @Test
  void threeYearsAreThreeCalendarYearsAcrossALeapDay() {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    // 29 February 2028 falls inside: 1096 days (a fixed 1095 ended on 2029-11-30).
    X509Certificate leap = build(ca, ProfileName.SERV_SSL, Keys.generate("EC-P256"), Map.of(),
        Instant.parse("2026-12-01T09:30:15Z"));
    assertEquals(Instant.parse("2026-12-01T09:30:15Z"), leap.getNotBefore().toInstant());
    assertEquals(Instant.parse("2029-12-01T09:30:15Z"), leap.getNotAfter().toInstant());
    // No 29 February inside: 1095 days.
    X509Certificate plain = build(ca, ProfileName.PRO_AUTH, Keys.generate("EC-P256"), Map.of(),
        Instant.parse("2028-03-01T00:00:00Z"));
    assertEquals(Instant.parse("2031-03-01T00:00:00Z"), plain.getNotAfter().toInstant());
    // Short test lifetimes stay exact durations.
    X509Certificate seconds = build(ca, ProfileName.PRO_AUTH, Keys.generate("EC-P256"), Map.of("certificateValidity", "PT10S"),
        Instant.parse("2028-02-28T23:59:55Z"));
    assertEquals(Instant.parse("2028-02-29T00:00:05Z"), seconds.getNotAfter().toInstant());
  }

  @Test
  void signatureAlgorithmFollowsTheIssuingKey() throws Exception {
    for (var expected : Map.of("RSA-2048", "SHA256withRSA", "EC-P256", "SHA256withECDSA", "EC-P384", "SHA384withECDSA").entrySet()) {
      CaHierarchy ca = IssuanceFixture.hierarchy(expected.getKey());
      X509Certificate cert = build(ca, ProfileName.SERV_SSL, Keys.generate("EC-P256"), Map.of());
      assertEquals(expected.getValue(), cert.getSigAlgName(), expected.getKey());
      cert.verify(ca.org().certificate().getPublicKey());
    }
  }

  @Test
  void productCategoryIs0x83InTestAnd0x03InProduction() {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    X509Certificate test = build(ca, ProfileName.ORG_SIGN, Keys.generate("EC-P256"), Map.of());
    X509Certificate prod = build(ca, ProfileName.ORG_SIGN, Keys.generate("EC-P256"), Map.of("environment", "production"));
    assertArrayEquals(new byte[] {(byte) 0x83}, productCategory(test));
    assertArrayEquals(new byte[] {0x03}, productCategory(prod));
    assertFalse(test.getCriticalExtensionOIDs().contains(CertificateBuilder.PRODUCT_CATEGORY.getId()));
  }

  @Test
  void certificatePolicyAndCpsUrlComeFromConfiguration() {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    X509Certificate cert = build(ca, ProfileName.PRO_AUTH, Keys.generate("EC-P256"),
        Map.of("policyOid", "1.2.250.1.213.1.7.2.1.1.1.9", "cpsUrl", "https://pc.habilis.test/pc.pdf"));
    CertificatePolicies policies = CertificatePolicies.getInstance(
        ASN1OctetString.getInstance(cert.getExtensionValue("2.5.29.32")).getOctets());
    assertEquals("1.2.250.1.213.1.7.2.1.1.1.9", policies.getPolicyInformation()[0].getPolicyIdentifier().getId());
    assertTrue(policies.toString().contains("https://pc.habilis.test/pc.pdf"));
    assertTrue(new String(cert.getExtensionValue("1.3.6.1.5.5.7.1.1")).contains("http://ca.test:8080/certs/pro.der"));
  }

  @Test
  void ecKeyInAnEncryptionProfileGetsKeyAgreementNotKeyEncipherment() {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    boolean[] ec = build(ca, ProfileName.PRO_CONF, Keys.generate("EC-P256"), Map.of()).getKeyUsage();
    boolean[] rsa = build(ca, ProfileName.PRO_CONF, Keys.generate("RSA-2048"), Map.of()).getKeyUsage();
    // KeyUsage bits: 0 digitalSignature, 1 nonRepudiation, 2 keyEncipherment, 3 dataEncipherment, 4 keyAgreement.
    assertEquals(List.of(false, false, false, false, true), List.of(ec[0], ec[1], ec[2], ec[3], ec[4]));
    assertEquals(List.of(false, false, true, true, false), List.of(rsa[0], rsa[1], rsa[2], rsa[3], rsa[4]));
  }

  @Test
  void subjectIsTakenFromTheRequestNotFromTheCsr() {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    X509Certificate cert = build(ca, ProfileName.SERV_SSL, Keys.generate("EC-P256"), Map.of());
    assertEquals("CN=api.test-clinique.fr,OU=1750000000,O=CLINIQUE DE TEST,ST=Paris (75),C=FR",
        cert.getSubjectX500Principal().getName());
    assertTrue(cert.getSerialNumber().compareTo(BigInteger.ZERO) > 0);
  }
}
