package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Language;
import fr.habilis.ca.registry.Offer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who receives which notice, in which language: a table of cases over registry records. */
class NoticeRecipientsTest {
  private static final Administrator JEAN = admin("jean@editeur.test", Language.EN);
  private static final Administrator MARIE = admin("marie@chu.test", Language.FR);

  private static Administrator admin(String email, Language l) {
    return new Administrator(email, "0100000001", Administrator.CardType.CPA, "N", "P", email, null, l);
  }

  private static Habilitation habilitation(Language l, List<String> inform, Administrator... admins) {
    return new Habilitation(1, "HAB-2027-000001", "318751275100020", "414", Habilitation.Status.ACTIVE, null,
        new Habilitation.Signatory(Habilitation.Signatory.Role.LEGAL_REPRESENTATIVE, "D", "C", "direction@chu.test", null),
        List.of(admins), List.of(Offer.org()), null, null, null, Instant.EPOCH, Instant.EPOCH, l, inform);
  }

  private static List<String> show(List<Recipient> list) {
    return list.stream().map(r -> r.address() + " " + r.role() + " " + r.language().code()).toList();
  }

  @Test
  void habilitationNoticesGoToSignatoryAdministratorsThenInformedEachInTheirLanguage() {
    assertEquals(List.of("direction@chu.test TO fr", "jean@editeur.test TO en", "marie@chu.test TO fr", "dsi@chu.test CC fr"),
        show(NoticeRecipients.ofHabilitation(habilitation(Language.FR, List.of("dsi@chu.test"), JEAN, MARIE))));
    assertEquals(List.of("direction@chu.test TO en", "jean@editeur.test TO en", "dsi@chu.test CC en"),
        show(NoticeRecipients.ofHabilitation(habilitation(Language.EN, List.of("dsi@chu.test"), JEAN))),
        "the habilitation's language is that of its signatory and informed addresses");
  }

  @Test
  void anAddressNamedTwiceReceivesOneMessageAsARecipientNotAsACopy() {
    assertEquals(List.of("direction@chu.test TO fr", "jean@editeur.test TO en"),
        show(NoticeRecipients.ofHabilitation(habilitation(Language.FR, List.of("JEAN@editeur.test", "Direction@CHU.test"), JEAN))));
  }

  @Test
  void administratorChangesGoToThatAdministratorTheSignatoryAndInformedOnly() {
    assertEquals(List.of("jean@editeur.test TO en", "direction@chu.test TO fr", "dsi@chu.test CC fr"),
        show(NoticeRecipients.ofAdministratorChange(habilitation(Language.FR, List.of("dsi@chu.test"), JEAN, MARIE), JEAN)));
  }

  @Test
  void certificateNoticesGoToAdministratorsAccountContactsAndInformed() {
    Habilitation h = habilitation(Language.FR, List.of("dsi@chu.test"), JEAN, MARIE);
    assertEquals(List.of("jean@editeur.test TO en", "marie@chu.test TO fr", "ops@editeur.test TO en", "dsi@chu.test CC fr"),
        show(NoticeRecipients.ofCertificate(h, h.administrators(),
            List.of("mailto:ops@editeur.test", "mailto:jean@editeur.test", "tel:+33102030405"), Language.EN)),
        "contacts in the language of the account's administrator; non-mailto contacts ignored");
    assertEquals(List.of("marie@chu.test TO fr"), show(NoticeRecipients.ofCertificate(null, List.of(MARIE), List.of(), Language.FR)));
  }
}
