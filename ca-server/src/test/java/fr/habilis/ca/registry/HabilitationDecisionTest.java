package fr.habilis.ca.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.registry.Decision.Reason;
import fr.habilis.ca.registry.Habilitation.Signatory;
import fr.habilis.ca.registry.Habilitation.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision, table-driven with the seeds' scope examples (mon_domaine.fr and its subdomains). */
class HabilitationDecisionTest {
  static final Administrator ALICE = admin("a", "0000000001");
  static final Administrator BOB = admin("b", "0000000002");
  static final Structure CENTRE = new Structure("318751275100020", IdType.SIRET, "18751275100020", "CENTRE", "75", null, "test");
  static final Structure CABINET = new Structure("1750000018", IdType.FINESS, "750000018", "CABINET", "75", null, "test");
  static final Structure PROD = new Structure("2187512751", IdType.SIREN, "187512751", "PROD", "75", null, "production");

  static Administrator admin(String id, String card) {
    return new Administrator(id, card, Administrator.CardType.CPA, "N", "P", id + "@x.test", null);
  }

  static Habilitation hab(String ref, Structure s, Status status, List<Administrator> admins, Offer... offers) {
    return new Habilitation(ref.hashCode(), ref, s.nationalId(), "414", status, null,
        new Signatory(Signatory.Role.LEGAL_REPRESENTATIVE, "L", "F", "l@x.test", null), admins, List.of(offers),
        null, null, null, Instant.EPOCH, Instant.EPOCH);
  }

  static Offer ssl(String domain, Offer.Scope scope) {
    return new Offer(Offer.Kind.SERV_SSL, domain, scope, null, null);
  }

  static Offer mail(Offer.Kind kind, String domain, boolean restricted) {
    return new Offer(kind, null, null, domain, restricted);
  }

  /** Alice: CENTRE with ORG, SSL on mon_domaine.fr (DOMAIN), sous_domaine.autre.fr (SUBDOMAIN), mon_serveur.serveur.fr (SERVER), S/MIME restricted on mon_domaine.fr, PRO unrestricted on pro.fr. */
  static RegistrySnapshot registry(Habilitation... extra) {
    List<Habilitation> habs = new ArrayList<>(List.of(
        hab("H1", CENTRE, Status.ACTIVE, List.of(ALICE), Offer.org(), ssl("mon_domaine.fr".replace('_', '-'), Offer.Scope.DOMAIN),
            ssl("sous-domaine.autre.fr", Offer.Scope.SUBDOMAIN), ssl("mon-serveur.serveur.fr", Offer.Scope.SERVER),
            mail(Offer.Kind.SERV_SMIME, "mon-domaine.fr", true), mail(Offer.Kind.PRO, "pro.fr", false)),
        hab("H2", CABINET, Status.ACTIVE, List.of(BOB), Offer.org(), ssl("cabinet.test", Offer.Scope.DOMAIN))));
    habs.addAll(List.of(extra));
    long h1 = habs.get(0).id();
    return new RegistrySnapshot("test", Map.of(CENTRE.nationalId(), CENTRE, CABINET.nationalId(), CABINET,
        PROD.nationalId(), PROD), habs, Map.of(h1, List.of(DR, DR_CABINET)));
  }

  /** Professionals the RA recorded under H1's PRO offer (pro.fr, unrestricted). */
  static final Professional DR = new Professional("H1".hashCode(), Professional.IdKind.RPPS, "10001234565", "Lefèvre",
      "Anne-Sophie", "dr@pro.fr");
  static final Professional DR_CABINET = new Professional("H1".hashCode(), Professional.IdKind.ADELI, "751234567",
      "Martin", "Paul", "dr@cabinet.sub.pro.fr");

  static Decision decide(String admin, String profile, RegistrySnapshot data, Identifier... ids) {
    return HabilitationDecision.decide(admin, Profiles.get(profile), List.of(ids), data);
  }

  static Identifier dns(String v) {
    return new Identifier("dns", v);
  }

  static Identifier email(String v) {
    return new Identifier("email", v);
  }

  static Identifier structure(String v) {
    return new Identifier("structure", v);
  }

