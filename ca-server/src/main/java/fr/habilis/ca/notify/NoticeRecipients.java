package fr.habilis.ca.notify;

import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Language;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who receives which notice: pure functions over the registry's records, proven by a table of
 * cases. An address appears once per notice (compared without case); the first mention wins, and
 * the habilitation's addresses to inform come last, so a person both named and informed is told
 * as a recipient, in their own language.
 */
public final class NoticeRecipients {
  private NoticeRecipients() {}

  /** Approved, rejected, revoked: the signatory, every administrator named, the addresses to inform. */
  public static List<Recipient> ofHabilitation(Habilitation h) {
    Builder b = new Builder();
    b.to(h.signatory().email(), h.language());
    for (Administrator a : h.administrators()) b.to(a.email(), a.language());
    b.informed(h);
    return b.list();
  }

  /**
   * Form 503, an administrator added or removed: that administrator, the signatory (who signed the
   * form) and the addresses to inform; the other administrators are not concerned.
   */
  public static List<Recipient> ofAdministratorChange(Habilitation h, Administrator changed) {
    Builder b = new Builder();
    b.to(changed.email(), changed.language());
    b.to(h.signatory().email(), h.language());
    b.informed(h);
    return b.list();
  }

  /**
   * A certificate expiring or revoked: the technical administrators of its habilitation (seed 003:
   * they are the ones alerted), the contacts of the ACME account that ordered it (seed 004's
   * "e-mail of the actor"), in the language of the account's administrator, and the habilitation's
   * addresses to inform. {@code habilitation} may be null (certificate outside any habilitation
   * still recorded): then {@code administrators} are the certificate's own.
   */
  public static List<Recipient> ofCertificate(Habilitation habilitation, List<Administrator> administrators,
      List<String> accountContacts, Language accountLanguage) {
    Builder b = new Builder();
    for (Administrator a : administrators) b.to(a.email(), a.language());
    for (String contact : accountContacts) b.to(mailbox(contact), accountLanguage);
    if (habilitation != null) b.informed(habilitation);
    return b.list();
  }

  /** "mailto:a@b.test" (RFC 8555 §7.3 contact URL) to "a@b.test"; null when it is not a mailto: URL. */
  static String mailbox(String contact) {
    if (contact == null || !contact.regionMatches(true, 0, "mailto:", 0, 7)) return null;
    String address = contact.substring(7);
    int query = address.indexOf('?');
    return query < 0 ? address : address.substring(0, query);
  }

  private static final class Builder {
    private final Map<String, Recipient> byAddress = new LinkedHashMap<>();

    void to(String address, Language language) {
      add(address, Recipient.Role.TO, language);
    }

    void informed(Habilitation h) {
      for (String address : h.informEmails()) add(address, Recipient.Role.CC, h.language());
    }

    private void add(String address, Recipient.Role role, Language language) {
      if (address == null || address.isBlank()) return;
      String a = address.strip();
      byAddress.putIfAbsent(a.toLowerCase(Locale.ROOT), new Recipient(a, role, language == null ? Language.FR : language));
    }

    List<Recipient> list() {
      return new ArrayList<>(byAddress.values());
    }
  }
}
