package fr.habilis.ca.issuance;

import static fr.habilis.ca.issuance.IssuanceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.store.CertificateRepository;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every profile, issued end to end through {@link IssuanceService} (H2, Vert.x workers, real CA
 * keys), is accepted by two independent validators — OpenSSL in strict mode for the product's
 * purpose, and the JDK's PKIX CertPathValidator — and carries the extensions of its profile.
 */
class ProfileCertificatesTest {
  /** The OpenSSL purposes each product must satisfy (openssl verify -purpose). */
  private static final Map<ProfileName, List<String>> PURPOSES = Map.of(
      ProfileName.ORG_AUTH_CLI, List.of("sslclient"),
      ProfileName.ORG_SIGN, List.of("smimesign"),
      ProfileName.ORG_CONF, List.of("smimeencrypt"),
      ProfileName.SERV_SSL, List.of("sslserver", "sslclient"),
      ProfileName.SERV_SMIME, List.of("smimesign", "smimeencrypt"),
      ProfileName.SERV_SIGN, List.of("smimesign"),
      ProfileName.SERV_CONF, List.of("smimeencrypt"),
      ProfileName.PRO_AUTH, List.of("sslclient"),
      ProfileName.PRO_SIGN, List.of("smimesign"),
      ProfileName.PRO_CONF, List.of("smimeencrypt"));

  /** openssl x509 -text names of RFC 5280 key usages and purposes. */
  private static final Map<String, String> OPENSSL_NAMES = Map.of(
      "digitalSignature", "Digital Signature", "nonRepudiation", "Non Repudiation",
      "keyEncipherment", "Key Encipherment", "dataEncipherment", "Data Encipherment", "keyAgreement", "Key Agreement",
      "serverAuth", "TLS Web Server Authentication", "clientAuth", "TLS Web Client Authentication",
      "emailProtection", "E-mail Protection");

  private static final java.util.regex.Pattern PRODUCT_CATEGORY_TEST = java.util.regex.Pattern.compile(
      "1\\.2\\.250\\.1\\.71\\.1\\.2\\.5: *\\n\\s*0:d=0\\s+hl=2 l= *1 prim: OCTET STRING\\s*\\n\\s*0000 - 83 ");

  static CaHierarchy ca;
  static IssuanceFixture fixture;
  @TempDir static Path dir;
  static Path rootPem;

