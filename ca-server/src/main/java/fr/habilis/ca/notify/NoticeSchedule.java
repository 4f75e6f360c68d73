package fr.habilis.ca.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When expiry notices are due: a pure function of the configured offsets (default 60, 30 and 7
 * days before notAfter) and one certificate's validity.
 * <ul>
 *   <li>An offset not shorter than the lifetime is dropped (a 30-day certificate gets no 60-day notice).
 *   <li>A lifetime below one day exists only in the test environment (certificateValidity): there
 *       the offsets are scaled so that the largest one is half the lifetime, ratios kept (60/30/7
 *       days of a 20-second certificate: 10, 5 and 1.17 seconds before notAfter), so a test sees
 *       every notice without faking clocks.
 *   <li>At any moment the due threshold is the smallest offset reached; a larger one that was
 *       missed (server stopped for weeks) is not sent late, the more urgent one replaces it.
 * </ul>
 */
public final class NoticeSchedule {
  static final Duration SCALED_BELOW = Duration.ofDays(1);
  private final List<Duration> offsets;

  /** One threshold: the configured offset (its name in messages) and when it applies to this certificate. */
  public record Threshold(Duration nominal, Duration effective) {
    /** The configured offset in whole days ("60"), or in seconds below a day. */
    public String label() {
      return nominal.toSeconds() % 86_400 == 0 ? Long.toString(nominal.toDays()) : nominal.toSeconds() + "s";
    }
  }

  public NoticeSchedule(List<Duration> offsets) {
    if (offsets.isEmpty()) throw new IllegalArgumentException("at least one offset");
    // Largest first; duplicates would be two notices at the same moment.
    this.offsets = offsets.stream().distinct().sorted(Comparator.reverseOrder()).toList();
  }

  /** The largest configured offset: certificates expiring later need no look yet. */
  public Duration horizon() {
    return offsets.get(0);
  }

  /** The thresholds of a certificate, largest first. */
  public List<Threshold> thresholds(Instant notBefore, Instant notAfter) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    List<Threshold> list = new ArrayList<>();
    if (lifetime.compareTo(SCALED_BELOW) < 0) {
      double scale = lifetime.toNanos() / 2.0 / offsets.get(0).toNanos();
      for (Duration d : offsets) list.add(new Threshold(d, Duration.ofNanos(Math.round(d.toNanos() * scale))));
    } else {
      for (Duration d : offsets) if (d.compareTo(lifetime) < 0) list.add(new Threshold(d, d));
    }
    return list;
  }

  /**
   * The threshold to notify now, if any: the smallest one reached before notAfter and smaller than
   * {@code handledMillis} (the effective offset of the last one handled, null for none).
   */
  public Optional<Threshold> due(Instant notBefore, Instant notAfter, Instant now, Long handledMillis) {
    if (!now.isBefore(notAfter)) return Optional.empty();
    Duration remaining = Duration.between(now, notAfter);
    Threshold reached = null;
    for (Threshold t : thresholds(notBefore, notAfter)) if (remaining.compareTo(t.effective()) <= 0) reached = t;
    if (reached == null) return Optional.empty();
    if (handledMillis != null && reached.effective().toMillis() >= handledMillis) return Optional.empty();
    return Optional.of(reached);
  }

  /** When the next threshold after {@code handledMillis} (null: the first) is reached; notAfter when none is left. */
  public Instant nextCheck(Instant notBefore, Instant notAfter, Long handledMillis) {
    for (Threshold t : thresholds(notBefore, notAfter)) {
      if (handledMillis == null || t.effective().toMillis() < handledMillis) return notAfter.minus(t.effective());
    }
    return notAfter;
  }
}
