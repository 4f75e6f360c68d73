package fr.habilis.ca.registry;

import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.registry.Decision.Reason;
import fr.habilis.ca.registry.Decision.Refusal;
import fr.habilis.ca.registry.Habilitation.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The authorization decision, as one pure function: may the administrator obtain the profile for
 * these identifiers, given the registry's state? Called when an ACME order is created and again
 * when it is finalized. Every refusal names its identifier and the rule that refused it.
 */
public final class HabilitationDecision {
  private HabilitationDecision() {}

  public static Decision decide(String adminId, Profile profile, List<Identifier> ids, RegistrySnapshot data) {
    Offer.Kind kind = Offer.Kind.valueOf(profile.offer());
    boolean takesDns = profile.san().contains(Profile.SanKind.dns);
    boolean takesEmail = profile.san().contains(Profile.SanKind.email);
    List<Refusal> refusals = new ArrayList<>();
    List<Identifier> structureIds = new ArrayList<>();
    List<Identifier> names = new ArrayList<>();
    for (Identifier id : ids) {
      switch (id.type()) {
        case Identifier.STRUCTURE -> structureIds.add(id);
        case Identifier.DNS -> {
          if (takesDns) names.add(id);
        }
        case Identifier.EMAIL -> {
          if (takesEmail) names.add(id);
        }
        default -> { }
      }
    }
    for (Identifier id : ids) {
      boolean accepted = id.type().equals(Identifier.STRUCTURE)
          || (id.type().equals(Identifier.DNS) && takesDns) || (id.type().equals(Identifier.EMAIL) && takesEmail);
      if (!accepted) {
        refusals.add(new Refusal(id, Reason.IDENTIFIER_NOT_FOR_PROFILE,
            profile.name() + " takes " + acceptedTypes(takesDns, takesEmail) + " identifiers, not " + id.type()));
      }
    }
    for (int i = 1; i < structureIds.size(); i++) {
      refusals.add(new Refusal(structureIds.get(i), Reason.AMBIGUOUS_STRUCTURE,
          "a certificate names one structure; " + structureIds.get(0).value() + " was already given"));
    }
    if ((takesDns || takesEmail) && names.isEmpty() && !ids.isEmpty()) {
      refusals.add(new Refusal(ids.get(0), Reason.IDENTIFIER_NOT_FOR_PROFILE,
          profile.name() + " needs at least one " + (takesDns ? "dns" : "email") + " identifier"));
    }
    if (kind == Offer.Kind.PRO && names.size() > 1) {
      for (Identifier n : names.subList(1, names.size())) {
        refusals.add(new Refusal(n, Reason.IDENTIFIER_NOT_FOR_PROFILE, "a " + profile.name()
            + " certificate names one professional: one e-mail address, " + names.get(0).value() + " was already given"));
      }
    }
    if (!takesDns && !takesEmail && structureIds.isEmpty() && refusals.isEmpty()) {
      throw new IllegalArgumentException("no identifier");
    }
    if (!refusals.isEmpty()) return new Decision.Deny(refusals);

    Predicate<Habilitation> activeForAdmin = h -> h.status() == Status.ACTIVE && h.names(adminId);
    Structure chosen = null;
    List<Habilitation> candidates = new ArrayList<>();
    if (!structureIds.isEmpty()) {
      Identifier sid = structureIds.get(0);
      chosen = data.structures().get(sid.value());
      Refusal r = structureRefusal(sid, chosen, adminId, kind, data);
      if (r != null) return new Decision.Deny(List.of(r));
      for (Habilitation h : data.habilitations()) {
        if (h.structureId().equals(chosen.nationalId()) && activeForAdmin.test(h) && h.hasOffer(kind)) candidates.add(h);
      }
    } else {
      for (Habilitation h : data.habilitations()) {
        Structure s = data.structures().get(h.structureId());
        if (activeForAdmin.test(h) && h.hasOffer(kind) && s != null && s.environment().equals(data.environment())) {
          candidates.add(h);
        }
      }
    }

    Map<Identifier, Set<String>> coveringStructures = new LinkedHashMap<>();
    for (Identifier name : names) {
      Set<String> structures = new TreeSet<>();
      for (Habilitation h : candidates) {
        if (h.offers().stream().anyMatch(o -> covers(o, name))) structures.add(h.structureId());
      }
      if (structures.isEmpty()) refusals.add(nameRefusal(name, adminId, kind, candidates, data));
      coveringStructures.put(name, structures);
    }
    if (!refusals.isEmpty()) return new Decision.Deny(refusals);

    if (chosen == null && !names.isEmpty()) {
      Set<String> common = new LinkedHashSet<>(coveringStructures.get(names.get(0)));
      coveringStructures.values().forEach(common::retainAll);
      if (common.size() != 1) {
        for (Identifier name : names) {
          refusals.add(new Refusal(name, Reason.AMBIGUOUS_STRUCTURE, common.isEmpty()
              ? "the names are habilitated for different structures (" + name.value() + ": "
                  + String.join(", ", coveringStructures.get(name)) + "); one certificate carries one structure"
              : name.value() + " is habilitated for several structures (" + String.join(", ", common)
                  + "); add a structure identifier to say which"));
        }
        return new Decision.Deny(refusals);
      }
      chosen = data.structures().get(common.iterator().next());
    }
    String structureId = chosen.nationalId();
    List<Habilitation> covering = candidates.stream()
        .filter(h -> h.structureId().equals(structureId))
        .filter(h -> names.stream().allMatch(n -> h.offers().stream().anyMatch(o -> covers(o, n))))
        .toList();
    if (covering.isEmpty()) {
      // The names are covered by several habilitations of one structure but none covers them all.
      return new Decision.Deny(names.stream().map(n -> new Refusal(n, Reason.DOMAIN_OUT_OF_SCOPE,
          "no single habilitation of " + structureId + " covers all the names of this order")).toList());
    }
    if (kind != Offer.Kind.PRO) return new Decision.Allow(chosen, covering.get(0), List.copyOf(ids));
    // A PRO certificate names a person: the RA must have recorded them under the habilitation
    // relied on, and the CN comes from that record.
    Identifier email = names.get(0);
    String address = Professional.normaliseEmail(email.value());
    for (Habilitation h : covering) {
      for (Professional p : data.professionalsOf(h)) {
        if (p.email().equals(address)) return new Decision.Allow(chosen, h, List.copyOf(ids), p);
      }
    }
    return new Decision.Deny(List.of(new Refusal(email, Reason.PROFESSIONAL_NOT_RECORDED, email.value()
        + " is not a professional recorded under the PRO offer of habilitation " + covering.get(0).reference()
        + " (the RA records professionals with their RPPS or ADELI number and names)")));
  }

