package fr.habilis.ca.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * acme4j, an unmodified RFC 8555 client library, against the real server: EAB account, the ORG,
 * SERV_SSL products with challenge-free authorizations, key change, deactivation, a refusal.
 */
class Acme4jInteropTest {
  private static TestServer server;
  private static RaFixture ra;
  private static RaFixture.Credential admin;
  private static X509Certificate root;


  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ra = RaFixture.of(server);
    JsonArray offers = RaFixture.servSsl("example.test").add(new JsonObject().put("offer", "ORG"));
    admin = ra.habilitate("18751275100020", "0123456789", offers);
    try (InputStream in = Files.newInputStream(server.trustPem())) {
      root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static Session session() {
    return Acme4jSessions.session(server);
  }

  static KeyPair ecKey() throws Exception {
    return Acme4jSessions.ecKey();
  }

  static Login newAccount() throws Exception {
    RaFixture.Credential c = ra.newCredential(admin.cardNumber(), admin.nationalId());
    return new AccountBuilder().agreeToTermsOfService().addEmail("admin@example.test").useKeyPair(ecKey())
        .withKeyIdentifier(c.eabKid(), c.eabHmacKey()).createLogin(session());
  }

  static byte[] csr(KeyPair key, String cn) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + cn + ", O=ignored by the CA"), key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
  }

  /** Orders ORG_* for the structure, finalizes with the CSR's service applicatif, returns the chain. */
  static List<X509Certificate> orderOrg(Login login, String profile, String serviceApplicatif) throws Exception {
    Order order = login.newOrder().identifier(new Identifier("structure", admin.nationalId())).profile(profile).create();
    assertEquals(Status.READY, order.getStatus(), "habilitation = authorization: nothing to solve");
    assertEquals(Status.VALID, order.getAuthorizations().get(0).getStatus());
    assertTrue(order.getAuthorizations().get(0).getChallenges().isEmpty());
    order.execute(csr(ecKey(), serviceApplicatif));
    assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)));
    return order.getCertificate().getCertificateChain();
  }

  static void validate(List<X509Certificate> chain) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }

  @Test
  void orgAuthClientForInsiAutoThenInsiManu() throws Exception {
    Login login = newAccount();
    assertEquals(Status.VALID, login.getAccount().getStatus());
    for (String cn : List.of("INSI-AUTO", "INSI-MANU")) {
      List<X509Certificate> chain = orderOrg(login, "ORG_AUTH_CLI", cn);
      X509Certificate leaf = chain.get(0);
      String subject = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
      assertEquals("CN=" + cn + ",OU=318751275100020,O=CENTRE HOSPITALIER INTEROP,ST=Paris (75),C=FR", subject);
      assertEquals(List.of("1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
      validate(chain);
    }
  }

  @Test
  void insiNeedsItsExactSpelling() throws Exception {
    Login login = newAccount();
    Order order = login.newOrder().identifier(new Identifier("structure", admin.nationalId())).profile("ORG_AUTH_CLI").create();
    AcmeServerException e = assertThrows(AcmeServerException.class, () -> order.execute(csr(ecKey(), "INSI-auto")));
    assertEquals("urn:ietf:params:acme:error:badCSR", e.getType().toString());
    assertTrue(e.getMessage().contains("INSI-AUTO or INSI-MANU"), e.getMessage());
    // The order stays ready: a corrected CSR goes through.
    order.execute(csr(ecKey(), "INSI-MANU"));
    assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)));
  }

  @Test
  void orgSign() throws Exception {
    List<X509Certificate> chain = orderOrg(newAccount(), "ORG_SIGN", "DMP");
    X509Certificate leaf = chain.get(0);
    assertTrue(leaf.getKeyUsage()[0] && leaf.getKeyUsage()[1], "digitalSignature and nonRepudiation");
    validate(chain);
  }

  @Test
  void servSslWithTwoNames() throws Exception {
    Login login = newAccount();
    Order order = login.newOrder().domains("www.example.test", "api.example.test").create();
    assertEquals("SERV_SSL", order.getProfile(), "dns identifiers default to SERV_SSL");
    order.execute(ecKey());
    assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)));
    X509Certificate leaf = order.getCertificate().getCertificate();
    List<String> names = new ArrayList<>();
    leaf.getSubjectAlternativeNames().forEach(san -> names.add((String) san.get(1)));
    assertEquals(Set.of("www.example.test", "api.example.test"), Set.copyOf(names));
    assertTrue(leaf.getSubjectX500Principal().getName().startsWith("CN=www.example.test"), leaf.getSubjectX500Principal().getName());
    validate(order.getCertificate().getCertificateChain());

    // acme4j's revocation (RFC 8555 §7.6), then again: alreadyRevoked.
    order.getCertificate().revoke(org.shredzone.acme4j.RevocationReason.SUPERSEDED);
    AcmeServerException again = assertThrows(AcmeServerException.class,
        () -> order.getCertificate().revoke(org.shredzone.acme4j.RevocationReason.SUPERSEDED));
    assertEquals(URI.create("urn:ietf:params:acme:error:alreadyRevoked"), again.getType());
  }

  @Test
  void keyChangeMovesTheAccountToTheNewKey() throws Exception {
    Login login = newAccount();
    KeyPair oldKey = login.getKeyPair();
    KeyPair newKey = ecKey();
    login.getAccount().changeKey(newKey);
    // The new key reaches the same account and can order; the old one no longer identifies it.
    Login again = new AccountBuilder().onlyExisting().useKeyPair(newKey).createLogin(session());
    assertEquals(login.getAccountLocation(), again.getAccountLocation());
    again.newOrder().domain("rolled.example.test").create();
    AcmeServerException e = assertThrows(AcmeServerException.class,
        () -> new AccountBuilder().onlyExisting().useKeyPair(oldKey).createLogin(session()));
    assertEquals("urn:ietf:params:acme:error:accountDoesNotExist", e.getType().toString());
  }

  @Test
  void deactivatedAccountCanNoLongerOrder() throws Exception {
    Login login = newAccount();
    Account account = login.getAccount();
    account.deactivate();
    assertEquals(Status.DEACTIVATED, account.getStatus());
    AcmeServerException e = assertThrows(AcmeServerException.class, () -> login.newOrder().domain("www.example.test").create());
    assertEquals("urn:ietf:params:acme:error:unauthorized", e.getType().toString());
  }

  @Test
  void outOfScopeDomainIsRefusedWithItsReason() throws Exception {
    Login login = newAccount();
    AcmeServerException e = assertThrows(AcmeServerException.class,
        () -> login.newOrder().domains("www.example.test", "www.elsewhere.test").create());
    assertEquals("urn:ietf:params:acme:error:rejectedIdentifier", e.getType().toString());
    assertEquals(1, e.getProblem().getSubProblems().size());
    var sub = e.getProblem().getSubProblems().get(0);
    assertEquals("www.elsewhere.test", sub.getIdentifier().orElseThrow().getValue());
    assertTrue(sub.getDetail().orElse("").contains("outside the habilitated scopes (SERV_SSL DOMAIN example.test"),
        sub.toString());
    assertTrue(login.getAccount().getOrders().hasNext() == false, "no order was created");
  }
}