  static Stream<Arguments> allowed() {
    return Stream.of(
        Arguments.of("SERV_SSL", List.of(dns("mon-domaine.fr"))),
        Arguments.of("SERV_SSL", List.of(dns("www.mon-domaine.fr"), dns("a.b.mon-domaine.fr"))),
        Arguments.of("SERV_SSL", List.of(dns("sous-domaine.autre.fr"), dns("x.sous-domaine.autre.fr"))),
        Arguments.of("SERV_SSL", List.of(dns("mon-serveur.serveur.fr"))),
        Arguments.of("SERV_SSL", List.of(dns("WWW.Mon-Domaine.FR"))),
        Arguments.of("SERV_SSL", List.of(dns("www.mon-domaine.fr"), structure(CENTRE.nationalId()))),
        Arguments.of("ORG_AUTH_CLI", List.of(structure(CENTRE.nationalId()))),
        Arguments.of("ORG_SIGN", List.of(structure(CENTRE.nationalId()))),
        Arguments.of("SERV_SMIME", List.of(email("bal@mon-domaine.fr"))),
        Arguments.of("SERV_SIGN", List.of(email("bal@mon-domaine.fr"))),
        Arguments.of("PRO_AUTH", List.of(email("dr@pro.fr"))),
        Arguments.of("PRO_SIGN", List.of(email("dr@cabinet.sub.pro.fr"))));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("allowed")
  void allows(String profile, List<Identifier> ids) {
    Decision d = HabilitationDecision.decide("a", Profiles.get(profile), ids, registry());
    Decision.Allow allow = assertInstanceOf(Decision.Allow.class, d, () -> d.toString());
    assertEquals(CENTRE, allow.structure());
    assertEquals("H1", allow.habilitation().reference());
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("SERV_SSL", List.of(dns("www.ailleurs.fr")), Reason.DOMAIN_OUT_OF_SCOPE),
        Arguments.of("SERV_SSL", List.of(dns("autre.fr")), Reason.DOMAIN_OUT_OF_SCOPE),
        Arguments.of("SERV_SSL", List.of(dns("evilmon-domaine.fr")), Reason.DOMAIN_OUT_OF_SCOPE),
        Arguments.of("SERV_SSL", List.of(dns("www.mon-serveur.serveur.fr")), Reason.SUBDOMAIN_UNDER_SERVER_SCOPE),
        Arguments.of("SERV_SSL", List.of(dns("serveur.fr")), Reason.DOMAIN_OUT_OF_SCOPE),
        Arguments.of("SERV_SMIME", List.of(email("bal@sous.mon-domaine.fr")), Reason.MAIL_DOMAIN_OUT_OF_RESTRICTED_SCOPE),
        Arguments.of("SERV_SMIME", List.of(email("bal@ailleurs.fr")), Reason.DOMAIN_OUT_OF_SCOPE),
        Arguments.of("ORG_AUTH_CLI", List.of(structure(CABINET.nationalId())), Reason.ADMINISTRATOR_NOT_HABILITATED),
        Arguments.of("ORG_AUTH_CLI", List.of(structure("399999999999999")), Reason.UNKNOWN_STRUCTURE),
        Arguments.of("ORG_AUTH_CLI", List.of(structure(PROD.nationalId())), Reason.ENVIRONMENT_MISMATCH),
        Arguments.of("ORG_AUTH_CLI", List.of(dns("www.mon-domaine.fr")), Reason.IDENTIFIER_NOT_FOR_PROFILE),
        Arguments.of("SERV_SSL", List.of(email("bal@mon-domaine.fr")), Reason.IDENTIFIER_NOT_FOR_PROFILE),
        Arguments.of("SERV_SSL", List.of(dns("www.cabinet.test")), Reason.DOMAIN_OUT_OF_SCOPE),
        Arguments.of("PRO_SIGN", List.of(email("house@pro.fr")), Reason.PROFESSIONAL_NOT_RECORDED));
  }

  @ParameterizedTest(name = "{0} {1} → {2}")
  @MethodSource("refused")
  void refuses(String profile, List<Identifier> ids, Reason reason) {
    Decision d = HabilitationDecision.decide("a", Profiles.get(profile), ids, registry());
    Decision.Deny deny = assertInstanceOf(Decision.Deny.class, d);
    assertEquals(reason, deny.refusals().get(0).reason(), deny.summary());
    assertEquals(ids.get(0), deny.refusals().get(0).identifier());
  }

