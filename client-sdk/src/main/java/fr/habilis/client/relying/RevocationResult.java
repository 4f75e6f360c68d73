package fr.habilis.client.relying;

import java.math.BigInteger;
import java.security.cert.CRLReason;
import java.time.Instant;
import java.util.Objects;

/**
 * The revocation status of one certificate, with the evidence it rests on: which source answered,
 * that answer's validity window, and whether it came from the checker's cache. Immutable.
 *
 * <p>{@link RevocationChecker#check} returns it for accepted certificates; a refused certificate's
 * {@link RevocationCheckException#result()} carries it too (for example a revoked one's reason).
 */
public final class RevocationResult {
  private final RevocationStatus status;
  private final RevocationSource source;
  private final BigInteger serialNumber;
  private final String subject;
  private final CRLReason reason;
  private final Instant revocationTime;
  private final Instant thisUpdate;
  private final Instant nextUpdate;
  private final boolean fromCache;
  private final String detail;

  RevocationResult(RevocationStatus status, RevocationSource source, BigInteger serialNumber, String subject,
      CRLReason reason, Instant revocationTime, Instant thisUpdate, Instant nextUpdate, boolean fromCache,
      String detail) {
    this.status = Objects.requireNonNull(status, "status");
    this.source = Objects.requireNonNull(source, "source");
    this.serialNumber = serialNumber;
    this.subject = subject;
    this.reason = reason;
    this.revocationTime = revocationTime;
    this.thisUpdate = thisUpdate;
    this.nextUpdate = nextUpdate;
    this.fromCache = fromCache;
    this.detail = detail == null ? "" : detail;
  }

  /** No source gave a usable answer; {@code detail} says what each one did. */
  static RevocationResult unavailable(BigInteger serialNumber, String subject, String detail) {
    return new RevocationResult(RevocationStatus.UNKNOWN, RevocationSource.NONE, serialNumber, subject,
        null, null, null, null, false, detail);
  }

  /** The same answer, marked as served from the cache. */
  RevocationResult cached() {
    return fromCache ? this : new RevocationResult(status, source, serialNumber, subject, reason, revocationTime,
        thisUpdate, nextUpdate, true, detail);
  }

  /** The same answer with another explanation (the CRL's, completed with why OCSP was not used). */
  RevocationResult withDetail(String newDetail) {
    return new RevocationResult(status, source, serialNumber, subject, reason, revocationTime, thisUpdate, nextUpdate,
        fromCache, newDetail);
  }

  public RevocationStatus status() {
    return status;
  }

  public RevocationSource source() {
    return source;
  }

  /** The checked (leaf) certificate's serial number. */
  public BigInteger serialNumber() {
    return serialNumber;
  }

  /** The checked certificate's subject (RFC 2253), for logs and operators. */
  public String subject() {
    return subject;
  }

  /** The revocation reason when {@link RevocationStatus#REVOKED} ({@code UNSPECIFIED} when none is given), else null. */
  public CRLReason reason() {
    return reason;
  }

  /** When the certificate was revoked, if {@link RevocationStatus#REVOKED}; else null. */
  public Instant revocationTime() {
    return revocationTime;
  }

  /** thisUpdate of the OCSP response or CRL used; null for {@link RevocationSource#NONE}. */
  public Instant thisUpdate() {
    return thisUpdate;
  }

  /** nextUpdate of the OCSP response or CRL used (null if it has none): the answer is cached until then. */
  public Instant nextUpdate() {
    return nextUpdate;
  }

  /** True when this answer was served from the checker's cache rather than fetched for this check. */
  public boolean fromCache() {
    return fromCache;
  }

  /** Human-readable explanation: the responder or CRL URL, or why each source failed. */
  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder().append(status).append(" from ").append(source);
    if (fromCache) b.append(" (cached)");
    if (status == RevocationStatus.REVOKED) b.append(", ").append(reason).append(" at ").append(revocationTime);
    if (nextUpdate != null) b.append(", next update ").append(nextUpdate);
    b.append(" for ").append(subject).append(" serial ").append(serialNumber == null ? "?" : serialNumber.toString(16));
    if (!detail.isEmpty()) b.append(": ").append(detail);
    return b.toString();
  }
}
