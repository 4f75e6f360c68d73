package fr.habilis.ca.registry;

import java.util.List;

/** The answer to "may this administrator obtain this profile for these identifiers now?". */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

  /**
   * Allowed: the structure whose name goes into the certificate, the habilitation relied on, and
   * for a PRO product the professional it names (recorded under that habilitation), else null.
   */
  record Allow(Structure structure, Habilitation habilitation, List<Identifier> identifiers, Professional professional)
      implements Decision {
    public Allow(Structure structure, Habilitation habilitation, List<Identifier> identifiers) {
      this(structure, habilitation, identifiers, null);
    }
  }

  /** Refused: one refusal per identifier concerned, each with its rule. */
  record Deny(List<Refusal> refusals) implements Decision {
    public String summary() {
      StringBuilder b = new StringBuilder();
      for (Refusal r : refusals) {
        if (b.length() > 0) b.append("; ");
        b.append(r.identifier()).append(": ").append(r.detail());
      }
      return b.toString();
    }
  }

  record Refusal(Identifier identifier, Reason reason, String detail) {}

  enum Reason {
    UNKNOWN_STRUCTURE,
    NO_ACTIVE_HABILITATION,
    ADMINISTRATOR_NOT_HABILITATED,
    HABILITATION_REVOKED,
    OFFER_NOT_COVERED,
    DOMAIN_OUT_OF_SCOPE,
    SUBDOMAIN_UNDER_SERVER_SCOPE,
    MAIL_DOMAIN_OUT_OF_RESTRICTED_SCOPE,
    ENVIRONMENT_MISMATCH,
    AMBIGUOUS_STRUCTURE,
    IDENTIFIER_NOT_FOR_PROFILE,
    PROFESSIONAL_NOT_RECORDED
  }
}
