package fr.habilis.ca.issuance;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;

/**
 * A CSR refused by {@link CsrPolicy}: a {@link DomainError} of kind {@link ErrorKind#BAD_CSR}
 * (whatever the reason, its key included: RFC 8555 keeps badPublicKey for the key that signed the
 * JWS), with the precise reason for the tests and the audit.
 */
public final class CsrRejected extends DomainError {
  public enum Reason {
    /** Not a DER PKCS#10 request (RFC 2986), or its public key cannot be decoded. */
    MALFORMED(false),
    /** The CSR's self-signature does not verify: no proof of possession of the private key. */
    BAD_SIGNATURE(false),
    /** Neither RSA nor EC (e.g. DSA, Ed25519, RSASSA-PSS-only keys). */
    UNSUPPORTED_KEY(true),
    /** RSA modulus shorter than 2048 bits. */
    WEAK_KEY(true),
    /** RSA modulus longer than 8192 bits (costly to verify, no security benefit). */
    KEY_TOO_LARGE(true),
    /** RSA public exponent other than 65537. */
    BAD_EXPONENT(true),
    /** EC key on a curve other than P-256 or P-384, or with explicit parameters. */
    UNSUPPORTED_CURVE(true),
    /** The key is already certified in another unexpired, unrevoked certificate (seed 004). */
    KEY_IN_USE(true),
    /** The key is in blocked_keys (e.g. revoked for keyCompromise). */
    KEY_BLOCKED(true);

    private final boolean publicKeyProblem;

    Reason(boolean publicKeyProblem) {
      this.publicKeyProblem = publicKeyProblem;
    }
  }

  private final Reason reason;

  public CsrRejected(Reason reason, String detail) {
    super(ErrorKind.BAD_CSR, detail);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** True when a different key would fix the request (ACME {@code badPublicKey}). */
  public boolean isPublicKeyProblem() {
    return reason.publicKeyProblem;
  }
}
