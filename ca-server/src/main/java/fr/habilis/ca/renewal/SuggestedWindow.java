package fr.habilis.ca.renewal;

import java.time.Duration;
import java.time.Instant;

/**
 * A renewalInfo answer (RFC 9773 §4.2): the window, why it is where it is, and how long the answer
 * holds (Retry-After, and the max-age of the cacheable response).
 *
 * @param incident the incident that moved the window, for {@link Cause#INCIDENT}; else null
 */
public record SuggestedWindow(Instant start, Instant end, Cause cause, Incident incident, Duration retryAfter) {

  public SuggestedWindow {
    // RFC 9773 §4.2: a window whose end does not follow its start is invalid and must not be served.
    if (!end.isAfter(start)) throw new IllegalArgumentException("window end " + end + " is not after its start " + start);
  }

  public enum Cause {
    /** The certificate's own slot in the scheduled window. */
    SCHEDULE,
    /** An RA incident moved it to now. */
    INCIDENT,
    /** The certificate is revoked: renew now. */
    REVOKED
  }
}
