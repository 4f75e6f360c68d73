package fr.habilis.client.renewal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.client.CaFixture;
import fr.habilis.client.CertificateRequest;
import fr.habilis.client.ClientSettings;
import fr.habilis.client.HabilisAccount;
import fr.habilis.client.HabilisClient;
import fr.habilis.client.IssuedCertificate;
import fr.habilis.client.KeyType;
import fr.habilis.client.Product;
import fr.habilis.client.RenewalWindow;
import fr.habilis.client.ServerProblemException;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.toolbox.AcmeUtils;

/**
 * The renewal manager against the CA's ARI (RFC 9773), unchanged for its callers: its window is
 * the server's slot of the window scaled to 60-second certificates, an RA incident makes the next
 * run renew with {@code replaces}, and the CA records the successor in the product's chain.
 */
class ServerWindowRenewalTest {
  private static CaFixture ca;
  private static HabilisAccount account;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    ca = CaFixture.start(Map.of("certificateValidity", "PT60S"));
    HabilisClient client = HabilisClient.connect(ca.directory(), ca.trust(),
        ClientSettings.defaults().withOperationTimeout(Duration.ofSeconds(5)).withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    account = client.register(ca.credential(), KeyType.EC_P256.generate(), List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    ca.close();
  }

  private RenewalManager manager() throws Exception {
    return new RenewalManager(account, StateDirectory.open(dir.resolve("state")),
        RenewalSettings.defaults().withAttempts(2, Duration.ofMillis(500)));
  }

  private static CertificateRequest tls(String name) {
    return CertificateRequest.of(Product.SERV_SSL).dns(name).keyType(KeyType.EC_P256).build();
  }

  private static String hex(BigInteger serial) {
    return SerialNumbers.toHex(serial);
  }

  private static String hex(String sdkSerial) {
    return SerialNumbers.toHex(new BigInteger(sdkSerial, 16));
  }

  /** The CA's renewalInfo answer, read without the SDK. */
  private static JsonObject serverWindow(X509Certificate cert) throws Exception {
    HttpResponse<String> r = ca.server.httpClient().send(HttpRequest.newBuilder(URI.create(
        ca.server.endpoints().acmeBase() + "/renewal-info/" + AcmeUtils.getRenewalUniqueIdentifier(cert))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonObject("suggestedWindow");
  }

  @Test
  void theManagersWindowIsTheServersSlotOfTheScaledWindow() throws Exception {
    RenewalManager m = manager();
    ManagedCertificate entry = m.obtain("window", tls("window.example.test"), Outputs.pem(dir.resolve("pem")), null);
    X509Certificate cert = m.state().chain("window").get(0);
    RenewalWindow w = m.window(entry, cert);

    assertTrue(w.fromServer(), w.toString());
    JsonObject server = serverWindow(cert);
    assertEquals(Instant.parse(server.getString("start")), w.start());
    assertEquals(Instant.parse(server.getString("end")), w.end());
    Instant notBefore = cert.getNotBefore().toInstant();
    assertFalse(w.start().isBefore(notBefore.plusSeconds(40)), "the window of a 60-s certificate opens at 40 s: " + w);
    assertFalse(w.end().isAfter(notBefore.plusSeconds(50)), "and closes by 50 s: " + w);
    assertTrue(w.recheckAfter().orElseThrow().isBefore(Instant.now().plusSeconds(2)), "Retry-After: 1 s");

    RunReport r = m.runAll(false);
    assertEquals(RunReport.Outcome.NOT_DUE, r.lines().get(0).outcome());
    assertTrue(r.lines().get(0).detail().contains("ARI window"), r.lines().get(0).detail());
  }

  @Test
  void anIncidentMakesTheNextRunRenewWithReplacesAndTheCaRecordsTheSuccessor() throws Exception {
    RenewalManager m = manager();
    ManagedCertificate entry = m.obtain("incident", tls("incident.example.test"), Outputs.pem(dir.resolve("pem")), null);
    X509Certificate before = m.state().chain("incident").get(0);
    assertEquals(RunReport.Outcome.NOT_DUE, m.runAll(false).lines().get(0).outcome());

    JsonObject incident = ca.ra.incident("structure", CaFixture.NATIONAL_ID, "TLS keys of the structure exposed");
    RenewalWindow w = m.window(entry, before);
    assertTrue(w.end().isBefore(Instant.now()), "the server's window is now wholly past: " + w);
    assertEquals(incident.getString("explanationURL"), w.explanation().orElseThrow().toString());

    RunReport r = m.runAll(false);
    assertEquals(RunReport.Outcome.RENEWED, r.lines().get(0).outcome(), r.lines().toString());
    X509Certificate after = m.state().chain("incident").get(0);
    assertNotEquals(before.getSerialNumber(), after.getSerialNumber());

    JsonObject old = ca.ra.get("/certificates/" + hex(before.getSerialNumber()));
    assertEquals(hex(after.getSerialNumber()), old.getString("replacedBy"), "replaces reached the CA");
    List<Object> chain = ca.ra.get("/certificates/" + hex(after.getSerialNumber()) + "/renewals").getJsonArray("renewals")
        .stream().map(c -> ((JsonObject) c).getString("serial")).collect(java.util.stream.Collectors.toList());
    assertEquals(List.of(hex(before.getSerialNumber()), hex(after.getSerialNumber())), chain);

    assertEquals(RunReport.Outcome.NOT_DUE, m.runAll(false).lines().get(0).outcome(),
        "the successor, issued after the incident, is on its own schedule");
  }

  /** The CA issued a successor this client never received (lost answer, lost files): it renews anyway. */
  @Test
  void aCertificateReplacedBehindTheManagersBackIsRenewedWithoutReplaces() throws Exception {
    RenewalManager m = manager();
    ManagedCertificate entry = m.obtain("lost", tls("lost.example.test"), Outputs.pem(dir.resolve("pem")), null);
    X509Certificate current = m.state().chain("lost").get(0);
    IssuedCertificate stray = account.order(entry.template().renewing(current));

    RunReport r = m.run(List.of("lost"), true);
    assertEquals(RunReport.Outcome.RENEWED, r.lines().get(0).outcome(), r.lines().toString());
    String renewed = hex(m.state().load("lost").serial());
    assertNotEquals(hex(stray.serialHex()), renewed);
    assertEquals(hex(stray.serialHex()), ca.ra.get("/certificates/" + hex(current.getSerialNumber())).getString("replacedBy"));
    assertFalse(ca.ra.get("/certificates/" + renewed).containsKey("replaces"));
  }

  /**
   * An expired predecessor is not named in replaces (the CA would refuse it, and the renewal must
   * go on). A certificate the CA never issued shows which: live, it is sent and refused.
   */
  @Test
  void anExpiredPredecessorIsNotSentAsReplaces() throws Exception {
    X509Certificate expired = foreign(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)));
    X509Certificate live = foreign(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1)));
    IssuedCertificate issued = account.order(CertificateRequest.of(Product.SERV_SSL).dns("expired.example.test")
        .keyType(KeyType.EC_P256).replaces(expired).build());
    assertTrue(issued.notAfter().isAfter(Instant.now()));
    ServerProblemException e = assertThrows(ServerProblemException.class, () -> account.order(
        CertificateRequest.of(Product.SERV_SSL).dns("expired.example.test").keyType(KeyType.EC_P256).replaces(live).build()));
    assertEquals("malformed", e.type());
    assertTrue(e.getMessage().contains("no certificate"), e.getMessage());
  }

  /** A certificate from elsewhere, with an authority key identifier (so that it has an ARI identifier). */
  private static X509Certificate foreign(Instant notBefore, Instant notAfter) throws Exception {
    KeyPair key = KeyType.EC_P256.generate();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=elsewhere"), BigInteger.valueOf(4242),
        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=expired.example.test"), key.getPublic());
    b.addExtension(Extension.authorityKeyIdentifier, false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(key.getPublic()));
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(key.getPrivate())));
  }
}
