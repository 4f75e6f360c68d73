package fr.habilis.ca.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Issue 15 item 12 with acme4j, which (like uacme, lego or certbot with their reuse-key options)
 * renews with the key it already has: the same key renews a certificate of the same product,
 * structure and names, with or without {@code replaces}, and an order that replaces it may change
 * its names; any other reuse is badCSR, and so is every reuse for a profile in freshKeyProfiles.
 */
class KeyReuseTest {
  private static TestServer server;
  private static RaFixture.Credential admin;
  private static String otherStructure;
  private static Login login;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("freshKeyProfiles", "ORG_SIGN"));
    RaFixture ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789",
        RaFixture.servSsl("example.test").add(new JsonObject().put("offer", "ORG")));
    // The same administrator for a second structure.
    otherStructure = ra.habilitate("18751275100038", "0123456789", RaFixture.servSsl("other.test")).nationalId();
    login = new AccountBuilder().agreeToTermsOfService().useKeyPair(Acme4jSessions.ecKey())
        .withKeyIdentifier(admin.eabKid(), admin.eabHmacKey()).createLogin(Acme4jSessions.session(server));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Certificate issue(OrderBuilder builder, KeyPair key) throws Exception {
    Order order = builder.create();
    order.execute(key);
    assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)));
    Certificate cert = order.getCertificate();
    cert.download();
    return cert;
  }

  private static Certificate orderOrg(String profile, String service, KeyPair key) throws Exception {
    Order order = login.newOrder().identifier(new Identifier("structure", admin.nationalId())).profile(profile).create();
    order.execute(Acme4jInteropTest.csr(key, service));
    assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)));
    Certificate cert = order.getCertificate();
    cert.download();
    return cert;
  }

  private static void refused(String expected, ThrowingRunnable attempt) {
    AcmeServerException e = assertThrows(AcmeServerException.class, attempt::run);
    assertEquals("urn:ietf:params:acme:error:badCSR", e.getType().toString(), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void theSameKeyRenewsTheSameNamesWithOrWithoutReplaces() throws Exception {
    KeyPair key = Acme4jSessions.ecKey();
    Certificate first = issue(login.newOrder().domains("www.example.test", "api.example.test"), key);
    Certificate renewed = issue(login.newOrder().domains("api.example.test", "www.example.test"), key);
    Certificate replacing = issue(login.newOrder().domains("www.example.test", "api.example.test").replaces(renewed), key);
    assertEquals(first.getCertificate().getPublicKey(), renewed.getCertificate().getPublicKey());
    assertEquals(first.getCertificate().getPublicKey(), replacing.getCertificate().getPublicKey());

    // Other names without replaces, another product, another structure: a new key is required.
    refused("for other names", () -> issue(login.newOrder().domain("www.example.test"), key));
    refused("of another product (SERV_SSL)", () -> orderOrg("ORG_AUTH_CLI", "INSI-AUTO", key));
    refused("of another structure", () -> issue(login.newOrder().domains("www.other.test"), key));
    // A fresh key is always fine.
    issue(login.newOrder().domain("www.example.test"), Acme4jSessions.ecKey());
  }

  @Test
  void anOrderThatReplacesTheCertificateMayChangeItsNames() throws Exception {
    KeyPair key = Acme4jSessions.ecKey();
    Certificate first = issue(login.newOrder().domain("mail.example.test"), key);
    Certificate next = issue(login.newOrder().domains("mail.example.test", "smtp.example.test").replaces(first), key);
    assertEquals(first.getCertificate().getPublicKey(), next.getCertificate().getPublicKey());
    // The predecessor stays valid until it expires: the key's line now has two names sets, and a
    // third certificate for yet other names is refused while the predecessor lives.
    refused("for other names", () -> issue(login.newOrder().domain("imap.example.test").replaces(next), key));
  }

  @Test
  void aKeyCompromiseRevokesEveryCertificateOfTheKey() throws Exception {
    KeyPair key = Acme4jSessions.ecKey();
    Certificate first = issue(login.newOrder().domain("vpn.example.test"), key);
    Certificate renewed = issue(login.newOrder().domain("vpn.example.test"), key);
    Certificate other = issue(login.newOrder().domain("vpn.example.test"), Acme4jSessions.ecKey());
    renewed.revoke(org.shredzone.acme4j.RevocationReason.KEY_COMPROMISE);
    RaFixture ra = RaFixture.of(server);
    for (Certificate c : java.util.List.of(first, renewed)) {
      JsonObject row = ra.get("/certificates/" + Acme4jRenewalTest.serial(c));
      assertEquals("revoked", row.getString("status"), row.encode());
    }
    assertEquals("valid", ra.get("/certificates/" + Acme4jRenewalTest.serial(other)).getString("status"));
    refused("blocked", () -> issue(login.newOrder().domain("vpn.example.test"), key));
  }

  @Test
  void aFreshKeyProfileRefusesEveryReuse() throws Exception {
    KeyPair key = Acme4jSessions.ecKey();
    orderOrg("ORG_SIGN", "SIGNATURE", key);
    refused("ORG_SIGN certificates require a new key", () -> orderOrg("ORG_SIGN", "SIGNATURE", key));
    orderOrg("ORG_SIGN", "SIGNATURE", Acme4jSessions.ecKey());
    // Other profiles keep the renewal rule.
    KeyPair auth = Acme4jSessions.ecKey();
    orderOrg("ORG_AUTH_CLI", "INSI-AUTO", auth);
    orderOrg("ORG_AUTH_CLI", "INSI-AUTO", auth);
  }
}