  private static String acceptedTypes(boolean dns, boolean email) {
    return dns ? "dns (and structure)" : email ? "email (and structure)" : "structure";
  }

  private static boolean covers(Offer o, Identifier name) {
    return name.type().equals(Identifier.DNS) ? o.coversDns(name.value()) : o.coversEmail(name.value());
  }

  /** Why the named structure cannot be used by this administrator for this offer, or null. */
  private static Refusal structureRefusal(Identifier sid, Structure s, String adminId, Offer.Kind kind, RegistrySnapshot data) {
    if (s == null) return new Refusal(sid, Reason.UNKNOWN_STRUCTURE, "no structure " + sid.value() + " in the registry");
    if (!s.environment().equals(data.environment())) {
      return new Refusal(sid, Reason.ENVIRONMENT_MISMATCH, "structure " + s.nationalId() + " belongs to the "
          + s.environment() + " environment; this server issues for " + data.environment());
    }
    List<Habilitation> ofStructure = data.habilitations().stream().filter(h -> h.structureId().equals(s.nationalId())).toList();
    List<Habilitation> mine = ofStructure.stream().filter(h -> h.status() == Status.ACTIVE && h.names(adminId)).toList();
    if (mine.isEmpty()) {
      if (ofStructure.stream().anyMatch(h -> h.status() == Status.REVOKED && h.names(adminId))) {
        return new Refusal(sid, Reason.HABILITATION_REVOKED, "the habilitation of this administrator on "
            + s.nationalId() + " has been revoked");
      }
      if (ofStructure.stream().anyMatch(h -> h.status() == Status.ACTIVE)) {
        return new Refusal(sid, Reason.ADMINISTRATOR_NOT_HABILITATED, "this administrator is not named on the active "
            + "habilitations of " + s.nationalId());
      }
      return new Refusal(sid, Reason.NO_ACTIVE_HABILITATION, "structure " + s.nationalId() + " has no active habilitation");
    }
    if (mine.stream().noneMatch(h -> h.hasOffer(kind))) {
      Set<String> offers = new TreeSet<>();
      mine.forEach(h -> h.offers().forEach(o -> offers.add(o.kind().name())));
      return new Refusal(sid, Reason.OFFER_NOT_COVERED, "the habilitation of " + s.nationalId() + " covers "
          + String.join(", ", offers) + ", not " + kind);
    }
    return null;
  }

  /** The most precise reason why no candidate habilitation covers this name. */
  private static Refusal nameRefusal(Identifier name, String adminId, Offer.Kind kind, List<Habilitation> candidates,
      RegistrySnapshot data) {
    for (Habilitation h : candidates) {
      for (Offer o : h.offers()) {
        if (name.type().equals(Identifier.DNS) && o.isBelowServer(name.value())) {
          return new Refusal(name, Reason.SUBDOMAIN_UNDER_SERVER_SCOPE, name.value() + " is below " + o.domain()
              + ", habilitated for that server only (scope SERVER)");
        }
        if (name.type().equals(Identifier.EMAIL) && o.isBelowRestricted(name.value())) {
          return new Refusal(name, Reason.MAIL_DOMAIN_OUT_OF_RESTRICTED_SCOPE, name.value() + " is in a subdomain of @"
              + o.mailDomain() + ", habilitated with restriction (only x@" + o.mailDomain() + ")");
        }
      }
    }
    for (Habilitation h : data.habilitations()) {
      if (!h.names(adminId) || h.offers().stream().noneMatch(o -> covers(o, name))) continue;
      if (h.status() == Status.REVOKED) {
        return new Refusal(name, Reason.HABILITATION_REVOKED, name.value() + " was covered by habilitation "
            + h.reference() + ", now revoked");
      }
      Structure s = data.structures().get(h.structureId());
      if (h.status() == Status.ACTIVE && s != null && !s.environment().equals(data.environment())) {
        return new Refusal(name, Reason.ENVIRONMENT_MISMATCH, name.value() + " is habilitated for " + s.nationalId()
            + " in the " + s.environment() + " environment; this server issues for " + data.environment());
      }
    }
    if (candidates.isEmpty()) {
      return new Refusal(name, Reason.NO_ACTIVE_HABILITATION, "this administrator has no active " + kind
          + " habilitation covering " + name.value());
    }
    Set<String> scopes = new TreeSet<>();
    candidates.forEach(h -> h.offers().stream().filter(o -> o.kind() == kind).forEach(o -> scopes.add(o.describe())));
    return new Refusal(name, Reason.DOMAIN_OUT_OF_SCOPE, name.value() + " is outside the habilitated scopes ("
        + String.join("; ", scopes) + ")");
  }
}
