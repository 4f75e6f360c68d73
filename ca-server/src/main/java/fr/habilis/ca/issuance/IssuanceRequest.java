package fr.habilis.ca.issuance;

import java.util.List;

/**
 * One authorised request to issue: the registry has already decided that {@code adminCard} (or
 * the ACME account) may obtain {@code profile} for these names. The CSR contributes only its
 * public key and proof of possession; subject and SANs come from the request (RFC 8555 §7.4 lets
 * the CA ignore what else the CSR says). {@code replacesSerial}: the certificate an ACME order
 * replaces (RFC 9773), null when none; its key may be certified again ({@link KeyReusePolicy}).
 */
public record IssuanceRequest(
    String profile,
    byte[] csrDer,
    SubjectInfo subject,
    List<String> dnsNames,
    List<String> emails,
    String adminCard,
    Long accountId,
    Long orderId,
    String replacesSerial) {
  public IssuanceRequest {
    dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
    emails = emails == null ? List.of() : List.copyOf(emails);
  }

  /** A request that replaces no certificate. */
  public IssuanceRequest(String profile, byte[] csrDer, SubjectInfo subject, List<String> dnsNames, List<String> emails,
      String adminCard, Long accountId, Long orderId) {
    this(profile, csrDer, subject, dnsNames, emails, adminCard, accountId, orderId, null);
  }
}
