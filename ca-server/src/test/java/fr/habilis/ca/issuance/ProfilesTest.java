package fr.habilis.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.issuance.Profile.ExtendedKeyUsage;
import fr.habilis.ca.issuance.Profile.KeyAlgorithm;
import fr.habilis.ca.issuance.Profile.KeyUsageBit;
import fr.habilis.ca.issuance.Profile.SanKind;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The profile data file and the request checks that depend on it. */
class ProfilesTest {

  @Test
  void allTenProductsAreDefinedOnTheirIssuingCa() {
    assertEquals(Arrays.stream(ProfileName.values()).map(Enum::name).toList(),
        Profiles.all().stream().map(p -> p.name().name()).toList());
    for (Profile p : Profiles.all()) {
      assertEquals(p.name().name().startsWith("PRO_") ? "pro" : "org", p.caId(), p.name().name());
    }
    assertNull(Profiles.get("SERV_TLS"));
  }

  @Test
  void sanKindsFollowTheOffers() {
    assertEquals(Set.of(SanKind.dns), Profiles.get("SERV_SSL").san());
    for (String n : List.of("SERV_SMIME", "SERV_SIGN", "SERV_CONF", "PRO_AUTH", "PRO_SIGN", "PRO_CONF")) {
      assertEquals(Set.of(SanKind.email), Profiles.get(n).san(), n);
    }
    for (String n : List.of("ORG_AUTH_CLI", "ORG_SIGN", "ORG_CONF")) assertEquals(Set.of(), Profiles.get(n).san(), n);
  }

  @Test
  void usagesMatchIgcSanteCertificates() {
    assertEquals(Set.of(KeyUsageBit.digitalSignature), Profiles.get("ORG_AUTH_CLI").keyUsageFor(KeyAlgorithm.RSA));
    assertEquals(List.of(ExtendedKeyUsage.clientAuth), Profiles.get("ORG_AUTH_CLI").extendedKeyUsage());
    assertEquals(Set.of(KeyUsageBit.digitalSignature, KeyUsageBit.nonRepudiation), Profiles.get("ORG_SIGN").keyUsageFor(KeyAlgorithm.RSA));
    assertEquals(List.of(ExtendedKeyUsage.emailProtection), Profiles.get("ORG_SIGN").extendedKeyUsage());
    assertEquals(Set.of(KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment), Profiles.get("SERV_SSL").keyUsageFor(KeyAlgorithm.RSA));
    assertEquals(List.of(ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth), Profiles.get("SERV_SSL").extendedKeyUsage());
  }

  @Test
  void noProfileAssertsEnciphermentOnEcKeys() {
    // RFC 5480 §3: keyEncipherment and dataEncipherment MUST NOT be asserted for id-ecPublicKey.
    for (Profile p : Profiles.all()) {
      assertFalse(p.keyUsageFor(KeyAlgorithm.EC).contains(KeyUsageBit.keyEncipherment), p.name().name());
      assertFalse(p.keyUsageFor(KeyAlgorithm.EC).contains(KeyUsageBit.dataEncipherment), p.name().name());
    }
  }

  @Test
  void requestsInconsistentWithTheProfileAreRefused() {
    SubjectInfo server = IssuanceFixture.subject("api.test-clinique.fr");
    List<String> dns = List.of("api.test-clinique.fr");
    // An FQDN CN must be among the dNSNames (RFC 6125 §6.4.4).
    assertThrows(IllegalArgumentException.class,
        () -> SubjectNames.checkSans(Profiles.get("SERV_SSL"), IssuanceFixture.subject("other.test-clinique.fr"), dns, List.of()));
    assertThrows(IllegalArgumentException.class, () -> SubjectNames.checkSans(Profiles.get("SERV_SSL"), server, List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> SubjectNames.checkSans(Profiles.get("ORG_SIGN"), server, dns, List.of()));
    assertThrows(IllegalArgumentException.class, () -> SubjectNames.checkSans(Profiles.get("PRO_SIGN"), server, List.of(), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> SubjectNames.checkSans(Profiles.get("SERV_SSL"), server, List.of("API.test-clinique.fr"), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> SubjectNames.checkSans(Profiles.get("PRO_SIGN"), server, List.of(), List.of("jeanne@")));
    // A registry record too long for the subject is not a bug: the RA must correct it (issue 15).
    fr.habilis.ca.error.DomainError tooLong = assertThrows(fr.habilis.ca.error.DomainError.class,
        () -> SubjectNames.subject(Profiles.get("ORG_SIGN"), new SubjectInfo("S".repeat(65), "Paris (75)", "1750000000", "x")));
    assertEquals(fr.habilis.ca.error.ErrorKind.SUBJECT_NOT_CERTIFIABLE, tooLong.kind());
    assertTrue(tooLong.detail().contains("structure name"), tooLong.detail());
    SubjectNames.checkSans(Profiles.get("SERV_SSL"), server, dns, List.of());
  }
}
