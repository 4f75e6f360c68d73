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
import org.junit.jupiter.params.provider.MethodSource;
import java.nio.file.Files;

/**
 * Every profile, issued end to end through {@link IssuanceService} (H2, Vert.x workers, real CA
 * keys), is accepted by two independent validators — OpenSSL in strict mode for the product's
 * purpose, and the JDK's PKIX CertPathValidator — and carries the extensions of its profile.
 */
class ProfileCertificatesTest {
  /** One product with one key type, and what certificate-profiles.md says it must be. */
  record Case(ProfileName product, String keyType, Set<String> keyUsage, List<String> extendedKeyUsage,
      List<String> purposes, List<String> refusedPurposes) {
    @Override
    public String toString() {
      return product + " " + keyType;
    }
  }

  /**
   * The key-usage table ("## Key usages per product") and the purpose table ("## Validation") of
   * protocol-spec/certificate-profiles.md, one case per product and key type (RSA-2048, P-256):
   * the certificates are checked against the document, so the two cannot drift apart.
   */
  static List<Case> casesFromTheSpec() throws java.io.IOException {
    Path doc = Path.of("").toAbsolutePath();
    while (!Files.exists(doc.resolve("protocol-spec/certificate-profiles.md"))) doc = doc.getParent();
    List<String> lines = Files.readAllLines(doc.resolve("protocol-spec/certificate-profiles.md"));
    Map<ProfileName, List<String>> usages = rows(lines, "## Key usages per product");
    Map<ProfileName, List<String>> purposes = rows(lines, "## Validation");
    assertEquals(Set.of(ProfileName.values()), usages.keySet(), "every product in the key-usage table");
    assertEquals(Set.of(ProfileName.values()), purposes.keySet(), "every product in the purpose table");
    List<Case> cases = new ArrayList<>();
    for (ProfileName p : ProfileName.values()) {
      List<String> u = usages.get(p);
      List<String> eku = names(u.get(3));
      cases.add(purposeCase(p, "RSA-2048", new java.util.LinkedHashSet<>(names(u.get(1))), eku, purposes.get(p).get(1)));
      Set<String> ec = u.get(2).equals("same") ? new java.util.LinkedHashSet<>(names(u.get(1))) : new java.util.LinkedHashSet<>(names(u.get(2)));
      cases.add(purposeCase(p, "EC-P256", ec, eku, purposes.get(p).get(2)));
    }
    return cases;
  }

