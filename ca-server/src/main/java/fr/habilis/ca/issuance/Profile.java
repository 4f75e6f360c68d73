package fr.habilis.ca.issuance;

import java.time.temporal.TemporalAmount;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One certificate product, as data (loaded from {@code issuance/profiles.json} by {@link Profiles}).
 *
 * @param offer the habilitation offer that covers it: {@code ORG}, {@code SERV_SSL}, {@code SERV_SMIME} or {@code PRO}
 * @param caId issuing CA: {@code org} (ORG and SERV products) or {@code pro} (PRO products)
 * @param subject subject DN attributes in order; values come from {@link SubjectInfo}
 * @param keyUsage keyUsage bits per subject key algorithm (RFC 5480 §3 forbids encipherment bits on EC keys)
 * @param san SAN kinds the certificate must carry (at least one name of each), empty for none
 * @param validity product-specific lifetime (calendar period or exact duration), or null for the configured {@code certificateValidity}
 */
public record Profile(
    ProfileName name,
    String offer,
    String caId,
    String description,
    List<SubjectAttribute> subject,
    CommonName commonName,
    Map<KeyAlgorithm, Set<KeyUsageBit>> keyUsage,
    List<ExtendedKeyUsage> extendedKeyUsage,
    Set<SanKind> san,
    TemporalAmount validity) {

  public Profile {
    subject = List.copyOf(subject);
    keyUsage = Map.copyOf(keyUsage);
    extendedKeyUsage = List.copyOf(extendedKeyUsage);
    san = Set.copyOf(san);
  }

  /** Subject attributes a layout may use; C is always FR (IGC-Santé is a French PKI). */
  public enum SubjectAttribute { C, ST, O, OU, CN }

  /** What the CN names: an application, a server (then it must be one of the dNSName SANs), or a person. */
  public enum CommonName { SERVICE, FQDN, PERSON }

  public enum KeyAlgorithm { RSA, EC }

  /** RFC 5280 §4.2.1.3 names, spelled as in the ASN.1 so the JSON reads like the standard. */
  public enum KeyUsageBit { digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement }

  /** RFC 5280 §4.2.1.12 key purposes, spelled as in the ASN.1. */
  public enum ExtendedKeyUsage { serverAuth, clientAuth, emailProtection }

  /** SAN kinds, named like registry identifiers: dNSName and rfc822Name (RFC 5280 §4.2.1.6). */
  public enum SanKind { dns, email }

  public Set<KeyUsageBit> keyUsageFor(KeyAlgorithm algorithm) {
    return keyUsage.get(algorithm);
  }

  public TemporalAmount validityOr(TemporalAmount configured) {
    return validity != null ? validity : configured;
  }
}
