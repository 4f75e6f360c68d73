package fr.habilis.ca.notify;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.RegistryRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the notices of an event into the outbox, inside the transaction that makes the event
 * happen (a registry change, a revocation, an expiry scan): one row per recipient, rendered in
 * the recipient's language. Who receives what is {@link NoticeRecipients}; wording is
 * {@link NoticeTemplates}.
 */
public final class Notices {
  private final ServerContext ctx;
  private final Outbox outbox = new Outbox();
  private final NoticeRepository repo = new NoticeRepository();
  private final RegistryRepository registry = new RegistryRepository();

  public Notices(ServerContext ctx) {
    this.ctx = ctx;
  }

  /** Approved, rejected or revoked ({@code reason} for the last two). */
  public void habilitation(Connection c, NoticeKind kind, Habilitation h, String reason, Instant now) throws SQLException {
    Map<String, Object> facts = habilitationFacts(c, h);
    facts.put("reason", reason);
    enqueue(c, kind, NoticeRecipients.ofHabilitation(h), facts, h.reference(), null, null, now);
  }

  /** Form 503: {@code changed} added to or removed from {@code h}. */
  public void administratorChange(Connection c, NoticeKind kind, Habilitation h, Administrator changed, Instant now)
      throws SQLException {
    Map<String, Object> facts = habilitationFacts(c, h);
    facts.put("adminName", changed.firstName() + " " + changed.lastName());
    facts.put("cardNumber", changed.cardNumber());
    enqueue(c, kind, NoticeRecipients.ofAdministratorChange(h, changed), facts, h.reference(), null, null, now);
  }

  /** A certificate just revoked (ACME revokeCert, RA API, or with its habilitation). */
  public void certificateRevoked(Connection c, StoredCertificate cert, RevocationReason reason, Instant now)
      throws SQLException {
    NoticeRepository.Parties p = repo.parties(c, cert);
    Map<String, Object> facts = certificateFacts(cert, p);
    facts.put("revokedAt", now);
    facts.put("reason", new NoticeTemplates.Label("reason." + reason.rfcName()));
    enqueue(c, NoticeKind.CERTIFICATE_REVOKED, recipients(p), facts, reference(p), cert.serialHex(), null, now);
  }

  /**
   * A certificate reaching an expiry threshold. Each message's key, {@code expiry:serial:threshold:address},
   * is unique in the outbox: scanning again (or from another instance) adds nothing.
   */
  public void expiring(Connection c, StoredCertificate cert, NoticeSchedule.Threshold threshold, Instant now)
      throws SQLException {
    NoticeRepository.Parties p = repo.parties(c, cert);
    Map<String, Object> facts = certificateFacts(cert, p);
    facts.put("days", threshold.label());
    String keyPrefix = "expiry:" + cert.serialHex() + ":" + threshold.nominal().toSeconds() + ":";
    enqueue(c, NoticeKind.CERTIFICATE_EXPIRING, recipients(p), facts, reference(p), cert.serialHex(), keyPrefix, now);
  }

  /** Why an expiry notice must not leave any more (revoked, replaced, expired), or null. */
  String expiryObsolete(Connection c, String serial, Instant now) throws SQLException {
    var found = new fr.habilis.ca.store.CertificateRepository().findBySerial(c, serial);
    if (found.isEmpty()) return "certificate " + serial + " is unknown";
    StoredCertificate cert = found.get();
    if (!"valid".equals(cert.status())) return "certificate revoked before the notice was sent";
    if (!cert.notAfter().isAfter(now)) return "certificate expired before the notice was sent";
    if (repo.isReplaced(c, cert, now)) return "certificate replaced before the notice was sent";
    return null;
  }

  boolean isReplaced(Connection c, StoredCertificate cert, Instant now) throws SQLException {
    return repo.isReplaced(c, cert, now);
  }

  private static List<Recipient> recipients(NoticeRepository.Parties p) {
    return NoticeRecipients.ofCertificate(p.habilitation(), p.administrators(), p.accountContacts(), p.accountLanguage());
  }

  private static String reference(NoticeRepository.Parties p) {
    return p.habilitation() == null ? null : p.habilitation().reference();
  }

  private void enqueue(Connection c, NoticeKind kind, List<Recipient> recipients, Map<String, Object> facts,
      String reference, String serial, String keyPrefix, Instant now) throws SQLException {
    for (Recipient r : recipients) {
      String key = keyPrefix == null ? null : keyPrefix + r.address().toLowerCase(Locale.ROOT);
      outbox.enqueue(c, kind, r, NoticeTemplates.render(kind, r, facts), reference, serial, key, now);
    }
  }

  private Map<String, Object> habilitationFacts(Connection c, Habilitation h) throws SQLException {
    Map<String, Object> facts = new HashMap<>();
    facts.put("reference", h.reference());
    facts.put("structure", h.structureId());
    facts.put("structureName", registry.findStructure(c, h.structureId()).map(s -> s.name()).orElse(h.structureId()));
    facts.put("offers", String.join(", ", h.offers().stream().map(Offer::describe).toList()));
    facts.put("directoryUrl", ctx.endpoints().directoryUrl());
    return facts;
  }

  private Map<String, Object> certificateFacts(StoredCertificate cert, NoticeRepository.Parties p) {
    Map<String, Object> facts = new HashMap<>();
    facts.put("cn", cert.commonName() == null ? cert.subjectDn() : cert.commonName());
    facts.put("serial", cert.serialHex());
    facts.put("profile", cert.profile());
    facts.put("structure", cert.structureId());
    facts.put("structureName", p.structure() == null ? cert.structureId() : p.structure().name());
    facts.put("reference", reference(p));
    facts.put("notAfter", cert.notAfter());
    facts.put("directoryUrl", ctx.endpoints().directoryUrl());
    return facts;
  }
}
