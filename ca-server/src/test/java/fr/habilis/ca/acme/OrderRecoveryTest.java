package fr.habilis.ca.acme;

import static fr.habilis.ca.acme.AcmeProtocolTest.csr;
import static fr.habilis.ca.acme.AcmeProtocolTest.ecKey;
import static fr.habilis.ca.acme.AcmeProtocolTest.order;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.store.Sql;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Crash recovery of orders left processing (issue 15 item 8): finalize is stopped right after it
 * committed the order's move to processing with its reserved serial (testStopAfterProcessing, as a
 * process killed at that point), the server is stopped, and another one started on the same data
 * directory and ports completes or fails the order; the client's polling never ends processing.
 */
class OrderRecoveryTest {
  private Path dataDir;
  private TestServer server;

  @AfterEach
  void cleanUp() throws Exception {
    if (server != null) server.stop();
    if (dataDir != null) TestServer.deleteRecursively(dataDir);
  }

  /** A client with an account on {@code server}, habilitated for SERV_SSL on {@code domain}. */
  private RawAcmeClient account(String siret, String card, String domain) throws Exception {
    RaFixture.Credential admin = RaFixture.of(server).habilitate(siret, card, RaFixture.servSsl(domain));
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(admin), 201, "newAccount");
    return c;
  }

  /** newOrder then finalize, which the switch stops in processing; returns the order URL. */
  private static String finalizeStoppedInProcessing(RawAcmeClient c, String name, KeyPair key) throws Exception {
    HttpResponse<String> created = c.post(c.url("newOrder"), order(name), false);
    RawAcmeClient.expect(created, 201, "newOrder");
    HttpResponse<String> fin = c.post(new JsonObject(created.body()).getString("finalize"),
        RawAcmeClient.csrPayload(csr(key, name)), false);
    RawAcmeClient.expect(fin, 200, "finalize");
    JsonObject o = new JsonObject(fin.body());
    assertEquals("processing", o.getString("status"), fin.body());
    assertNull(o.getString("certificate"), "no certificate URL before the certificate exists");
    return created.headers().firstValue("Location").orElseThrow();
  }

  private TestServer startFresh(Map<String, String> settings) throws Exception {
    dataDir = Files.createTempDirectory("habilis-recovery");
    Map<String, String> all = new HashMap<>(settings);
    all.put("dataDir", dataDir.toString());
    return TestServer.start(all);
  }

  /** Stops {@code server} and starts another on its data directory and ports (the client's URLs stay valid). */
  private TestServer restart(Map<String, String> settings) throws Exception {
    String https = Integer.toString(server.server().endpointsJson().getInteger("httpsPort"));
    String http = Integer.toString(server.server().endpointsJson().getInteger("httpPort"));
    server.stop();
    Map<String, String> all = new HashMap<>(settings);
    all.put("dataDir", dataDir.toString());
    all.put("httpsPort", https);
    all.put("httpPort", http);
    return TestServer.start(all);
  }

  /** Polls the order (POST-as-GET) while it is processing, for at most {@code max}. */
  private static JsonObject pollWhileProcessing(RawAcmeClient c, String orderUrl, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      HttpResponse<String> r = c.post(orderUrl, "", false);
      RawAcmeClient.expect(r, 200, "order");
      JsonObject o = new JsonObject(r.body());
      if (!"processing".equals(o.getString("status")) || System.nanoTime() > deadline) return o;
      Thread.sleep(200);
    }
  }

  private Object one(String sql, Object... args) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getObject(1) : null;
        }
      }
    });
  }

  private static long orderId(String orderUrl) {
    return Long.parseLong(orderUrl.substring(orderUrl.lastIndexOf('/') + 1));
  }

  @Test
  void orderLeftProcessingByAStoppedServerEndsValidWithItsReservedSerialAfterRestart() throws Exception {
    // A bound of an hour: this instance's own recovery leaves the order alone while it is up.
    server = startFresh(Map.of("testStopAfterProcessing", "true", "processingRecoveryAfter", "PT1H"));
    RawAcmeClient c = account("18751275100020", "0123456789", "recovery.test");
    KeyPair key = ecKey();
    String orderUrl = finalizeStoppedInProcessing(c, "www.recovery.test", key);
    long id = orderId(orderUrl);
    String reserved = (String) one("SELECT certificate_serial FROM acme_orders WHERE id = ?", id);
    assertNotNull(reserved, "finalize keeps the reserved serial with the order");
    assertNotNull(one("SELECT csr FROM acme_orders WHERE id = ?", id), "finalize keeps the CSR with the order");
    assertEquals(1L, ((Number) one("SELECT COUNT(*) FROM serials WHERE serial = ?", reserved)).longValue());
    assertEquals(0L, ((Number) one("SELECT COUNT(*) FROM certificates")).longValue());
    long serialsBefore = ((Number) one("SELECT COUNT(*) FROM serials")).longValue();

    server = restart(Map.of("processingRecoveryAfter", "PT1S"));
    JsonObject o = pollWhileProcessing(c, orderUrl, Duration.ofSeconds(30));

    assertEquals("valid", o.getString("status"), o.encode());
    assertTrue(o.getString("certificate").endsWith("/" + reserved), o.encode());
    HttpResponse<String> pem = c.post(o.getString("certificate"), "", false);
    RawAcmeClient.expect(pem, 200, "certificate");
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.body().getBytes()));
    assertEquals(new BigInteger(reserved, 16), leaf.getSerialNumber());
    assertArrayEquals(key.getPublic().getEncoded(), leaf.getPublicKey().getEncoded(), "the stored CSR's key");
    assertTrue(leaf.getSubjectX500Principal().getName().contains("CN=www.recovery.test"), leaf.getSubjectX500Principal().getName());
    assertEquals(serialsBefore, ((Number) one("SELECT COUNT(*) FROM serials")).longValue(), "no new serial drawn");
    assertNull(one("SELECT csr FROM acme_orders WHERE id = ?", id), "the CSR is not kept once the order is valid");
    assertEquals(1L, ((Number) one("SELECT COUNT(*) FROM audit_log WHERE action = 'acme.order.recovered' AND subject = ?",
        orderUrl)).longValue());
  }

  @Test
  void habilitationRevokedWhileTheOrderWasLeftProcessingMakesItInvalidWithTheReason() throws Exception {
    server = startFresh(Map.of("testStopAfterProcessing", "true", "processingRecoveryAfter", "PT1H"));
    RawAcmeClient c = account("18751275100038", "0123456790", "withdrawn.test");
    String orderUrl = finalizeStoppedInProcessing(c, "www.withdrawn.test", ecKey());
    long id = orderId(orderUrl);
    String reserved = (String) one("SELECT certificate_serial FROM acme_orders WHERE id = ?", id);
    String habilitation = (String) one("SELECT habilitation_ref FROM acme_orders WHERE id = ?", id);
    RaFixture.of(server).post("/habilitations/" + habilitation + "/revoke", new JsonObject().put("reason", "contract ended"), 200);

    server = restart(Map.of("processingRecoveryAfter", "PT1S"));
    JsonObject o = pollWhileProcessing(c, orderUrl, Duration.ofSeconds(30));

    assertEquals("invalid", o.getString("status"), o.encode());
    JsonObject error = o.getJsonObject("error");
    assertEquals("urn:ietf:params:acme:error:unauthorized", error.getString("type"), o.encode());
    assertTrue(error.getString("detail").contains("revoked"), error.getString("detail"));
    assertNull(o.getString("certificate"));
    assertEquals(0L, ((Number) one("SELECT COUNT(*) FROM certificates")).longValue());
    assertEquals(1L, ((Number) one("SELECT COUNT(*) FROM serials WHERE serial = ?", reserved)).longValue(),
        "the reservation stays consumed: the serial is never drawn again");
  }

  @Test
  void orderProcessingForLessThanTheBoundIsLeftToTheInstanceSigningIt() throws Exception {
    server = startFresh(Map.of("testStopAfterProcessing", "true", "processingRecoveryAfter", "PT1H"));
    RawAcmeClient c = account("18751275100046", "0123456791", "young.test");
    String orderUrl = finalizeStoppedInProcessing(c, "www.young.test", ecKey());

    OrderRecovery.Outcome pass = server.server().recoverProcessingOrders().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    assertEquals(new OrderRecovery.Outcome(0, 0), pass);
    assertEquals("processing", new JsonObject(c.post(orderUrl, "", false).body()).getString("status"));
    assertEquals(0L, ((Number) one("SELECT COUNT(*) FROM certificates")).longValue());
  }

  @Test
  void orderLeftProcessingWithoutAStoredCsrIsFailedWithAProblemTheClientReads() throws Exception {
    server = startFresh(Map.of("testStopAfterProcessing", "true", "processingRecoveryAfter", "PT1H"));
    RawAcmeClient c = account("18751275100053", "0123456792", "legacy.test");
    String orderUrl = finalizeStoppedInProcessing(c, "www.legacy.test", ecKey());
    // As an order finalized before V10 (no CSR kept), processing for two hours.
    server.context().db().txBlocking(conn -> {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE acme_orders SET csr = NULL, updated_at = ? WHERE id = ?")) {
        ps.setObject(1, Sql.utc(Instant.now().minus(Duration.ofHours(2))));
        ps.setLong(2, orderId(orderUrl));
        return ps.executeUpdate();
      }
    });

    OrderRecovery.Outcome pass = server.server().recoverProcessingOrders().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    assertEquals(new OrderRecovery.Outcome(0, 1), pass);
    JsonObject o = new JsonObject(c.post(orderUrl, "", false).body());
    assertEquals("invalid", o.getString("status"), o.encode());
    assertEquals("urn:ietf:params:acme:error:serverInternal", o.getJsonObject("error").getString("type"));
    assertTrue(o.getJsonObject("error").getString("detail").contains("create a new order"), o.encode());
  }

  @Test
  void aStuckOrderIsClaimedByOneInstanceOnly() throws Exception {
    server = startFresh(Map.of("testStopAfterProcessing", "true", "processingRecoveryAfter", "PT1H"));
    RawAcmeClient c = account("18751275100061", "0123456793", "claim.test");
    long id = orderId(finalizeStoppedInProcessing(c, "www.claim.test", ecKey()));
    AcmeStore store = new AcmeStore();
    Instant now = Instant.now().plusSeconds(7200);
    Instant cutoff = now.minusSeconds(3600);

    boolean first = server.context().db().txBlocking(conn -> store.claimProcessing(conn, id, cutoff, now));
    boolean second = server.context().db().txBlocking(conn -> store.claimProcessing(conn, id, cutoff, now));

    assertTrue(first);
    assertFalse(second, "the claim moved the order's age to now: no other instance takes it within the bound");
  }
}
