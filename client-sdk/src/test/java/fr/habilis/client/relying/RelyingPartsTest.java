package fr.habilis.client.relying;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The small parts on their own, without a CA: the cache, the INSi rule, URL extraction. */
class RelyingPartsTest {
  private static final KeyPair KEY;

  static {
    try {
      KEY = HabilisCa.ecKey();
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Test
  void cacheDropsTheLeastRecentlyUsedAndExpiredEntries() {
    BoundedCache<String, String> cache = new BoundedCache<>(2);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    cache.put("a", "A", now.plusSeconds(60), now);
    cache.put("b", "B", now.plusSeconds(60), now);
    assertEquals("A", cache.get("a", now)); // "a" is now the most recently used
    cache.put("c", "C", now.plusSeconds(60), now);
    assertNull(cache.get("b", now), "least recently used, evicted");
    assertEquals("A", cache.get("a", now));
    assertNull(cache.get("c", now.plusSeconds(60)), "expired at its nextUpdate");
    cache.put("d", "D", now.minusSeconds(1), now);
    assertNull(cache.get("d", now), "already expired: not stored");
    assertEquals(1, cache.size());
  }

  @Test
  void insiRuleWantsExactlyOneCnSpelledExactly() throws Exception {
    CertificateRule rule = CertificateRule.insiServiceName();
    assertDoesNotThrow(() -> rule.check(cert("CN=INSI-AUTO, OU=318751275100020, O=CH, C=FR")));
    assertDoesNotThrow(() -> rule.check(cert("CN=INSI-MANU, O=CH, C=FR")));
    // Wrong case, missing hyphen, another service, two CNs, none, a trailing (escaped) space.
    for (String dn : List.of("CN=INSI-auto, O=CH", "CN=INSIAUTO", "CN=DMP", "CN=INSI-AUTO+CN=DMP", "O=CH, C=FR",
        "CN=INSI-AUTO\\ , O=CH")) {
      CertificateException e = assertThrows(CertificateException.class, () -> rule.check(cert(dn)), dn);
      assertTrue(e.getMessage().contains("INSI-AUTO or INSI-MANU"), e.getMessage());
    }
  }

  @Test
  void onlyHttpRevocationUrlsAreUsed() throws Exception {
    X509Certificate c = cert("CN=X", b -> {
      b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
          new AccessDescription(AccessDescription.id_ad_ocsp, uri("ldap://ocsp.example/")),
          new AccessDescription(AccessDescription.id_ad_caIssuers, uri("http://ca.example/ca.der")),
          new AccessDescription(AccessDescription.id_ad_ocsp, uri("http://ocsp.example/"))}));
      b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
          new DistributionPoint(new DistributionPointName(new GeneralNames(new GeneralName[] {
              uri("file:///etc/passwd"), uri("https://crl.example/a.crl")})), null, null),
          // indirect CRL (cRLIssuer): not supported, skipped
          new DistributionPoint(new DistributionPointName(new GeneralNames(uri("http://other.example/b.crl"))), null,
              new GeneralNames(new GeneralName(new X500Name("CN=Other"))))}));
    });
    assertEquals(List.of(URI.create("http://ocsp.example/")), CertificateUrls.ocsp(c));
    assertEquals(List.of(URI.create("https://crl.example/a.crl")), CertificateUrls.crl(c));
    assertEquals(List.of(), CertificateUrls.ocsp(cert("CN=Y")));
  }

  @Test
  void builderRefusesAMissingAnchorAndNonsense() {
    assertThrows(IllegalStateException.class, () -> RevocationChecker.builder().build());
    assertThrows(IllegalArgumentException.class, () -> RevocationChecker.builder().readTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RevocationChecker.builder().cacheSize(0));
  }

  private interface Extensions {
    void add(JcaX509v3CertificateBuilder b) throws Exception;
  }

  private static GeneralName uri(String u) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, u);
  }

  private static X509Certificate cert(String dn) throws Exception {
    return cert(dn, b -> {});
  }

  private static X509Certificate cert(String dn, Extensions ext) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=Issuer"), BigInteger.TEN,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), new X500Name(dn), KEY.getPublic());
    ext.add(b);
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate())));
  }
}
