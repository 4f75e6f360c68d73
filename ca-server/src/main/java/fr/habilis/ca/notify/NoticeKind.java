package fr.habilis.ca.notify;

import java.util.Optional;
import java.util.Set;

/**
 * The notices Habilis sends, each with the facts its templates may use
 * ({@code src/main/resources/notices/{fr,en}/{name}.txt}). The name is what the outbox stores.
 */
public enum NoticeKind {
  CERTIFICATE_EXPIRING("certificate.expiring", Set.of("cn", "serial", "profile", "structure", "structureName",
      "reference", "notAfter", "days", "directoryUrl")),
  CERTIFICATE_REVOKED("certificate.revoked", Set.of("cn", "serial", "profile", "structure", "structureName",
      "reference", "notAfter", "revokedAt", "reason", "directoryUrl")),
  HABILITATION_APPROVED("habilitation.approved", Set.of("reference", "structure", "structureName", "offers",
      "directoryUrl")),
  HABILITATION_REJECTED("habilitation.rejected", Set.of("reference", "structure", "structureName", "reason")),
  HABILITATION_REVOKED("habilitation.revoked", Set.of("reference", "structure", "structureName", "reason")),
  ADMIN_ADDED("habilitation.admin.added", Set.of("reference", "structure", "structureName", "offers", "adminName",
      "cardNumber", "directoryUrl")),
  ADMIN_REMOVED("habilitation.admin.removed", Set.of("reference", "structure", "structureName", "adminName",
      "cardNumber"));

  private final String stored;
  private final Set<String> facts;

  NoticeKind(String stored, Set<String> facts) {
    this.stored = stored;
    this.facts = facts;
  }

  /** The name in the outbox, the RA API and the template file. */
  public String stored() {
    return stored;
  }

  public Set<String> facts() {
    return facts;
  }

  public static Optional<NoticeKind> ofStored(String name) {
    for (NoticeKind k : values()) if (k.stored.equals(name)) return Optional.of(k);
    return Optional.empty();
  }
}
