package fr.habilis.client;

import java.net.URL;
import java.time.Instant;
import java.util.Optional;

/**
 * When a certificate should be renewed: the server's ARI suggested window (RFC 9773) or the SDK's
 * fallback margin before notAfter.
 */
public final class RenewalWindow {
  private final Instant start;
  private final Instant end;
  private final boolean fromServer;
  private final URL explanation;
  private final Instant recheckAfter;

  public RenewalWindow(Instant start, Instant end, boolean fromServer, URL explanation, Instant recheckAfter) {
    if (end.isBefore(start)) throw new IllegalArgumentException("window ends before it starts");
    this.start = start;
    this.end = end;
    this.fromServer = fromServer;
    this.explanation = explanation;
    this.recheckAfter = recheckAfter;
  }

  public Instant start() {
    return start;
  }

  public Instant end() {
    return end;
  }

  /** True when the window came from the server's renewalInfo (ARI). */
  public boolean fromServer() {
    return fromServer;
  }

  /** The server's explanation when it moved the window (an incident). */
  public Optional<URL> explanation() {
    return Optional.ofNullable(explanation);
  }

  /** When the server asked to be asked again (its Retry-After), if it did. */
  public Optional<Instant> recheckAfter() {
    return Optional.ofNullable(recheckAfter);
  }

  /**
   * This certificate's renewal instant inside the window: a fixed point chosen from {@code seed}
   * (its serial), so that runs agree with each other and a population issued on the same day does
   * not renew in the same second (RFC 9773 §4.2 asks for a uniformly chosen time).
   */
  public Instant pick(long seed) {
    long span = end.toEpochMilli() - start.toEpochMilli();
    if (span <= 0) return start;
    long mixed = seed * 0x9E3779B97F4A7C15L;
    mixed ^= (mixed >>> 29);
    double fraction = (mixed >>> 11) * 0x1.0p-53;
    return start.plusMillis((long) (span * fraction));
  }

  @Override
  public String toString() {
    return (fromServer ? "ARI window " : "window ") + start + " .. " + end;
  }
}