  @BeforeAll
  static void start() throws Exception {
    ca = IssuanceFixture.hierarchy("EC-P384");
    fixture = new IssuanceFixture(ca);
    rootPem = OpenSsl.writePem(dir, "root.pem", ca.root());
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  /** RSA for products that decrypt: OpenSSL's smimeencrypt purpose demands keyEncipherment, an RSA-only bit. */
  private static KeyPair leafKey(Profile p) {
    return p.keyUsageFor(Profile.KeyAlgorithm.RSA).contains(Profile.KeyUsageBit.keyEncipherment)
        && PURPOSES.get(p.name()).contains("smimeencrypt") ? Keys.generate("RSA-2048") : Keys.generate("EC-P256");
  }

  @ParameterizedTest
  @EnumSource(ProfileName.class)
  void issuedCertificateIsValidForItsPurposeInOpenSslStrictMode(ProfileName name) throws Exception {
    Profile profile = Profiles.get(name);
    IssuedCertificate issued = await(fixture.issue(IssuanceFixture.request(profile, Keys.csr(leafKey(profile)))));
    X509Certificate leaf = issued.certificate();
    Path leafPem = OpenSsl.writePem(dir, name + ".pem", leaf);
    Path issuingPem = OpenSsl.writePem(dir, name + "-issuing.pem", issued.chain().get(1));

    for (String purpose : PURPOSES.get(name)) {
      OpenSsl.Result verify = OpenSsl.run("verify", "-x509_strict", "-purpose", purpose,
          "-CAfile", rootPem.toString(), "-untrusted", issuingPem.toString(), leafPem.toString());
      assertEquals(0, verify.exitCode(), name + " for " + purpose + ": " + verify.output());
      assertTrue(verify.output().contains(": OK"), verify.output());
    }

    String text = OpenSsl.run("x509", "-in", leafPem.toString(), "-text", "-noout", "-certopt", "ext_parse").output();
    assertContains(text, "X509v3 Basic Constraints: critical", "CA:FALSE", "X509v3 Key Usage: critical",
        "X509v3 Extended Key Usage:", "X509v3 Certificate Policies:", "Policy: 1.2.250.1.213.1.7.2.1.1.1.1",
        "CPS: http://localhost/habilis/pc", "X509v3 Authority Key Identifier:", "X509v3 Subject Key Identifier:",
        "X509v3 CRL Distribution Points:", "URI:http://localhost:8080/crl/" + profile.caId() + ".crl",
        "OCSP - URI:http://localhost:8080/ocsp", "CA Issuers - URI:http://localhost:8080/certs/" + profile.caId() + ".der",
        "Subject: C = FR, ST = Paris (75), O = CLINIQUE DE TEST, OU = 1750000000, CN = ");
    // The product-category extension: non-critical (no "critical" after the OID), an OCTET STRING holding 0x83 (test).
    assertTrue(PRODUCT_CATEGORY_TEST.matcher(text).find(), "product category 0x83 in:\n" + text);
    Profile.KeyAlgorithm alg = leaf.getPublicKey().getAlgorithm().equals("RSA") ? Profile.KeyAlgorithm.RSA : Profile.KeyAlgorithm.EC;
    for (Profile.KeyUsageBit ku : profile.keyUsageFor(alg)) assertContains(text, OPENSSL_NAMES.get(ku.name()));
    for (Profile.ExtendedKeyUsage eku : profile.extendedKeyUsage()) assertContains(text, OPENSSL_NAMES.get(eku.name()));
    if (profile.san().contains(Profile.SanKind.dns)) assertContains(text, "DNS:api.test-clinique.fr, DNS:www.test-clinique.fr");
    if (profile.san().contains(Profile.SanKind.email)) assertContains(text, "email:secretariat@test-clinique.fr");
    if (profile.san().isEmpty()) assertTrue(!text.contains("Subject Alternative Name"), "no SAN for " + name);
  }

  @ParameterizedTest
  @EnumSource(ProfileName.class)
  void issuedCertificateValidatesWithJavaPkixAndMatchesItsProfile(ProfileName name) throws Exception {
    Profile profile = Profiles.get(name);
    IssuedCertificate issued = await(fixture.issue(IssuanceFixture.request(profile, Keys.csr(leafKey(profile)))));
    X509Certificate leaf = issued.certificate();

    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
    params.setRevocationEnabled(false);
    var path = CertificateFactory.getInstance("X.509").generateCertPath(issued.chain().subList(0, 2));
    var result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(path, params);
    assertEquals(leaf.getPublicKey(), result.getPublicKey());

    assertEquals(3, issued.chain().size(), "leaf, issuing CA, root");
    assertEquals(ca.issuing(profile.caId()).certificate(), issued.chain().get(1));
    assertEquals(-1, leaf.getBasicConstraints());
    assertEquals(Duration.ofDays(1095), Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
    assertEquals("SHA384withECDSA", leaf.getSigAlgName(), "P-384 issuing key signs with SHA-384");
    assertTrue(leaf.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.15", "2.5.29.19")));
    assertEquals(profile.extendedKeyUsage().stream().map(e -> switch (e) {
      case serverAuth -> "1.3.6.1.5.5.7.3.1";
      case clientAuth -> "1.3.6.1.5.5.7.3.2";
      case emailProtection -> "1.3.6.1.5.5.7.3.4";
    }).toList(), leaf.getExtendedKeyUsage());
    List<String> sans = new ArrayList<>();
    if (leaf.getSubjectAlternativeNames() != null) leaf.getSubjectAlternativeNames().forEach(g -> sans.add(g.get(1).toString()));
    List<String> expectedSans = new ArrayList<>(IssuanceFixture.request(profile, new byte[0]).dnsNames());
    expectedSans.addAll(IssuanceFixture.request(profile, new byte[0]).emails());
    assertEquals(expectedSans, sans);

    // Stored and audited in the same transaction.
    var row = fixture.db.txBlocking(c -> new CertificateRepository().findBySerial(c, issued.serialHex())).orElseThrow();
    assertEquals(name.name(), row.profile());
    assertEquals(profile.caId(), row.caId());
    assertEquals("valid", row.status());
    assertEquals("1750000000", row.structureId());
    assertEquals(KeyHash.of(leaf.getPublicKey()), row.keyHash());
    assertTrue(java.util.Arrays.equals(leaf.getEncoded(), row.der()));
    assertEquals(SerialNumbers.toHex(leaf.getSerialNumber()), row.serialHex());
    int audited = fixture.db.txBlocking(c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.issued' AND subject = ? AND actor = 'card:8990000001'")) {
        ps.setString(1, issued.serialHex());
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
    assertEquals(1, audited);
    assertTrue(fixture.db.txBlocking(AuditLog::verify).ok());
  }

  @Test
  void certificateFromAnRsaHierarchyIsSha256WithRsaAndValidInOpenSsl() throws Exception {
    CaHierarchy rsa = IssuanceFixture.hierarchy("RSA-2048");
    try (IssuanceFixture f = new IssuanceFixture(rsa)) {
      Profile p = Profiles.get(ProfileName.SERV_SSL);
      IssuedCertificate issued = await(f.issue(IssuanceFixture.request(p, Keys.csr(Keys.generate("RSA-2048")))));
      assertEquals("SHA256withRSA", issued.certificate().getSigAlgName());
      Path root = OpenSsl.writePem(dir, "rsa-root.pem", rsa.root());
      Path issuing = OpenSsl.writePem(dir, "rsa-issuing.pem", issued.chain().get(1));
      Path leaf = OpenSsl.writePem(dir, "rsa-leaf.pem", issued.certificate());
      OpenSsl.Result verify = OpenSsl.run("verify", "-x509_strict", "-purpose", "sslserver",
          "-CAfile", root.toString(), "-untrusted", issuing.toString(), leaf.toString());
      assertEquals(0, verify.exitCode(), verify.output());
      assertContains(OpenSsl.run("x509", "-in", leaf.toString(), "-text", "-noout").output(),
          "Signature Algorithm: sha256WithRSAEncryption", "Digital Signature, Key Encipherment");
    }
  }

  private static void assertContains(String text, String... needles) {
    for (String n : needles) assertTrue(text.contains(n), "missing '" + n + "' in:\n" + text);
  }
}
