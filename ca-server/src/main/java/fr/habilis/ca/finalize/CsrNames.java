package fr.habilis.ca.finalize;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.registry.Professional;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The finalize rules on a CSR's names: they must be exactly the order's identifiers; the CN is
 * the service applicatif (ORG, S/MIME) or the first FQDN (SERV_SSL); for PRO the CSR's CN, if
 * any, is returned as is, to be compared with the registry's (see {@link #personCommonName}); INSi
 * accepts only {@code INSI-AUTO} and {@code INSI-MANU}. Everything else in the subject is ignored:
 * O, OU, ST and C come from the registry.
 */
public final class CsrNames {
  /** PrintableString characters (X.680 §41.4), 1 to 64 of them (RFC 5280 ub-common-name). */
  private static final Pattern PRINTABLE = Pattern.compile("[A-Za-z0-9 '()+,\\-./:=?]{1,64}");

  public record Names(String commonName, List<String> dnsNames, List<String> emails) {}

  private CsrNames() {}

  public static Names check(PKCS10CertificationRequest csr, Profile profile, List<Identifier> orderIds) {
    String cn = commonName(csr);
    Set<String> dns = new LinkedHashSet<>();
    Set<String> emails = new LinkedHashSet<>();
    for (GeneralName n : sans(csr)) {
      switch (n.getTagNo()) {
        case GeneralName.dNSName -> dns.add(((ASN1String) n.getName()).getString().toLowerCase(Locale.ROOT));
        case GeneralName.rfc822Name -> emails.add(normaliseEmail(((ASN1String) n.getName()).getString()));
        default -> throw DomainError.badCsr("the CSR asks for a subjectAltName of a type Habilis does not issue (tag "
            + n.getTagNo() + "); only dNSName and rfc822Name");
      }
    }
    List<String> orderDns = new ArrayList<>();
    List<String> orderEmails = new ArrayList<>();
    for (Identifier id : orderIds) {
      if (id.type().equals(Identifier.DNS)) orderDns.add(id.value());
      if (id.type().equals(Identifier.EMAIL)) orderEmails.add(id.value());
    }
    boolean fqdnCn = profile.commonName() == Profile.CommonName.FQDN;
    if (fqdnCn && cn != null) {
      String lower = cn.toLowerCase(Locale.ROOT);
      if (!orderDns.contains(lower)) throw DomainError.badCsr("the CSR's CN " + cn + " is not one of the order's names");
      dns.add(lower);
    }
    if (!dns.equals(new LinkedHashSet<>(orderDns))) {
      throw DomainError.badCsr("the CSR's DNS names " + dns + " are not exactly the order's " + orderDns);
    }
    if (!emails.equals(new LinkedHashSet<>(orderEmails))) {
      throw DomainError.badCsr("the CSR's e-mail addresses " + emails + " are not exactly the order's " + orderEmails);
    }
    String subjectCn;
    if (fqdnCn) {
      // The CSR's CN (one of the order's names, as certbot and acme4j write the first requested
      // name), else the order's first DNS name. A name too long for a CN (64, RFC 5280
      // ub-common-name) leaves the certificate without CN, never with another name: the CA/B
      // Forum BR make the CN optional and TLS clients match only the dNSNames (RFC 6125 §6.4.4).
      subjectCn = cn != null ? cn.toLowerCase(Locale.ROOT) : orderDns.get(0);
      if (subjectCn.length() > 64) subjectCn = null;
    } else if (profile.commonName() == Profile.CommonName.PERSON) {
      // The professional's CN comes from the registry; the CSR's, if any, is compared with it
      // once the decision has found the professional (Orders.issuanceRequest).
      subjectCn = cn;
    } else {
      String what = "the service applicatif";
      if (cn == null) throw DomainError.badCsr(profile.name() + " needs a CN in the CSR: " + what);
      if (!PRINTABLE.matcher(cn).matches()) {
        throw DomainError.badCsr("the CN (" + what + ") must be 1 to 64 printable characters (letters, digits, space and '()+,-./:=?)");
      }
      if (cn.toUpperCase(Locale.ROOT).startsWith("INSI") && !cn.equals("INSI-AUTO") && !cn.equals("INSI-MANU")) {
        throw DomainError.badCsr("the INSi teleservice accepts only the service applicatif INSI-AUTO or INSI-MANU, not " + cn);
      }
      subjectCn = cn;
    }
    return new Names(subjectCn, List.copyOf(orderDns), List.copyOf(orderEmails));
  }

  /**
   * The CN of a PRO certificate: the professional as the RA recorded them. A CSR without CN gets
   * it; a CSR naming someone else (or the same person spelled otherwise) is refused rather than
   * silently corrected, so a client mixing up two people learns it before anything is signed.
   */
  static String personCommonName(String csrCn, Professional professional) {
    String expected = professional.commonName();
    if (csrCn != null && !Professional.nfc(csrCn).equals(expected)) {
      throw DomainError.badCsr("the CN of a PRO certificate is the professional as the RA recorded them: "
          + expected + ", not " + csrCn + "; send this CN or none");
    }
    return expected;
  }

  private static String commonName(PKCS10CertificationRequest csr) {
    RDN[] rdns = csr.getSubject().getRDNs(BCStyle.CN);
    if (rdns.length == 0) return null;
    if (rdns.length > 1) throw DomainError.badCsr("the CSR's subject has several CNs");
    ASN1Encodable v = rdns[0].getFirst().getValue();
    if (!(v instanceof ASN1String s)) throw DomainError.badCsr("the CSR's CN is not a string");
    String cn = s.getString().strip();
    return cn.isEmpty() ? null : cn;
  }

  private static List<GeneralName> sans(PKCS10CertificationRequest csr) {
    List<GeneralName> names = new ArrayList<>();
    for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable v : a.getAttrValues()) {
        Extensions ext;
        try {
          ext = Extensions.getInstance(v);
        } catch (IllegalArgumentException e) {
          throw DomainError.badCsr("the CSR's extension request is unreadable");
        }
        GeneralNames gn;
        try {
          gn = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
        } catch (RuntimeException e) { // Bouncy Castle's parse errors: IllegalArgument, IllegalState, ClassCast
          throw DomainError.badCsr("the CSR's subjectAltName extension is not a list of GeneralNames");
        }
        if (gn != null) names.addAll(List.of(gn.getNames()));
      }
    }
    return names;
  }

  private static String normaliseEmail(String e) {
    int at = e.lastIndexOf('@');
    return at < 0 ? e : e.substring(0, at) + "@" + e.substring(at + 1).toLowerCase(Locale.ROOT);
  }

}
