package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.store.TestDatabases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one database, both scanning for expiring certificates and both sending
 * to one real SMTP server: every notice leaves exactly once, and both instances do send.
 * Two processes cannot open one H2 file, so the database is served by an H2 TCP server on a free
 * loopback port (on the PostgreSQL pass, by the test cluster); both instances share one data directory, so the second loads the CA hierarchy,
 * TLS certificate and RA token the first created (with two data directories, the second must be
 * given the first one's keystore, or it refuses to start: see TwoInstancesOneCaTest).
 */
class TwoInstancesNoticeTest {

  @Test
  void twoInstancesOnOneDatabaseSendEachNoticeExactlyOnce() throws Exception {
    Path dir = Files.createTempDirectory("habilis-two");
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    // On the PostgreSQL pass both instances share the data directory's PostgreSQL database instead.
    Server h2 = TestDatabases.postgres() ? null : Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.resolve("db").toString(),
        "-ifNotExists").start();
    try (MailServer mail = MailServer.start()) {
      Map<String, String> settings = new HashMap<>(mail.settings());
      settings.put("dataDir", dir.toString());
      if (h2 != null) settings.put("dbUrl", "jdbc:h2:tcp://127.0.0.1:" + port + "/habilis");
      settings.put("noticeScanEvery", "PT0.05S");
      settings.put("noticeBatchSize", "3");
      settings.put("certificateValidity", "PT10S");
      settings.put("noticeExpiryOffsets", "P60D,P30D,P14D");
      try (TestServer a = TestServer.start(settings); TestServer b = TestServer.start(settings)) {
        NoticeFixture fa = new NoticeFixture(a);
        NoticeFixture fb = new NoticeFixture(b);
        String certStructure = null;
        String certRef = null;
        for (int i = 0; i < 10; i++) {
          NoticeFixture created = i % 2 == 0 ? fa : fb;
          NoticeFixture approver = i % 2 == 0 ? fb : fa;
          String st = created.structure(NoticeFixture.siret(2000 + i));
          String ref = created.request(st, "direction" + i + "@two.test", new JsonArray()
              .add(NoticeFixture.admin(String.format("03%08d", i), "admin" + i + "@two.test", null)),
              "two" + i + ".test", new JsonArray().add("dsi" + i + "@two.test"));
          if (i == 0) {
            certStructure = st;
            certRef = ref;
          } else {
            approver.approve(ref, st);
          }
        }
        RawAcmeClient acme = fa.account(fa.approve(certRef, certStructure), "ops@two.test");
        String first = NoticeFixture.issue(acme, "a.two0.test");
        String second = NoticeFixture.issue(acme, "b.two0.test");

        int habilitationNotices = 10 * 3;
        int expiryNotices = 2 * 3 * 3; // two certificates, three recipients, three thresholds
        mail.await(m -> true, habilitationNotices + expiryNotices, 20_000);
        Thread.sleep(1500); // both certificates have expired: nothing more may come
        Map<String, Long> ids = mail.messageIdCounts();
        assertTrue(ids.values().stream().allMatch(n -> n == 1), "each notice exactly once: " + ids);
        assertEquals(habilitationNotices + expiryNotices, ids.size());
        for (String serial : List.of(first, second)) {
          JsonArray rows = fa.notices("kind=certificate.expiring&serial=" + serial);
          assertEquals(9, rows.size(), "one scan's notices, never a second instance's: " + rows.encodePrettily());
        }
        JsonArray sent = fb.notices("state=sent");
        assertEquals(habilitationNotices + expiryNotices, sent.size());
        Set<String> senders = new HashSet<>();
        sent.forEach(o -> senders.add(((JsonObject) o).getString("sentBy")));
        assertEquals(2, senders.size(), "both instances sent: " + senders);
      }
    } finally {
      if (h2 != null) h2.stop();
      TestServer.deleteRecursively(dir);
    }
  }
}
