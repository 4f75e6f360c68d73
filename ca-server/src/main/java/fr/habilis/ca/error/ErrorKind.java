package fr.habilis.ca.error;

/**
 * Every way a request can be refused, as a value (in the manner of Boulder's {@code berrors}).
 * Domain code says which kind; the front ends alone say how it looks on the wire:
 * {@code acme.AcmeProblems} (ACME problem type and HTTP status, RFC 8555 §6.7), {@code ra.RaErrors}
 * (RA problem documents) and {@code web.HttpProblems} (plain HTTP resources). OCSP answers map
 * their failures in {@code revocation.OcspAnswers}.
 */
public enum ErrorKind {
  /** The request cannot be read or breaks the protocol's syntax rules. */
  MALFORMED,
  /** The resource does not exist (or is not the requester's to see). */
  NOT_FOUND,
  /** A known resource asked with a method it does not take (the front end sets {@code Allow}). */
  METHOD_NOT_ALLOWED,
  /** The body's media type is not the one the resource takes. */
  UNSUPPORTED_MEDIA_TYPE,
  /** The body is larger than the resource accepts. */
  PAYLOAD_TOO_LARGE,
  /** The request contradicts the resource's current state (a duplicate, a wrong status). */
  CONFLICT,
  /** The requester may not do this (RA: no valid bearer token; ACME: the account or key may not). */
  UNAUTHORIZED,
  /**
   * The requester is known but may not do this: RA, a role it does not have, or four-eyes (the
   * principal who recorded an action cannot approve it).
   */
  FORBIDDEN,
  /** Too many requests; carries the delay after which the client may try again. */
  RATE_LIMITED,
  /** The resource is temporarily not available (e.g. a CRL still being generated). */
  UNAVAILABLE,
  /** A server fault. Only the front ends' last-resort handler and stored order errors use it. */
  INTERNAL,

  /** ACME: the nonce is missing, unknown, expired or already used. */
  BAD_NONCE,
  /** ACME: the JWS (or EAB) algorithm is not accepted; carries the accepted ones. */
  BAD_SIGNATURE_ALGORITHM,
  /** ACME: the key that signed the JWS is not acceptable (never the CSR's key: that is BAD_CSR). */
  BAD_PUBLIC_KEY,
  /** ACME: the kid or the jwk names no account. */
  ACCOUNT_DOES_NOT_EXIST,
  /** ACME: a new account needs an external account binding. */
  EXTERNAL_ACCOUNT_REQUIRED,
  /** ACME: a contact URL that is not a single e-mail address. */
  INVALID_CONTACT,
  /** ACME: a contact URL scheme other than mailto. */
  UNSUPPORTED_CONTACT,
  /** The CSR is refused: unreadable, badly signed, its names or its key (weak, blocked, in use). */
  BAD_CSR,
  /**
   * The registry's record of the subject cannot go into a certificate (e.g. a structure name over
   * 64 characters, RFC 5280 A.1): not the client's CSR, the RA must correct the record.
   */
  SUBJECT_NOT_CERTIFIABLE,
  /** ACME: finalize of an order that is not ready. */
  ORDER_NOT_READY,
  /** The certificate profile asked for does not exist; carries the accepted ones. */
  INVALID_PROFILE,
  /** An identifier that is not a valid name of its type (syntax, wildcard). */
  REJECTED_IDENTIFIER,
  /** An identifier type the server does not issue for. */
  UNSUPPORTED_IDENTIFIER,
  /** A valid identifier that no habilitation of the administrator covers. */
  IDENTIFIER_NOT_COVERED,
  /** A valid identifier of a type the requested profile does not certify. */
  IDENTIFIER_NOT_FOR_PROFILE,
  /** The certificate is already revoked. */
  ALREADY_REVOKED,
  /** A revocation reason that is not an accepted RFC 5280 code. */
  BAD_REVOCATION_REASON,
  /** RFC 9773: the certificate named in replaces already has a successor. */
  ALREADY_REPLACED
}
