package fr.habilis.ca.issuance;

import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Builds the subject DN from a profile's layout and checks that the requested SANs fit the
 * profile. The registry already decided that the names are authorised; this class only refuses
 * requests that would produce a malformed or inconsistent certificate: SANs that do not fit the
 * profile are a bug in the caller ({@link IllegalArgumentException}: finalize checked the CSR's
 * names against the order), a registry record too long for the subject is SUBJECT_NOT_CERTIFIABLE.
 */
public final class SubjectNames {
  // Upper bounds of RFC 5280 Appendix A.1 (ub-common-name, ub-organization-name, ub-organizational-unit-name, ub-state-name).
  private static final int UB_CN = 64;
  private static final int UB_O = 64;
  private static final int UB_OU = 64;
  private static final int UB_ST = 128;

  private SubjectNames() {}

  /**
   * {@code C=FR, ST=…, O=…, OU=…, CN=…} in the profile's order; without CN for a server whose
   * name does not fit in one (null {@link SubjectInfo#commonName()}, FQDN profiles only).
   */
  public static X500Name subject(Profile profile, SubjectInfo s) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    for (Profile.SubjectAttribute a : profile.subject()) {
      switch (a) {
        case C -> b.addRDN(BCStyle.C, "FR");
        case ST -> b.addRDN(BCStyle.ST, bounded("département", s.departmentLabel(), UB_ST));
        case O -> b.addRDN(BCStyle.O, bounded("structure name", s.structureName(), UB_O));
        case OU -> b.addRDN(BCStyle.OU, bounded("national structure id", s.nationalId(), UB_OU));
        case CN -> {
          // A server's FQDN longer than a CN can hold: no CN, the dNSNames name the server.
          if (s.commonName() == null && profile.commonName() == Profile.CommonName.FQDN) continue;
          b.addRDN(BCStyle.CN, bounded("common name", s.commonName(), UB_CN));
        }
      }
    }
    return b.build();
  }

  /** The value of one attribute of a DN built by {@link #subject}, e.g. for storing the CN. */
  public static String value(X500Name name, ASN1ObjectIdentifier attribute) {
    var rdns = name.getRDNs(attribute);
    return rdns.length == 0 ? null : rdns[0].getFirst().getValue().toString();
  }

  /**
   * Every SAN kind of the profile needs at least one name, other kinds none; an FQDN common name
   * must be one of the dNSNames (RFC 6125 §6.4.4: clients match SANs, never the CN alone).
   */
  public static void checkSans(Profile profile, SubjectInfo subject, List<String> dnsNames, List<String> emails) {
    boolean dns = profile.san().contains(Profile.SanKind.dns);
    boolean email = profile.san().contains(Profile.SanKind.email);
    if (dns == dnsNames.isEmpty()) {
      throw new IllegalArgumentException(profile.name() + (dns ? " needs at least one DNS name" : " takes no DNS name"));
    }
    if (email == emails.isEmpty()) {
      throw new IllegalArgumentException(profile.name() + (email ? " needs at least one e-mail address" : " takes no e-mail address"));
    }
    for (String d : dnsNames) {
      // LDH labels in A-label form: rfc822Name and dNSName are IA5String (RFC 5280 §4.2.1.6).
      if (!Identifier.isDnsName(d)) throw new IllegalArgumentException("not a lowercase A-label DNS name: " + d);
    }
    for (String e : emails) {
      if (!Identifier.isEmailAddress(e)) {
        throw new IllegalArgumentException("not an ASCII e-mail address: " + e);
      }
    }
    if (profile.commonName() == Profile.CommonName.FQDN && subject.commonName() != null
        && !dnsNames.contains(subject.commonName())) {
      throw new IllegalArgumentException("the common name " + subject.commonName() + " must be one of the DNS names");
    }
  }

  /**
   * A subject attribute as the registry records it; one that cannot go into a certificate is the
   * record's fault, not the client's CSR (SUBJECT_NOT_CERTIFIABLE: the RA must correct it).
   */
  private static String bounded(String what, String v, int max) {
    if (v == null || v.isBlank()) {
      throw DomainError.of(ErrorKind.SUBJECT_NOT_CERTIFIABLE, "the " + what
          + " is required in the subject and the registry has none; the RA must correct the structure's record"
          + " (for a structure name: give it a certificate name)");
    }
    if (v.length() > max) {
      throw DomainError.of(ErrorKind.SUBJECT_NOT_CERTIFIABLE, "the " + what + " \"" + v + "\" is longer than " + max
          + " characters (RFC 5280 A.1) and cannot go into a certificate; the RA must correct the structure's record");
    }
    return v;
  }
}