  private static Case purposeCase(ProfileName p, String keyType, Set<String> ku, List<String> eku, String purposeCell) {
    List<String> ok = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String purpose : purposeCell.split(",")) {
      String t = purpose.strip();
      if (t.endsWith("*refused*")) refused.add(t.replace("*refused*", "").strip());
      else ok.add(t);
    }
    return new Case(p, keyType, ku, eku, ok, refused);
  }

  /** The cells of the table rows ({@code | `PRODUCT` | … |}) in the section starting with {@code heading}. */
  private static Map<ProfileName, List<String>> rows(List<String> lines, String heading) {
    Map<ProfileName, List<String>> rows = new java.util.LinkedHashMap<>();
    boolean in = false;
    for (String line : lines) {
      if (line.startsWith("## ")) in = line.equals(heading);
      if (!in || !line.startsWith("| `")) continue;
      List<String> cells = new ArrayList<>();
      for (String c : line.substring(1, line.length() - 1).split("\\|")) cells.add(c.strip());
      rows.put(ProfileName.valueOf(cells.get(0).replace("`", "")), cells);
    }
    return rows;
  }

  private static List<String> names(String cell) {
    List<String> out = new ArrayList<>();
    for (String n : cell.split(",")) out.add(n.strip());
    return out;
  }

  private static final Map<String, String> EKU_OIDS = Map.of(
      "serverAuth", "1.3.6.1.5.5.7.3.1", "clientAuth", "1.3.6.1.5.5.7.3.2", "emailProtection", "1.3.6.1.5.5.7.3.4");
  private static final List<String> KEY_USAGE_BITS = List.of("digitalSignature", "nonRepudiation", "keyEncipherment",
      "dataEncipherment", "keyAgreement");

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

  @ParameterizedTest(name = "{0}")
  @MethodSource("casesFromTheSpec")
  void issuedCertificateHasTheSpecsUsagesAndPurposesInOpenSslStrictMode(Case c) throws Exception {
    ProfileName name = c.product();
    Profile profile = Profiles.get(name);
    IssuedCertificate issued = await(fixture.issue(IssuanceFixture.request(profile, Keys.csr(Keys.generate(c.keyType())))));
    X509Certificate leaf = issued.certificate();
    Path leafPem = OpenSsl.writePem(dir, name + "-" + c.keyType() + ".pem", leaf);
    Path issuingPem = OpenSsl.writePem(dir, name + "-" + c.keyType() + "-issuing.pem", issued.chain().get(1));

    // Exactly the document's keyUsage and extendedKeyUsage.
    boolean[] bits = leaf.getKeyUsage();
    Set<String> ku = new java.util.LinkedHashSet<>();
    for (int i = 0; i < KEY_USAGE_BITS.size(); i++) if (bits[i]) ku.add(KEY_USAGE_BITS.get(i));
    for (int i = KEY_USAGE_BITS.size(); i < bits.length; i++) assertTrue(!bits[i], c + ": unexpected keyUsage bit " + i);
    assertEquals(c.keyUsage(), ku, c + " keyUsage");
    assertEquals(c.extendedKeyUsage().stream().map(EKU_OIDS::get).toList(), leaf.getExtendedKeyUsage(), c + " extendedKeyUsage");

    for (String purpose : c.purposes()) {
      OpenSsl.Result verify = OpenSsl.run("verify", "-x509_strict", "-purpose", purpose,
          "-CAfile", rootPem.toString(), "-untrusted", issuingPem.toString(), leafPem.toString());
      assertEquals(0, verify.exitCode(), c + " for " + purpose + ": " + verify.output());
      assertTrue(verify.output().contains(": OK"), verify.output());
    }
    for (String purpose : c.refusedPurposes()) {
      OpenSsl.Result verify = OpenSsl.run("verify", "-x509_strict", "-purpose", purpose,
          "-CAfile", rootPem.toString(), "-untrusted", issuingPem.toString(), leafPem.toString());
      assertTrue(verify.exitCode() != 0 && verify.output().contains("unsuitable certificate purpose"),
          c + " is documented as refused for " + purpose + ": " + verify.output());
    }

    String text = OpenSsl.run("x509", "-in", leafPem.toString(), "-text", "-noout", "-certopt", "ext_parse").output();
    assertContains(text, "X509v3 Basic Constraints: critical", "CA:FALSE", "X509v3 Key Usage: critical",
        "X509v3 Extended Key Usage:", "X509v3 Certificate Policies:", "Policy: 1.2.250.1.213.1.7.2.1.1.1.1",
        "CPS: http://localhost:8080/pc", "X509v3 Authority Key Identifier:", "X509v3 Subject Key Identifier:",
        "X509v3 CRL Distribution Points:", "URI:http://localhost:8080/crl/" + profile.caId() + ".crl",
        "OCSP - URI:http://localhost:8080/ocsp", "CA Issuers - URI:http://localhost:8080/certs/" + profile.caId() + ".der",
        "Subject: C = FR, ST = Paris (75), O = CLINIQUE DE TEST, OU = 1750000000, CN = ");
    // The product-category extension: non-critical (no "critical" after the OID), an OCTET STRING holding 0x83 (test).
    assertTrue(PRODUCT_CATEGORY_TEST.matcher(text).find(), "product category 0x83 in:\n" + text);
    Profile.KeyAlgorithm alg = leaf.getPublicKey().getAlgorithm().equals("RSA") ? Profile.KeyAlgorithm.RSA : Profile.KeyAlgorithm.EC;
    for (Profile.KeyUsageBit bit : profile.keyUsageFor(alg)) assertContains(text, OPENSSL_NAMES.get(bit.name()));
    for (Profile.ExtendedKeyUsage eku : profile.extendedKeyUsage()) assertContains(text, OPENSSL_NAMES.get(eku.name()));
    if (profile.san().contains(Profile.SanKind.dns)) assertContains(text, "DNS:api.test-clinique.fr, DNS:www.test-clinique.fr");
    if (profile.san().contains(Profile.SanKind.email)) assertContains(text, "email:secretariat@test-clinique.fr");
    if (profile.san().isEmpty()) assertTrue(!text.contains("Subject Alternative Name"), "no SAN for " + name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("casesFromTheSpec")
  void issuedCertificateValidatesWithJavaPkixAndMatchesItsProfile(Case c) throws Exception {
    ProfileName name = c.product();
    Profile profile = Profiles.get(name);
    IssuedCertificate issued = await(fixture.issue(IssuanceFixture.request(profile, Keys.csr(Keys.generate(c.keyType())))));
    X509Certificate leaf = issued.certificate();

    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
    params.setRevocationEnabled(false);
    var path = CertificateFactory.getInstance("X.509").generateCertPath(issued.chain().subList(0, 2));
    var result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(path, params);
    assertEquals(leaf.getPublicKey(), result.getPublicKey());

    assertEquals(3, issued.chain().size(), "leaf, issuing CA, root");
    assertEquals(ca.issuing(profile.caId()).certificate(), issued.chain().get(1));
    assertEquals(-1, leaf.getBasicConstraints());
    assertEquals(leaf.getNotBefore().toInstant().atOffset(java.time.ZoneOffset.UTC).plusYears(3).toInstant(),
        leaf.getNotAfter().toInstant(), "three calendar years");
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
    var row = fixture.db.txBlocking(conn -> new CertificateRepository().findBySerial(conn, issued.serialHex())).orElseThrow();
    assertEquals(name.name(), row.profile());
    assertEquals(profile.caId(), row.caId());
    assertEquals("valid", row.status());
    assertEquals("1750000000", row.structureId());
    assertEquals(KeyHash.of(leaf.getPublicKey()), row.keyHash());
    assertTrue(java.util.Arrays.equals(leaf.getEncoded(), row.der()));
    assertEquals(SerialNumbers.toHex(leaf.getSerialNumber()), row.serialHex());
    int audited = fixture.db.txBlocking(conn -> {
      try (var ps = conn.prepareStatement("SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.issued' AND subject = ? AND actor = 'card:8990000001'")) {
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
  void issuerCertificatesHaveAKeyIdentifierOnlyAki() throws Exception {
    var tls = fr.habilis.ca.pki.HierarchyGenerator.tlsIdentity(ca.org(), List.of("localhost"), List.of("127.0.0.1"),
        java.time.Clock.systemUTC());
    Map<String, X509Certificate[]> issuedBy = Map.of(
        "org CA", new X509Certificate[] {ca.org().certificate(), ca.root()},
        "pro CA", new X509Certificate[] {ca.pro().certificate(), ca.root()},
        "org OCSP", new X509Certificate[] {ca.org().ocspCertificate(), ca.org().certificate()},
        "pro OCSP", new X509Certificate[] {ca.pro().ocspCertificate(), ca.pro().certificate()},
        "TLS", new X509Certificate[] {tls.chain().get(0), ca.org().certificate()});
    for (var e : issuedBy.entrySet()) {
      var aki = org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(org.bouncycastle.asn1.ASN1OctetString
          .getInstance(e.getValue()[0].getExtensionValue("2.5.29.35")).getOctets());
      byte[] issuerSki = org.bouncycastle.asn1.ASN1OctetString.getInstance(org.bouncycastle.asn1.ASN1OctetString
          .getInstance(e.getValue()[1].getExtensionValue("2.5.29.14")).getOctets()).getOctets();
      assertTrue(java.util.Arrays.equals(issuerSki, aki.getKeyIdentifier()), e.getKey() + ": keyIdentifier = issuer's SKI");
      assertEquals(null, aki.getAuthorityCertIssuer(), e.getKey() + ": no issuer name");
      assertEquals(null, aki.getAuthorityCertSerialNumber(), e.getKey() + ": no issuer serial");
    }
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
