package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every notice kind, end to end: the real server enqueues it in the transaction of the event,
 * sends it through its SMTP client to a real SMTP server (GreenMail), to the right people, in
 * each one's language, as text and HTML. Certificates live 20 seconds here, so the expiry notices
 * (offsets 60, 30 and 14 days, scaled to 10, 5 and 2.3 seconds) arrive without faking clocks.
 */
class NoticeMailTest {
  private static MailServer mail;
  private static TestServer server;
  private static NoticeFixture fx;

  @BeforeAll
  static void start() throws Exception {
    mail = MailServer.start();
    Map<String, String> settings = new HashMap<>(mail.settings());
    // 20 s (not 10): the thresholds fall 10, 5 and 2.3 s before expiry, so a scan delayed by a loaded
    // machine (CI's two cores, the suite's other servers) still lands in each threshold's window.
    settings.put("certificateValidity", "PT20S");
    settings.put("noticeExpiryOffsets", "P60D,P30D,P14D");
    server = TestServer.start(settings);
    fx = new NoticeFixture(server);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
    if (mail != null) mail.close();
  }

  private static List<MailServer.Mail> await(String domain, String subjectPart, int count) throws Exception {
    return mail.await(m -> m.to().endsWith("@" + domain) && m.subject().contains(subjectPart), count, 40_000);
  }

  private static MailServer.Mail to(List<MailServer.Mail> mails, String address) {
    return mails.stream().filter(m -> m.to().equals(address)).findFirst()
        .orElseThrow(() -> new AssertionError("nothing to " + address + " in " + mails.stream().map(MailServer.Mail::to).toList()));
  }

  @Test
  void habilitationApprovedRejectedRevokedReachSignatoryAdministratorsAndInformedInTheirLanguage() throws Exception {
    String st = fx.structure(NoticeFixture.siret(1));
    JsonArray admins = new JsonArray().add(NoticeFixture.admin("0100000011", "jean@h1.test", "en"))
        .add(NoticeFixture.admin("0100000012", "marie@h1.test", null));
    String ref = fx.request(st, "direction@h1.test", admins, "h1.test", new JsonArray().add("dsi@h1.test"));
    JsonObject got = fx.ok("GET", "/habilitations/" + ref, null, 200);
    assertEquals("fr", got.getString("language"));
    assertEquals(new JsonArray().add("dsi@h1.test"), got.getJsonArray("informEmails"));
    assertEquals("en", got.getJsonArray("administrators").getJsonObject(0).getString("language"));
    fx.approve(ref, st);

    List<MailServer.Mail> approved = await("h1.test", ref, 4);
    MailServer.Mail jean = to(approved, "jean@h1.test");
    assertEquals("[Habilis] Habilitation " + ref + " approved", jean.subject());
    assertEquals("en", jean.language());
    assertTrue(jean.text().contains("Offers covered: SERV_SSL DOMAIN h1.test") && jean.text().contains("CHU NOTICES"), jean.text());
    assertNotNull(jean.html(), "a text/html alternative");
    assertTrue(jean.html().contains("<p>Offers covered") || jean.html().contains("Offers covered: SERV_SSL"), jean.html());
    assertTrue(jean.messageId().matches("<notice-\\d+@localhost>"), jean.messageId());
    MailServer.Mail direction = to(approved, "direction@h1.test");
    assertEquals("[Habilis] Habilitation " + ref + " approuvée", direction.subject());
    assertEquals("[Habilis] Habilitation " + ref + " approuvée", to(approved, "marie@h1.test").subject(), "French by default");
    MailServer.Mail dsi = to(approved, "dsi@h1.test");
    assertTrue(dsi.text().contains("pour information") && !direction.text().contains("pour information"), dsi.text());

    String rejectedRef = fx.request(st, "direction@h1.test", admins, "h1.test", new JsonArray().add("dsi@h1.test"));
    fx.ok("POST", "/habilitations/" + rejectedRef + "/reject", new JsonObject().put("reason", "formulaire non signé"), 200);
    List<MailServer.Mail> rejected = await("h1.test", rejectedRef, 4);
    assertTrue(to(rejected, "direction@h1.test").text().contains("est refusée. Motif : formulaire non signé"));
    assertEquals("[Habilis] Habilitation " + rejectedRef + " rejected", to(rejected, "jean@h1.test").subject());

    fx.ok("POST", "/habilitations/" + ref + "/revoke", new JsonObject().put("reason", "fin du contrat"), 200);
    List<MailServer.Mail> revoked = await("h1.test", ref + " r", 4);
    assertEquals(Set.of("[Habilis] Habilitation " + ref + " révoquée", "[Habilis] Habilitation " + ref + " revoked"),
        revoked.stream().map(MailServer.Mail::subject).collect(Collectors.toSet()));
    assertTrue(to(revoked, "marie@h1.test").text().contains("Motif : fin du contrat"));
  }

