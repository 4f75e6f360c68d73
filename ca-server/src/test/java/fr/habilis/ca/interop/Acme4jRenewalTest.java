package fr.habilis.ca.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.issuance.SerialNumbers;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * acme4j 4.0, unmodified, with ARI (RFC 9773): it finds renewalInfo in the directory, reads an
 * issued certificate's window through {@code Certificate.getRenewalInfo()}, renews with
 * {@code OrderBuilder.replaces}, gets alreadyReplaced when it tries again, and sees an RA incident
 * as "renewal overdue" at its next poll.
 */
class Acme4jRenewalTest {
  private static TestServer server;
  private static RaFixture ra;
  private static RaFixture.Credential admin;
  private static Login login;


  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    login = new AccountBuilder().agreeToTermsOfService().useKeyPair(ecKey())
        .withKeyIdentifier(admin.eabKid(), admin.eabHmacKey())
        .createLogin(Acme4jSessions.session(server));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static KeyPair ecKey() throws Exception {
    return Acme4jSessions.ecKey();
  }

  static Certificate issue(String name, Certificate replaces) throws Exception {
    var builder = login.newOrder().domain(name);
    if (replaces != null) builder.replaces(replaces);
    Order order = builder.create();
    order.execute(ecKey());
    assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)));
    Certificate cert = order.getCertificate();
    cert.download();
    return cert;
  }

  static String serial(Certificate cert) {
    return SerialNumbers.toHex(cert.getCertificate().getSerialNumber());
  }

  @Test
  void readsTheWindowRenewsWithReplacesAndIsToldAlreadyReplacedTheSecondTime() throws Exception {
    Certificate first = issue("www.example.test", null);
    assertTrue(first.hasRenewalInfo(), "the directory offers renewalInfo and the certificate has an AKI");
    RenewalInfo info = first.getRenewalInfo();
    Optional<Instant> retryAfter = info.fetch();
    Instant notAfter = first.getCertificate().getNotAfter().toInstant();
    assertFalse(info.getSuggestedWindowStart().isBefore(notAfter.minus(Duration.ofDays(60))));
    assertFalse(info.getSuggestedWindowEnd().isAfter(notAfter.minus(Duration.ofDays(30))));
    assertTrue(info.renewalIsNotRequired(Instant.now()));
    assertTrue(info.getExplanation().isEmpty());
    Instant sixHours = Instant.now().plus(Duration.ofHours(6));
    assertTrue(Duration.between(retryAfter.orElseThrow(), sixHours).abs().toMinutes() < 2, retryAfter.toString());

    Certificate second = issue("www.example.test", first);
    X509Certificate next = second.getCertificate();
    JsonObject recorded = ra.get("/certificates/" + serial(first));
    assertEquals(SerialNumbers.toHex(next.getSerialNumber()), recorded.getString("replacedBy"));

    AcmeServerException again = assertThrows(AcmeServerException.class,
        () -> login.newOrder().domain("www.example.test").replaces(first).create());
    assertEquals(URI.create("urn:ietf:params:acme:error:alreadyReplaced"), again.getType());
  }

  @Test
  void anIncidentOnTheStructureMakesTheNextPollSayRenewalIsOverdue() throws Exception {
    Certificate cert = issue("api.example.test", null);
    RenewalInfo info = cert.getRenewalInfo();
    info.fetch();
    assertTrue(info.renewalIsNotRequired(Instant.now()));

    JsonObject incident = ra.incident("structure", admin.nationalId(), "intermediate CA re-keyed: renew now");
    info.fetch();
    assertTrue(info.renewalIsOverdue(Instant.now()), info.getSuggestedWindowStart() + " .. " + info.getSuggestedWindowEnd());
    assertEquals(incident.getString("explanationURL"), info.getExplanation().orElseThrow().toString());

    Certificate renewed = issue("api.example.test", cert);
    RenewalInfo after = renewed.getRenewalInfo();
    after.fetch();
    assertTrue(after.renewalIsNotRequired(Instant.now()), "the successor is issued after the incident");
  }
}
