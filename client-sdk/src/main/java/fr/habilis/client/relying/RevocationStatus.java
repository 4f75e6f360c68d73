package fr.habilis.client.relying;

/** What the revocation sources say about a certificate. */
public enum RevocationStatus {
  /** Not revoked according to a verified, current OCSP response or CRL. */
  GOOD,
  /** Revoked: {@link RevocationResult#reason()} and {@link RevocationResult#revocationTime()} say how and when. */
  REVOKED,
  /**
   * No usable status: every source failed (see {@link RevocationResult#detail()}), or the OCSP
   * responder does not know the certificate. Accepted only by a fail-open checker.
   */
  UNKNOWN
}