  @Test
  void aProCertificateNamesTheRecordedProfessional() {
    Decision.Allow allow = assertInstanceOf(Decision.Allow.class, decide("a", "PRO_SIGN", registry(), email("dr@PRO.fr")));
    assertEquals(DR, allow.professional());
    assertEquals("810001234565/LEFÈVRE Anne-Sophie", allow.professional().commonName());
    Decision.Allow adeli = assertInstanceOf(Decision.Allow.class,
        decide("a", "PRO_CONF", registry(), email("dr@cabinet.sub.pro.fr")));
    assertEquals("0751234567/MARTIN Paul", adeli.professional().commonName());
    // One person per certificate: the second address is refused.
    Decision.Deny two = assertInstanceOf(Decision.Deny.class,
        decide("a", "PRO_AUTH", registry(), email("dr@pro.fr"), email("dr@cabinet.sub.pro.fr")));
    assertEquals(List.of(new Decision.Refusal(email("dr@cabinet.sub.pro.fr"), Reason.IDENTIFIER_NOT_FOR_PROFILE,
        "a PRO_AUTH certificate names one professional: one e-mail address, dr@pro.fr was already given")), two.refusals());
    // Other offers name no person.
    assertEquals(null, ((Decision.Allow) decide("a", "SERV_SMIME", registry(), email("bal@mon-domaine.fr"))).professional());
  }