  @Test
  void administratorAddedAndRemovedReachThatAdministratorSignatoryAndInformedOnly() throws Exception {
    String st = fx.structure(NoticeFixture.siret(2));
    String ref = fx.request(st, "direction@h2.test", new JsonArray().add(NoticeFixture.admin("0100000021", "jean@h2.test", null)),
        "h2.test", new JsonArray().add("dsi@h2.test"));
    fx.approve(ref, st);
    await("h2.test", "approuvée", 3);

    fx.ok("POST", "/habilitations/" + ref + "/admins", NoticeFixture.admin("0100000022", "paul@h2.test", "en"), 201);
    List<MailServer.Mail> added = await("h2.test", "administrat", 3);
    assertEquals(Set.of("paul@h2.test", "direction@h2.test", "dsi@h2.test"),
        added.stream().map(MailServer.Mail::to).collect(Collectors.toSet()), "jean, not concerned, is not told");
    assertEquals("[Habilis] Test ADMIN22 technical administrator of habilitation " + ref, to(added, "paul@h2.test").subject());
    assertTrue(to(added, "direction@h2.test").text().contains("(carte 0100000022) est désormais administrateur technique"));

    fx.ok("DELETE", "/habilitations/" + ref + "/admins/0100000022", null, 200);
    List<MailServer.Mail> removed = await("h2.test", "plus", 2);
    assertEquals(Set.of("direction@h2.test", "dsi@h2.test"), removed.stream().map(MailServer.Mail::to).collect(Collectors.toSet()));
    MailServer.Mail paul = mail.await(m -> m.to().equals("paul@h2.test") && m.subject().contains("no longer"), 1, 10_000).get(0);
    assertTrue(paul.text().contains("can no longer order or renew"), paul.text());
  }

  @Test
  void revokedCertificateIsAnnouncedAndExpiryNoticesGoOncePerThresholdExceptForRevokedOrReplacedCertificates()
      throws Exception {
    String st = fx.structure(NoticeFixture.siret(3));
    String ref = fx.request(st, "direction@h3.test", new JsonArray()
            .add(NoticeFixture.admin("0100000031", "jean@h3.test", "en")).add(NoticeFixture.admin("0100000032", "marie@h3.test", "fr")),
        "h3.test", new JsonArray().add("dsi@h3.test"));
    RaFixture.Credential jean = fx.approve(ref, st);
    RawAcmeClient acme = fx.account(jean, "ops@h3.test");
    Set<String> recipients = Set.of("jean@h3.test", "marie@h3.test", "ops@h3.test", "dsi@h3.test");

    String revoked = NoticeFixture.issue(acme, "revoked.h3.test");
    fx.ok("POST", "/certificates/" + revoked + "/revoke", new JsonObject().put("reason", "keyCompromise"), 200);
    String expiring = NoticeFixture.issue(acme, "api.h3.test");
    String replaced = NoticeFixture.issue(acme, "www.h3.test");
    String replacement = NoticeFixture.issue(acme, "www.h3.test");

    List<MailServer.Mail> revocation = await("h3.test", "revoked.h3.test", 4);
    assertEquals(recipients, revocation.stream().map(MailServer.Mail::to).collect(Collectors.toSet()));
    assertTrue(to(revocation, "marie@h3.test").text().contains("Motif : compromission de la clé privée"));
    assertTrue(to(revocation, "jean@h3.test").text().contains("Reason: private key compromised"));
    assertEquals("en", to(revocation, "ops@h3.test").language(), "account contacts speak the account administrator's language");
    assertTrue(to(revocation, "dsi@h3.test").text().contains("pour information"));

    List<MailServer.Mail> api = await("h3.test", "api.h3.test", 12);
    List<MailServer.Mail> www = await("h3.test", "www.h3.test", 12);
    for (String r : recipients) {
      List<String> days = api.stream().filter(m -> m.to().equals(r)).map(m -> m.text().replaceAll("(?s).*(envoyé à|sent) (\\d+) (jours|days).*", "$2")).sorted().toList();
      assertEquals(List.of("14", "30", "60"), days, r + " gets each threshold once");
    }
    assertTrue(to(api, "jean@h3.test").subject().startsWith("[Habilis] Certificate api.h3.test expires on "));
    assertTrue(to(api, "marie@h3.test").text().contains("le renouveler avant cette date"), to(api, "marie@h3.test").text());
    assertTrue(www.stream().allMatch(m -> m.text().contains(replacement) && !m.text().contains(replaced)),
        "the replaced certificate gets no expiry notice, its replacement does");
    Thread.sleep(3000); // every certificate has expired (last threshold 2.3 s before): nothing more may come
    assertEquals(12, mail.received().stream().filter(m -> m.subject().contains("api.h3.test")).count());
    assertEquals(0, mail.received().stream().filter(m -> m.subject().contains("revoked.h3.test") && m.subject().contains("expir")).count());
    assertEquals(0, fx.notices("serial=" + replaced).size());
    JsonArray rows = fx.notices("serial=" + expiring + "&kind=certificate.expiring");
    assertEquals(12, rows.size());
    rows.forEach(o -> assertEquals("sent", ((JsonObject) o).getString("state")));
  }
}
