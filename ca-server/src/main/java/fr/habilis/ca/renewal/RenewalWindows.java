package fr.habilis.ca.renewal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When a certificate should be renewed: a pure function of the certificate, the latest incident
 * covering it and the policy (protocol-spec/renewal.md "Windows").
 *
 * <ol>
 *   <li>The <b>scheduled window</b> runs from {@code notAfter − windowStart} to
 *       {@code notAfter − windowEnd} (60 and 30 days by default). When that would open before the
 *       last third of the lifetime — lifetimes under 3 × windowStart, e.g. the test environment's
 *       60-second certificates — both offsets are scaled by {@code lifetime / (3 × windowStart)}:
 *       the window then opens two thirds into the lifetime (and, with the defaults, closes at five
 *       sixths). The rule is continuous: at 180 days both forms agree.
 *   <li>Each certificate gets <b>one third of that window</b>, placed by a hash of its serial:
 *       RFC 9773 clients pick a random instant inside what they are given, and clients that renew
 *       at the start of their window anyway (or on the same cron minute) are spread too. A
 *       population issued the same day renews over the first two thirds of the window plus one
 *       third, not in the same minute; the answer is the same on every instance and every poll
 *       (hence cacheable).
 *   <li>An <b>incident</b> declared after the certificate was issued, or its <b>revocation</b> (unless
 *       it was revoked as superseded by its successor),
 *       replaces the window by one wholly in the past — from one hour to half an hour before the
 *       incident (the revocation) — which RFC 9773 §4.2 clients read as "renew immediately", even
 *       with a clock up to 30 minutes slow.
 * </ol>
 * Retry-After is {@code min(retryAfter, lifetime / 100)}, at least one second (6 hours for
 * 3-year certificates, one second for 60-second ones).
 */
public final class RenewalWindows {
  /** An immediate window ends this long before the event, so that slow clocks see it in the past too. */
  static final Duration PAST_MARGIN = Duration.ofMinutes(30);
  static final Duration PAST_WIDTH = Duration.ofMinutes(30);

  private RenewalWindows() {}

  public static SuggestedWindow suggest(RenewalFacts cert, Incident incident, RenewalPolicy policy) {
    Duration retryAfter = retryAfter(cert.lifetime(), policy);
    // A revoked certificate not yet replaced must be replaced now; one revoked because its successor
    // was issued (revokeReplaced) is done with.
    if (cert.isRevoked() && cert.revokedAt() != null && cert.replacedBy() == null) {
      return immediate(cert.revokedAt(), SuggestedWindow.Cause.REVOKED, null, retryAfter);
    }
    if (incident != null && incident.covers(cert)) {
      return immediate(incident.declaredAt(), SuggestedWindow.Cause.INCIDENT, incident, retryAfter);
    }
    Instant[] bounds = scheduledWindow(cert.notBefore(), cert.notAfter(), policy);
    long width = bounds[1].toEpochMilli() - bounds[0].toEpochMilli();
    long slot = width / 3;
    long offset = (long) ((width - slot) * spread(cert.serial()));
    Instant start = bounds[0].plusMillis(offset).truncatedTo(ChronoUnit.SECONDS);
    Instant end = ceilSecond(bounds[0].plusMillis(offset + slot));
    if (!end.isAfter(start)) end = start.plusSeconds(1);
    return new SuggestedWindow(start, end, SuggestedWindow.Cause.SCHEDULE, null, retryAfter);
  }

  /** The scheduled window of every certificate with these dates, before the per-certificate slot. */
  public static Instant[] scheduledWindow(Instant notBefore, Instant notAfter, RenewalPolicy policy) {
    long lifetime = Duration.between(notBefore, notAfter).toMillis();
    long startOffset = policy.windowStart().toMillis();
    long endOffset = policy.windowEnd().toMillis();
    if (lifetime < 3 * startOffset) {
      double k = lifetime / (3.0 * startOffset);
      startOffset = (long) (startOffset * k);
      endOffset = (long) (endOffset * k);
    }
    return new Instant[] {notAfter.minusMillis(startOffset), notAfter.minusMillis(endOffset)};
  }

  public static Duration retryAfter(Duration lifetime, RenewalPolicy policy) {
    Duration scaled = lifetime.dividedBy(100);
    Duration r = scaled.compareTo(policy.retryAfter()) < 0 ? scaled : policy.retryAfter();
    return r.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : r.truncatedTo(ChronoUnit.SECONDS);
  }

  /** A fraction in [0, 1) from SHA-256 of the serial's DER octets: deterministic, uniform even for sequential serials. */
  static double spread(BigInteger serial) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(serial.toByteArray());
      return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SuggestedWindow immediate(Instant event, SuggestedWindow.Cause cause, Incident incident, Duration retryAfter) {
    Instant end = event.minus(PAST_MARGIN).truncatedTo(ChronoUnit.SECONDS);
    return new SuggestedWindow(end.minus(PAST_WIDTH), end, cause, incident, retryAfter);
  }

  private static Instant ceilSecond(Instant t) {
    Instant floor = t.truncatedTo(ChronoUnit.SECONDS);
    return floor.equals(t) ? t : floor.plusSeconds(1);
  }
}