  @Test
  void refusesOnlyTheNamesOutOfScope() {
    Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
        decide("a", "SERV_SSL", registry(), dns("www.mon-domaine.fr"), dns("www.ailleurs.fr")));
    assertEquals(1, deny.refusals().size());
    assertEquals(dns("www.ailleurs.fr"), deny.refusals().get(0).identifier());
  }

  @Test
  void offerNotCovered() {
    RegistrySnapshot data = registry(hab("H3", CABINET, Status.ACTIVE, List.of(ALICE), ssl("cabinet.test", Offer.Scope.SERVER)));
    // Alice is on CABINET for SERV_SSL only (H3), Bob has its ORG (H2).
    Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
        decide("a", "ORG_AUTH_CLI", data, structure(CABINET.nationalId())));
    assertEquals(Reason.OFFER_NOT_COVERED, deny.refusals().get(0).reason());
  }

  @Test
  void revokedHabilitation() {
    Structure other = new Structure("318751275100021", IdType.SIRET, "18751275100021", "OTHER", "75", null, "test");
    RegistrySnapshot data = new RegistrySnapshot("test", Map.of(other.nationalId(), other),
        List.of(hab("H9", other, Status.REVOKED, List.of(ALICE), Offer.org(), ssl("revoked.test", Offer.Scope.DOMAIN))));
    assertEquals(Reason.HABILITATION_REVOKED, ((Decision.Deny) decide("a", "ORG_AUTH_CLI", data,
        structure(other.nationalId()))).refusals().get(0).reason());
    assertEquals(Reason.HABILITATION_REVOKED, ((Decision.Deny) decide("a", "SERV_SSL", data,
        dns("www.revoked.test"))).refusals().get(0).reason());
  }

  @Test
  void noActiveHabilitationAtAll() {
    RegistrySnapshot data = registry(hab("H4", PROD, Status.RECEIVED, List.of(ALICE), Offer.org()));
    Structure pending = new Structure("318751275100021", IdType.SIRET, "18751275100021", "PENDING", "75", null, "test");
    RegistrySnapshot withPending = new RegistrySnapshot("test", Map.of(pending.nationalId(), pending),
        List.of(hab("H5", pending, Status.RECEIVED, List.of(ALICE), Offer.org())));
    assertEquals(Reason.NO_ACTIVE_HABILITATION, ((Decision.Deny) decide("a", "ORG_AUTH_CLI", withPending,
        structure(pending.nationalId()))).refusals().get(0).reason());
    assertInstanceOf(Decision.Allow.class, decide("a", "ORG_AUTH_CLI", data, structure(CENTRE.nationalId())));
  }

  @Test
  void onlyTheLatestApprovedFormOfAnAmendedHabilitationCounts() {
    // H7 (ORG + SERV_SSL old.test) superseded by H8 (ORG + SERV_SSL new.test).
    Structure s = new Structure("318751275100021", IdType.SIRET, "18751275100021", "AMENDED", "75", null, "test");
    RegistrySnapshot data = new RegistrySnapshot("test", Map.of(s.nationalId(), s), List.of(
        hab("H7", s, Status.SUPERSEDED, List.of(ALICE), Offer.org(), ssl("old.test", Offer.Scope.DOMAIN)),
        hab("H8", s, Status.ACTIVE, List.of(ALICE), Offer.org(), ssl("new.test", Offer.Scope.DOMAIN))));
    assertInstanceOf(Decision.Allow.class, decide("a", "SERV_SSL", data, dns("www.new.test")));
    assertEquals(Reason.DOMAIN_OUT_OF_SCOPE, ((Decision.Deny) decide("a", "SERV_SSL", data, dns("www.old.test")))
        .refusals().get(0).reason());
    // Superseded alone (the new form does not name Bob): Bob has lost the structure.
    RegistrySnapshot withoutBob = new RegistrySnapshot("test", Map.of(s.nationalId(), s), List.of(
        hab("H7", s, Status.SUPERSEDED, List.of(ALICE, BOB), Offer.org()),
        hab("H8", s, Status.ACTIVE, List.of(ALICE), Offer.org())));
    assertEquals(Reason.ADMINISTRATOR_NOT_HABILITATED, ((Decision.Deny) decide("b", "ORG_AUTH_CLI", withoutBob,
        structure(s.nationalId()))).refusals().get(0).reason());
  }

  @Test
  void removedAdministratorIsNoLongerHabilitated() {
    // Bob removed from H2 by form 503: H2 no longer names him.
    Habilitation withoutBob = hab("H2", CABINET, Status.ACTIVE, List.of(ALICE), Offer.org());
    RegistrySnapshot data = new RegistrySnapshot("test", Map.of(CABINET.nationalId(), CABINET), List.of(withoutBob));
    assertEquals(Reason.ADMINISTRATOR_NOT_HABILITATED, ((Decision.Deny) decide("b", "ORG_AUTH_CLI", data,
        structure(CABINET.nationalId()))).refusals().get(0).reason());
  }

  @Test
  void domainHabilitatedForTwoStructuresNeedsAStructureIdentifier() {
    RegistrySnapshot data = registry(hab("H6", CABINET, Status.ACTIVE, List.of(ALICE), ssl("mon-domaine.fr", Offer.Scope.DOMAIN)));
    Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decide("a", "SERV_SSL", data, dns("www.mon-domaine.fr")));
    assertEquals(Reason.AMBIGUOUS_STRUCTURE, deny.refusals().get(0).reason());
    Decision.Allow allow = assertInstanceOf(Decision.Allow.class,
        decide("a", "SERV_SSL", data, dns("www.mon-domaine.fr"), structure(CABINET.nationalId())));
    assertEquals(CABINET, allow.structure());
  }

  @Test
  void namesOfDifferentStructuresCannotShareACertificate() {
    RegistrySnapshot data = registry(hab("H7", CABINET, Status.ACTIVE, List.of(ALICE), ssl("cabinet.test", Offer.Scope.DOMAIN)));
    Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
        decide("a", "SERV_SSL", data, dns("www.mon-domaine.fr"), dns("www.cabinet.test")));
    assertEquals(Reason.AMBIGUOUS_STRUCTURE, deny.refusals().get(0).reason());
  }

  @Test
  void productionServerRefusesTestStructures() {
    RegistrySnapshot test = registry();
    RegistrySnapshot prod = new RegistrySnapshot("production", test.structures(), test.habilitations());
    assertEquals(Reason.ENVIRONMENT_MISMATCH, ((Decision.Deny) decide("a", "SERV_SSL", prod,
        dns("www.mon-domaine.fr"))).refusals().get(0).reason());
  }

  @Test
  void oneStructurePerCertificate() {
    Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decide("a", "ORG_AUTH_CLI", registry(),
        structure(CENTRE.nationalId()), structure(CABINET.nationalId())));
    assertEquals(Reason.AMBIGUOUS_STRUCTURE, deny.refusals().get(0).reason());
  }
}
