package fr.habilis.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SDK against the real CA: every product, keys made locally, refusals carrying the server's reason. */
class OrderProductsTest {
  private static CaFixture ca;
  private static HabilisAccount account;

  @BeforeAll
  static void start() throws Exception {
    ca = CaFixture.start();
    account = ca.newAccount();
  }

  @AfterAll
  static void stop() throws Exception {
    ca.close();
  }

  static CertificateRequest.Builder requestFor(Product p) {
    CertificateRequest.Builder b = CertificateRequest.of(p).keyType(KeyType.EC_P256);
    switch (p.identifierKind()) {
      case STRUCTURE:
        return b.structure(CaFixture.NATIONAL_ID).commonName(p == Product.ORG_AUTH_CLI ? "INSI-AUTO" : "DMP");
      case DNS:
        return b.dns("www.example.test", "api.example.test");
      default:
        return p.nameKind() == Product.NameKind.PERSON
            ? b.email(CaFixture.PRO_EMAIL) // no CN: the CA takes the professional's from the RA's record
            : b.email("bal.labo@example.test").commonName("MSS LABO");
    }
  }

  @ParameterizedTest
  @EnumSource(Product.class)
  void everyProductIsIssuedForALocalKey(Product product) throws Exception {
    IssuedCertificate issued = account.order(requestFor(product).build());
    X509Certificate leaf = issued.certificate();
    assertEquals(issued.keyPair().getPublic(), leaf.getPublicKey(), "the certificate is for the key made here");
    assertEquals(2, issued.chain().size(), "leaf then issuing CA");
    ca.validate(issued.chain());
    String subject = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
    String cn = product.nameKind() == Product.NameKind.PERSON ? CaFixture.PRO_CN : issued.request().commonName();
    assertTrue(subject.startsWith("CN=" + cn + ","), subject);
    assertTrue(subject.contains("OU=" + CaFixture.NATIONAL_ID), subject);
  }

  @Test
  void rsa2048IsTheDefaultKey() throws Exception {
    IssuedCertificate issued = account.order(CertificateRequest.of(Product.ORG_AUTH_CLI)
        .structure(CaFixture.NATIONAL_ID).serviceApplicatif("INSI-MANU").build());
    assertEquals(2048, ((RSAPublicKey) issued.certificate().getPublicKey()).getModulus().bitLength());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), issued.certificate().getExtendedKeyUsage());
  }

  @Test
  void progressIsReportedStepByStep() throws Exception {
    List<ProgressListener.Step> steps = new ArrayList<>();
    account.order(requestFor(Product.SERV_SSL).build(), (step, message) -> steps.add(step));
    assertEquals(ProgressListener.Step.KEY_GENERATED, steps.get(0));
    assertEquals(ProgressListener.Step.ISSUED, steps.get(steps.size() - 1));
    assertTrue(steps.contains(ProgressListener.Step.FINALIZING), steps.toString());
  }

  @Test
  void outOfScopeDomainCarriesTheHabilitationRule() throws Exception {
    ServerProblemException e = assertThrows(ServerProblemException.class, () -> account.order(
        CertificateRequest.of(Product.SERV_SSL).dns("www.example.test", "www.elsewhere.test").keyType(KeyType.EC_P256).build()));
    assertEquals("rejectedIdentifier", e.type());
    assertEquals(403, e.problem().status());
    AcmeProblem sub = e.problem().subproblems().get(0);
    assertEquals("www.elsewhere.test", sub.identifierValue().orElseThrow());
    assertEquals("DOMAIN_OUT_OF_SCOPE", sub.reason().orElseThrow());
    assertTrue(e.getMessage().contains("www.elsewhere.test") && e.getMessage().contains("DOMAIN_OUT_OF_SCOPE"), e.getMessage());
  }

  @Test
  void misspelledInsiNameIsRefusedAsBadCsr() throws Exception {
    ServerProblemException e = assertThrows(ServerProblemException.class, () -> account.order(CertificateRequest
        .of(Product.ORG_AUTH_CLI).structure(CaFixture.NATIONAL_ID).commonName("INSI-Auto").keyType(KeyType.EC_P256).build()));
    assertEquals("badCSR", e.type());
    assertTrue(e.getMessage().contains("INSI-AUTO or INSI-MANU"), e.getMessage());
  }

  @Test
  void wrongEabKeyIsUnauthorized() throws Exception {
    EabCredential good = ca.credential();
    EabCredential wrong = EabCredential.of(good.keyId(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    ServerProblemException e = assertThrows(ServerProblemException.class,
        () -> ca.client().register(wrong, KeyType.EC_P256.generate(), List.of()));
    assertEquals("unauthorized", e.type());
  }

  @Test
  void aProCertificateInSomeoneElsesNameIsRefused() {
    ServerProblemException e = assertThrows(ServerProblemException.class, () -> account.order(CertificateRequest
        .of(Product.PRO_SIGN).email(CaFixture.PRO_EMAIL).commonName("Dr Gregory HOUSE").keyType(KeyType.EC_P256).build()));
    assertEquals("badCSR", e.type());
    assertTrue(e.getMessage().contains(CaFixture.PRO_CN), e.getMessage());
  }

  @Test
  void requestsMissingWhatTheirProductNeedsFailLocally() {
    assertThrows(IllegalArgumentException.class, () -> CertificateRequest.of(Product.ORG_AUTH_CLI).commonName("DMP").build());
    assertThrows(IllegalArgumentException.class, () -> CertificateRequest.of(Product.ORG_SIGN).structure(CaFixture.NATIONAL_ID).build());
    assertThrows(IllegalArgumentException.class, () -> CertificateRequest.of(Product.SERV_SSL).build());
    assertThrows(IllegalArgumentException.class, () -> CertificateRequest.of(Product.SERV_SSL).dns("*.example.test").build());
    assertThrows(IllegalArgumentException.class, () -> Product.parse("SERV_TLS"));
    assertThrows(IllegalArgumentException.class, () -> CertificateRequest.of(Product.PRO_AUTH).email("a@example.test", "b@example.test").build());
  }
}
