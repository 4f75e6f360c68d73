package fr.habilis.client.relying;

/** Where a {@link RevocationResult} comes from. */
public enum RevocationSource {
  /** A verified OCSP response (RFC 6960) from the responder named in the certificate's AIA. */
  OCSP,
  /** A verified CRL (RFC 5280) from the certificate's CRL distribution point. */
  CRL,
  /** Neither answered: only with {@link RevocationStatus#UNKNOWN}. */
  NONE
}
