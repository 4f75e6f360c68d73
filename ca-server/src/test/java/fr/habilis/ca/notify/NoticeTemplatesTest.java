package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.registry.Language;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every notice renders in French and English, text and HTML saying the same, facts escaped in HTML. */
class NoticeTemplatesTest {

  @Test
  void everyKindRendersInBothLanguagesWithEveryFactAndNoPlaceholderLeft() {
    for (NoticeKind kind : NoticeKind.values()) {
      for (Language l : Language.values()) {
        Map<String, Object> facts = new HashMap<>();
        for (String f : kind.facts()) facts.put(f, "«" + f + "»");
        facts.put("notAfter", Instant.parse("2027-03-12T13:05:00Z"));
        for (Recipient.Role role : Recipient.Role.values()) {
          NoticeTemplates.Rendered r = NoticeTemplates.render(kind, new Recipient("x@y.test", role, l), facts);
          String where = kind + " " + l + " " + role;
          assertFalse(r.subject().isBlank(), where);
          assertFalse(r.text().matches("(?s).*\\{[A-Za-z]+\\}.*"), where + ": " + r.text());
          assertTrue(r.html().startsWith("<!DOCTYPE html>") && r.html().contains("lang=\"" + l.code() + "\""), where);
          assertTrue(r.text().contains("Habilis"), where + " footer");
          assertTrue(r.text().contains("«reference»") || !kind.facts().contains("reference"), where);
          assertTrue(role == Recipient.Role.TO || r.text().contains(l == Language.FR ? "pour information" : "for information"),
              where + " copy paragraph");
        }
      }
    }
  }

  @Test
  void expiryNoticeSaysCnStructureDateAndWhatToDoInTheRecipientsLanguage() {
    Map<String, Object> facts = new HashMap<>(Map.of("cn", "www.chu.test", "structureName", "CHU <TEST>", "structure",
        "318751275100020", "notAfter", Instant.parse("2027-03-12T13:05:00Z"), "days", "30", "serial", "0a1b",
        "profile", "SERV_SSL", "reference", "HAB-2027-000001", "directoryUrl", "https://ca.test/acme/directory"));
    var fr = NoticeTemplates.render(NoticeKind.CERTIFICATE_EXPIRING, new Recipient("a@b.test", Recipient.Role.TO, Language.FR), facts);
    assertTrue(fr.subject().contains("www.chu.test") && fr.subject().contains("12 mars 2027 à 14:05:00"), fr.subject());
    assertTrue(fr.text().contains("renouveler") && fr.text().contains("CHU <TEST> (318751275100020)"), fr.text());
    assertTrue(fr.html().contains("CHU &lt;TEST&gt;") && !fr.html().contains("CHU <TEST>"), "facts are escaped in HTML");
    assertTrue(fr.html().contains("<ul>\n<li>"), "the list of what to do is an HTML list");
    var en = NoticeTemplates.render(NoticeKind.CERTIFICATE_EXPIRING, new Recipient("a@b.test", Recipient.Role.TO, Language.EN), facts);
    assertTrue(en.subject().contains("expires on 12 March 2027 at 14:05:00 (Paris time)"), en.subject());
    assertTrue(en.text().contains("renew it before that date"), en.text());
  }
}
