package fr.habilis.ca.registry;

import java.time.Instant;
import java.util.List;

/**
 * One habilitation request (form 413 or 414) and its lifecycle: RECEIVED → ACTIVE | REJECTED,
 * ACTIVE → REVOKED | SUPERSEDED. {@code administrators} are the ones currently named (form 503
 * removals excluded). {@code language} is that of the notices to the signatory and to
 * {@code informEmails}, the addresses that receive every notice of this habilitation for
 * information (seed 004's CC). A new form for the same structure amends an active habilitation:
 * it names it in {@code supersedes}, and its approval makes that one SUPERSEDED, naming its
 * successor in {@code supersededBy} (null when none).
 */
public record Habilitation(
    long id, String reference, String structureId, String form, Status status, String statusReason,
    Signatory signatory, List<Administrator> administrators, List<Offer> offers,
    String usage, String editor, String solution, Instant createdAt, Instant updatedAt,
    Language language, List<String> informEmails, String supersedes, String supersededBy) {

  public enum Status { RECEIVED, ACTIVE, REJECTED, REVOKED, SUPERSEDED }

  public record Signatory(Role role, String lastName, String firstName, String email, String phone) {
    public enum Role { LEGAL_REPRESENTATIVE, MANDATARY, PRACTICE_HOLDER }
  }

  public Habilitation {
    administrators = List.copyOf(administrators);
    offers = List.copyOf(offers);
    if (language == null) language = Language.FR;
    informEmails = informEmails == null ? List.of() : List.copyOf(informEmails);
  }

  /** A habilitation that amends none and is not amended. */
  public Habilitation(long id, String reference, String structureId, String form, Status status, String statusReason,
      Signatory signatory, List<Administrator> administrators, List<Offer> offers, String usage, String editor,
      String solution, Instant createdAt, Instant updatedAt, Language language, List<String> informEmails) {
    this(id, reference, structureId, form, status, statusReason, signatory, administrators, offers, usage, editor,
        solution, createdAt, updatedAt, language, informEmails, null, null);
  }

  /** A habilitation whose notices are in French, with no address to inform. */
  public Habilitation(long id, String reference, String structureId, String form, Status status, String statusReason,
      Signatory signatory, List<Administrator> administrators, List<Offer> offers, String usage, String editor,
      String solution, Instant createdAt, Instant updatedAt) {
    this(id, reference, structureId, form, status, statusReason, signatory, administrators, offers, usage, editor,
        solution, createdAt, updatedAt, Language.FR, List.of());
  }

  public boolean names(String adminId) {
    return administrators.stream().anyMatch(a -> a.id().equals(adminId));
  }

  public boolean hasOffer(Offer.Kind kind) {
    return offers.stream().anyMatch(o -> o.kind() == kind);
  }
}
