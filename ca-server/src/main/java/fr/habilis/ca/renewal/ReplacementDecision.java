package fr.habilis.ca.renewal;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;

import java.time.Instant;
import java.util.Optional;

/**
 * May a new order replace this certificate (RFC 9773 §5 {@code replaces})? A pure function over
 * what the newOrder transaction read, proven by a table of cases. The checks, in order:
 * the certificate exists here; this account's administrator may manage it (the account that
 * ordered it, or an administrator habilitated for its offer and structure — the revokeCert rule);
 * it has not expired; it has not already been replaced (a successor issued, or an order for one
 * being finalized or finalized); and the new order is for the same product and structure.
 */
public final class ReplacementDecision {
  private ReplacementDecision() {}

  /**
   * Why a {@code replaces} is refused: MALFORMED (no such certificate, expired, another product or
   * structure), UNAUTHORIZED (not this administrator's certificate) or ALREADY_REPLACED (RFC 9773 §7.4).
   */
  public record Refusal(ErrorKind kind, String detail) {
    public DomainError toError() {
      return DomainError.of(kind, detail);
    }
  }

  /**
   * What the newOrder transaction knows about the predecessor: its facts (null when no certificate
   * of ours has this identifier), whether this account or its administrator manages it, and the
   * order that is finalizing or finalized its successor, if any.
   */
  public record Predecessor(String id, RenewalFacts facts, boolean orderedByAccount, boolean managedByAdministrator,
      Long claimingOrder) {}

  public static Optional<Refusal> decide(Predecessor p, String profile, String structureId, Instant now) {
    RenewalFacts f = p.facts();
    if (f == null) return refuse(ErrorKind.MALFORMED, "replaces: no certificate " + p.id() + " was issued by this CA");
    if (!p.orderedByAccount() && !p.managedByAdministrator()) {
      return refuse(ErrorKind.UNAUTHORIZED, "replaces: certificate " + f.serialHex() + " was neither ordered by this account nor"
          + " belongs to a structure and offer its administrator is habilitated for");
    }
    if (!f.notAfter().isAfter(now)) {
      return refuse(ErrorKind.MALFORMED, "replaces: certificate " + f.serialHex() + " expired at " + f.notAfter()
          + "; an expired certificate is not replaced, order without replaces");
    }
    if (f.replacedBy() != null) {
      return refuse(ErrorKind.ALREADY_REPLACED, "certificate " + f.serialHex() + " was already replaced by " + f.replacedBy());
    }
    if (p.claimingOrder() != null) {
      return refuse(ErrorKind.ALREADY_REPLACED, "certificate " + f.serialHex() + " is already being replaced by order "
          + p.claimingOrder());
    }
    if (!f.profile().equals(profile)) {
      return refuse(ErrorKind.MALFORMED, "replaces: certificate " + f.serialHex() + " is a " + f.profile()
          + " certificate; its successor must be of the same product, not " + profile);
    }
    if (!f.structureId().equals(structureId)) {
      return refuse(ErrorKind.MALFORMED, "replaces: certificate " + f.serialHex() + " belongs to structure " + f.structureId()
          + "; its successor must be for the same structure, not " + structureId);
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(ErrorKind kind, String detail) {
    return Optional.of(new Refusal(kind, detail));
  }
}
