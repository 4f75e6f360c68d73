package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.store.TestDatabases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Delivery guarantees of the outbox against a real SMTP server: nothing lost without SMTP, each
 * notice sent exactly once across a restart in the middle of a batch, a crashed instance's claim
 * honoured until its lease expires (the bounded at-least-once window), retries with backoff then
 * a failed state visible in the RA API, and a failed notice sent again on request.
 */
class NoticeDeliveryTest {

  private static JsonArray habilitate(NoticeFixture fx, int n, String domain) throws Exception {
    JsonArray refs = new JsonArray();
    for (int i = 0; i < n; i++) {
      String st = fx.structure(NoticeFixture.siret(1000 + i + domain.length() * 50));
      String ref = fx.request(st, "direction" + i + "@" + domain, new JsonArray()
          .add(NoticeFixture.admin(String.format("02%08d", i + domain.length() * 50), "admin" + i + "@" + domain, null)),
          domain, new JsonArray().add("dsi" + i + "@" + domain));
      fx.approve(ref, st);
      refs.add(ref);
    }
    return refs;
  }

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> m = new HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  private static long count(Path dataDir, String sql) throws Exception {
    try (Connection c = TestDatabases.connect(dataDir);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void withoutSmtpNoticesAreKeptAndListedThenSentOnceAndAClaimOfACrashedInstanceWaitsForItsLease() throws Exception {
    Path dir = Files.createTempDirectory("habilis-notices");
    try (MailServer mail = MailServer.start()) {
      Instant leaseEnd;
      try (TestServer first = TestServer.start(Map.of("dataDir", dir.toString()))) {
        NoticeFixture fx = new NoticeFixture(first);
        habilitate(fx, 2, "kept.test");
        JsonObject page = fx.ok("GET", "/notices?state=pending", null, 200);
        assertFalse(page.getBoolean("sending"));
        JsonArray kept = page.getJsonArray("notices");
        assertEquals(6, kept.size(), "signatory, administrator and informed address of two approvals");
        JsonObject one = kept.getJsonObject(0);
        assertEquals("habilitation.approved", one.getString("kind"));
        assertEquals(0, one.getInteger("attempts"));
        assertNull(one.getString("lastError"));
        assertNull(one.getString("sentAt"));
        JsonObject full = fx.ok("GET", "/notices/" + one.getLong("id"), null, 200);
        assertTrue(full.getString("text").contains("approuvée") && full.getString("html").contains("<p>"), full.encode());
        // Bad input is a precise problem, never a 500.
        NoticeFixture.Reply bad = fx.ra("GET", "/notices?state=lost&limit=0", null);
        assertEquals(400, bad.status());
        assertEquals("urn:habilis:ra:error:invalidRequest", bad.json().getString("type"));
        assertEquals("state", bad.json().getJsonArray("invalidFields").getJsonObject(0).getString("field"));
        assertEquals(400, fx.ra("GET", "/notices/abc", null).status());
        assertEquals(404, fx.ra("GET", "/notices/999999", null).status());
        assertEquals(400, fx.ra("GET", "/notices?kind=postcard", null).status());
        assertEquals(409, fx.ra("POST", "/notices/" + one.getLong("id") + "/retry", new JsonObject()).status(),
            "only a failed or cancelled notice can be sent again");

        // An instance claims half of them, then "crashes" (never sends nor gives them back).
        leaseEnd = Instant.now().plus(Duration.ofSeconds(4));
        List<Outbox.Entry> claimed = first.context().db().txBlocking(c ->
            new Outbox().claim(c, false, "crashed-instance", Instant.now(), Duration.ofSeconds(4), 3));
        assertEquals(3, claimed.size());
      }
      Set<String> crashed = new HashSet<>();
      try (TestServer second = TestServer.start(with(mail.settings(), "dataDir", dir.toString()))) {
        NoticeFixture fx = new NoticeFixture(second);
        for (Object o : fx.notices("")) {
          if ("crashed-instance".equals(((JsonObject) o).getString("claimedBy"))) crashed.add(((JsonObject) o).getString("recipient"));
        }
        assertEquals(3, crashed.size());
        List<MailServer.Mail> free = mail.await(m -> !crashed.contains(m.to()), 3, 10_000);
        assertEquals(3, free.size());
        long beforeExpiry = Duration.between(Instant.now(), leaseEnd.minusMillis(300)).toMillis();
        if (beforeExpiry > 0) Thread.sleep(beforeExpiry);
        assertTrue(mail.received().stream().noneMatch(m -> crashed.contains(m.to())), "a live claim is never taken over");
        mail.await(m -> crashed.contains(m.to()), 3, 10_000);
        Thread.sleep(500);
        assertTrue(mail.messageIdCounts().values().stream().allMatch(n -> n == 1), "each notice exactly once: " + mail.messageIdCounts());
        assertEquals(6, mail.received().size());
        for (Object o : fx.notices("")) {
          JsonObject n = (JsonObject) o;
          assertEquals("sent", n.getString("state"), n.encode());
          assertEquals(crashed.contains(n.getString("recipient")) ? 2 : 1, n.getInteger("attempts"), "attempts count claims: " + n);
        }
      }
    } finally {
      TestServer.deleteRecursively(dir);
    }
  }

  @Test
  void aRestartInTheMiddleOfABatchSendsEveryNoticeExactlyOnce() throws Exception {
    Path dir = Files.createTempDirectory("habilis-notices");
    try (MailServer mail = MailServer.start()) {
      Map<String, String> settings = with(mail.settings(), "dataDir", dir.toString(), "noticeBatchSize", "5",
          "noticeScanEvery", "PT0.2S");
      int total;
      try (TestServer first = TestServer.start(settings)) {
        habilitate(new NoticeFixture(first), 8, "batch.test");
        total = 24;
        mail.await(m -> true, 3, 10_000);
      } // stopped while sending: the message in flight is finished, the rest of the claim given back
      long pending = count(dir, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'");
      assertTrue(pending > 0 && pending < total, "stopped in the middle: " + pending + " of " + total + " left");
      assertEquals(0, count(dir, "SELECT COUNT(*) FROM outbox WHERE claimed_by IS NOT NULL"), "claims given back at stop");
      assertEquals(total - pending, mail.received().size(), "what was marked sent is exactly what was received");
      try (TestServer second = TestServer.start(settings)) {
        mail.await(m -> true, total, 15_000);
        Thread.sleep(500);
        Map<String, Long> ids = mail.messageIdCounts();
        assertEquals(total, ids.size());
        assertTrue(ids.values().stream().allMatch(n -> n == 1), "each notice exactly once: " + ids);
        JsonArray rows = new NoticeFixture(second).notices("state=sent");
        assertEquals(total, rows.size());
        Set<String> senders = new HashSet<>();
        rows.forEach(o -> senders.add(((JsonObject) o).getString("sentBy")));
        assertEquals(2, senders.size(), "sent partly before, partly after the restart: " + senders);
      }
    } finally {
      TestServer.deleteRecursively(dir);
    }
  }

  @Test
  void anUnreachableSmtpServerIsRetriedWithBackoffThenFailedListedAndSentAgainOnRequest() throws Exception {
    try (MailServer mail = MailServer.reserve();
        TestServer server = TestServer.start(with(mail.settings(), "noticeMaxAttempts", "3", "noticeRetryDelay", "PT0.2S",
            "smtpTimeout", "PT1S"))) {
      NoticeFixture fx = new NoticeFixture(server);
      habilitate(fx, 1, "down.test");
      long end = System.currentTimeMillis() + 15_000;
      JsonArray failed;
      do {
        Thread.sleep(100);
        failed = fx.notices("state=failed");
      } while (failed.size() < 3 && System.currentTimeMillis() < end);
      assertEquals(3, failed.size(), fx.notices("").encodePrettily());
      JsonObject f = failed.getJsonObject(0);
      assertEquals(3, f.getInteger("attempts"));
      assertTrue(f.getString("lastError") != null && !f.getString("lastError").isBlank(), f.encode());
      assertTrue(fx.notices("state=pending").isEmpty(), "failed for good: no further attempt");

      mail.start0();
      JsonObject again = fx.ok("POST", "/notices/" + f.getLong("id") + "/retry", new JsonObject(), 200);
      assertEquals("pending", again.getString("state"));
      assertEquals(0, again.getInteger("attempts"));
      MailServer.Mail m = mail.await(x -> true, 1, 10_000).get(0);
      assertEquals(f.getString("recipient"), m.to());
      assertEquals("sent", fx.ok("GET", "/notices/" + f.getLong("id"), null, 200).getString("state"));
      Thread.sleep(500);
      assertEquals(1, mail.received().size(), "the other failed notices stay failed");
    }
  }
}
