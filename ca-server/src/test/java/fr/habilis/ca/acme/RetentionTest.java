package fr.habilis.ca.acme;

import static fr.habilis.ca.acme.AcmeProtocolTest.csr;
import static fr.habilis.ca.acme.AcmeProtocolTest.ecKey;
import static fr.habilis.ca.acme.AcmeProtocolTest.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.NonceRepository;
import fr.habilis.ca.store.Sql;
import fr.habilis.ca.store.TestDatabases;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retention of what the ACME front end would otherwise accumulate for ever: used nonces (kept until
 * they expire, then purged) and finished orders with their authorizations (kept for
 * {@code orderRetention}, then deleted; their URLs answer 404), while certificates and the audit
 * trail stay and an order in processing is never touched. Runs on H2 and on PostgreSQL.
 */
class RetentionTest {
  private Path dataDir;
  private TestServer server;

  @AfterEach
  void cleanUp() throws Exception {
    if (server != null) server.stop();
    if (dataDir != null) TestServer.deleteRecursively(dataDir);
  }

  @Test
  void usedNoncesAreKeptUntilTheyExpireThenPurged() throws Exception {
    try (Database db = TestDatabases.open(null, 2)) {
      Instant now = Instant.now();
      db.txBlocking(c -> {
        assertTrue(NonceRepository.use(c, "expired", now.minusSeconds(1)));
        assertTrue(NonceRepository.use(c, "live", now.plusSeconds(3600)));
        return null;
      });
      int purged = db.<Integer>txBlocking(c -> Nonces.purge(c, now));
      assertEquals(1, purged);
      int again = db.<Integer>txBlocking(c -> Nonces.purge(c, now));
      assertEquals(0, again, "nothing left beyond the bound");
      // The live nonce is still recorded: spending it again is a replay. The expired one is gone.
      boolean live = db.<Boolean>txBlocking(c -> NonceRepository.use(c, "live", now.plusSeconds(3600)));
      assertFalse(live);
      boolean expired = db.<Boolean>txBlocking(c -> NonceRepository.use(c, "expired", now.minusSeconds(1)));
      assertTrue(expired);
    }
  }

  @Test
  void finishedOrdersBeyondTheRetentionAreDeletedWithTheirAuthorizationsAndTheRestKept() throws Exception {
    dataDir = Files.createTempDirectory("habilis-retention");
    // Recovery bound of a day: the order left processing two hours ago is not finished by it here.
    server = TestServer.start(Map.of("dataDir", dataDir.toString(), "orderRetention", "PT1H",
        "processingRecoveryAfter", "P1D"));
    RaFixture.Credential admin = RaFixture.of(server).habilitate("18751275100020", "0123456789",
        RaFixture.servSsl("retention.test"));
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(admin), 201, "newAccount");

    JsonObject oldValid = issue(c, "old.retention.test");
    JsonObject recentValid = issue(c, "recent.retention.test");
    String oldReady = newOrder(c, "stale.retention.test");
    String recentReady = newOrder(c, "expired.retention.test");
    String processing = newOrder(c, "processing.retention.test");
    Instant now = Instant.now();
    Instant beyond = now.minus(Duration.ofHours(2));
    Instant inside = now.minus(Duration.ofMinutes(30));
    sql("UPDATE acme_orders SET updated_at = ? WHERE id = ?", beyond, id(oldValid.getString("url")));
    sql("UPDATE acme_orders SET updated_at = ? WHERE id = ?", inside, id(recentValid.getString("url")));
    sql("UPDATE acme_orders SET expires_at = ?, updated_at = ? WHERE id = ?", beyond, beyond, id(oldReady));
    sql("UPDATE acme_orders SET expires_at = ?, updated_at = ? WHERE id = ?", inside, beyond, id(recentReady));
    sql("UPDATE acme_orders SET status = 'processing', updated_at = ?, expires_at = ? WHERE id = ?", beyond, beyond,
        id(processing));
    long audit = count("SELECT COUNT(*) FROM audit_log");
    long oldAuthorizations = count("SELECT COUNT(*) FROM acme_authorizations WHERE order_id = ?",
        id(oldValid.getString("url")));
    assertEquals(1, oldAuthorizations);

    int deleted = OrderRetention.purge(server.context().db(), new AcmeStore(), now.minus(Duration.ofHours(1)), () -> false)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertEquals(2, deleted, "the valid order and the never-finalized one, both finished two hours ago");
    assertEquals(404, c.post(oldValid.getString("url"), "", false).statusCode());
    assertEquals(404, c.post(oldReady, "", false).statusCode());
    assertEquals(0, count("SELECT COUNT(*) FROM acme_authorizations WHERE order_id IN (?, ?)",
        id(oldValid.getString("url")), id(oldReady)));
    for (String kept : new String[] {recentValid.getString("url"), recentReady, processing}) {
      RawAcmeClient.expect(c.post(kept, "", false), 200, "order inside the bound or processing");
      assertEquals(1, count("SELECT COUNT(*) FROM acme_authorizations WHERE order_id = ?", id(kept)), kept);
    }
    // The certificate outlives its order: downloadable, its row and the audit trail untouched.
    RawAcmeClient.expect(c.post(oldValid.getString("certificate"), "", false), 200, "certificate of a deleted order");
    assertEquals(2, count("SELECT COUNT(*) FROM certificates"));
    assertEquals(audit, count("SELECT COUNT(*) FROM audit_log"));
    // The job itself is registered and leased on this (only) instance; its first run came at start.
    assertTrue(server.context().scheduler().runsHere(OrderRetention.JOB) >= 1);
  }

  /** newOrder; the order URL. */
  private static String newOrder(RawAcmeClient c, String name) throws Exception {
    HttpResponse<String> created = c.post(c.url("newOrder"), order(name), false);
    RawAcmeClient.expect(created, 201, "newOrder");
    return created.headers().firstValue("Location").orElseThrow();
  }

  /** newOrder, finalize, polled until valid; the order with its URL under "url". */
  private static JsonObject issue(RawAcmeClient c, String name) throws Exception {
    String url = newOrder(c, name);
    JsonObject o = new JsonObject(c.post(url, "", false).body());
    RawAcmeClient.expect(c.post(o.getString("finalize"), RawAcmeClient.csrPayload(csr(ecKey(), name)), false), 200,
        "finalize");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"valid".equals(o.getString("status")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      o = new JsonObject(c.post(url, "", false).body());
    }
    assertEquals("valid", o.getString("status"), o.encode());
    return o.put("url", url);
  }

  private static long id(String orderUrl) {
    return Long.parseLong(orderUrl.substring(orderUrl.lastIndexOf('/') + 1));
  }

  private void sql(String sql, Object... args) throws Exception {
    assertEquals(1, (int) server.context().db().txBlocking(c -> Sql.update(c, sql, args)), sql);
  }

  private long count(String sql, Object... args) throws Exception {
    return server.context().db().txBlocking(c -> Sql.one(c, sql, rs -> rs.getLong(1), args));
  }
}
