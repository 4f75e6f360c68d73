package fr.habilis.ca.issuance;

import static fr.habilis.ca.issuance.IssuanceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.pki.CaHierarchy;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service's own behaviour: threading, request validation and the audit entry. */
class IssuanceServiceTest {
  static IssuanceFixture fixture;

  @BeforeAll
  static void start() {
    CaHierarchy ca = IssuanceFixture.hierarchy("EC-P384");
    fixture = new IssuanceFixture(ca);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @Test
  void issuingFromAnEventLoopRunsNoJdbcOrSigningOnIt() throws Exception {
    // Database.txBlocking throws on an event-loop thread, so any JDBC there would fail this issuance.
    Promise<IssuedCertificate> done = Promise.promise();
    Profile p = Profiles.get(ProfileName.SERV_SSL);
    byte[] csr = Keys.csr(Keys.generate("EC-P256"));
    fixture.vertx.runOnContext(v -> fixture.issue(IssuanceFixture.request(p, csr)).onComplete(done));
    IssuedCertificate issued = await(done.future());
    assertEquals("org", p.caId());
    assertEquals(issued.chain().get(1), fixture.ctx.ca().org().certificate());
  }

  @Test
  void unknownProfileFailsTheFutureWithoutReservingASerial() throws Exception {
    IssuanceRequest r = new IssuanceRequest("SERV_TLS", Keys.csr(Keys.generate("EC-P256")),
        IssuanceFixture.subject("x"), List.of(), List.of(), "8990000001", null, null);
    long before = fixture.count("SELECT COUNT(*) FROM serials");
    assertThrows(IllegalArgumentException.class, () -> await(fixture.issue(r)));
    assertEquals(before, fixture.count("SELECT COUNT(*) FROM serials"));
  }

  @Test
  void serverCertificateWhoseCommonNameIsNotAnAuthorisedNameIsRefused() {
    IssuanceRequest r = new IssuanceRequest("SERV_SSL", Keys.csr(Keys.generate("EC-P256")),
        IssuanceFixture.subject("evil.example.org"), List.of("api.test-clinique.fr"), List.of(), "8990000001", null, null);
    assertThrows(IllegalArgumentException.class, () -> await(fixture.issue(r)));
  }

  @Test
  void acmeIssuanceIsAuditedUnderTheAccountWithOrderAndNames() throws Exception {
    Profile p = Profiles.get(ProfileName.SERV_SSL);
    IssuanceRequest r = new IssuanceRequest("SERV_SSL", Keys.csr(Keys.generate("EC-P384")), IssuanceFixture.subject("api.test-clinique.fr"),
        List.of("api.test-clinique.fr"), List.of(), null, 42L, 7L);
    IssuedCertificate issued = await(fixture.issue(r));
    String[] row = fixture.db.txBlocking(c -> {
      try (var ps = c.prepareStatement("SELECT actor, details FROM audit_log WHERE subject = ?")) {
        ps.setString(1, issued.serialHex());
        try (var rs = ps.executeQuery()) {
          rs.next();
          return new String[] {rs.getString(1), rs.getString(2)};
        }
      }
    });
    assertEquals("acme-account:42", row[0]);
    JsonObject details = new JsonObject(row[1]);
    assertEquals(p.name().name(), details.getString("profile"));
    assertEquals(7L, details.getLong("orderId"));
    assertEquals("api.test-clinique.fr", details.getJsonArray("dns").getString(0));
    assertEquals(KeyHash.of(issued.certificate().getPublicKey()), details.getString("keyHash"));
  }

  @Test
  void auditDetailsOfAHugeNameListStillFitTheAuditColumn() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 200; i++) names.add("host" + i + ".test-clinique.fr");
    IssuanceRequest r = new IssuanceRequest("SERV_SSL", new byte[0], IssuanceFixture.subject("host0.test-clinique.fr"), names, List.of(), "8990000001", null, null);
    var row = new fr.habilis.ca.store.CertificateRepository.StoredCertificate("01", "org", "SERV_SSL", "CN=x", "x", "1", "8990000001",
        null, null, "ab", java.time.Instant.EPOCH, java.time.Instant.EPOCH, new byte[0], "valid", null, null);
    String details = IssuanceService.details(r, row);
    assertTrue(details.length() <= 4000, "length " + details.length());
    assertTrue(details.contains("200 names"));
  }
}
