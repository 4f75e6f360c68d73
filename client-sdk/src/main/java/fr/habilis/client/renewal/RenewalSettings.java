package fr.habilis.client.renewal;

import java.time.Duration;

/**
 * How the renewal manager paces itself. Without the server's ARI window, a certificate is renewed
 * when less than {@code min(lifetime × marginFraction, maxMargin)} is left (default one third, at
 * most 60 days: 60 days before a 3-year certificate expires, as the platform's FAQ advises).
 */
public final class RenewalSettings {
  private final double marginFraction;
  private final Duration maxMargin;
  private final Duration renewBefore;
  private final Duration alertBefore;
  private final int attemptsPerRun;
  private final Duration retryDelay;
  private final Duration maxBackoff;
  private final int concurrency;
  private final Duration maxJitter;

  private RenewalSettings(double marginFraction, Duration maxMargin, Duration renewBefore, Duration alertBefore,
      int attemptsPerRun, Duration retryDelay, Duration maxBackoff, int concurrency, Duration maxJitter) {
    if (marginFraction <= 0 || marginFraction >= 1) throw new IllegalArgumentException("marginFraction must be in (0, 1)");
    if (attemptsPerRun < 1 || concurrency < 1) throw new IllegalArgumentException("attempts and concurrency must be positive");
    this.marginFraction = marginFraction;
    this.maxMargin = maxMargin;
    this.renewBefore = renewBefore;
    this.alertBefore = alertBefore;
    this.attemptsPerRun = attemptsPerRun;
    this.retryDelay = retryDelay;
    this.maxBackoff = maxBackoff;
    this.concurrency = concurrency;
    this.maxJitter = maxJitter;
  }

  /**
   * One third of the lifetime, at most 60 days; alert with less than 30 days left; 3 attempts per
   * run 10 s apart (doubling); across runs, a failed certificate waits from 5 minutes doubling up
   * to 6 hours; 4 renewals at a time; the daemon wakes up to 5 minutes after a window opens.
   */
  public static RenewalSettings defaults() {
    return new RenewalSettings(1.0 / 3, Duration.ofDays(60), null, Duration.ofDays(30), 3, Duration.ofSeconds(10),
        Duration.ofHours(6), 4, Duration.ofMinutes(5));
  }

  /** Renew when less than this is left, whatever the server's window (e.g. {@code --renew-before 90d}). */
  public RenewalSettings withRenewBefore(Duration d) {
    return new RenewalSettings(marginFraction, maxMargin, d, alertBefore, attemptsPerRun, retryDelay, maxBackoff, concurrency, maxJitter);
  }

  public RenewalSettings withMargin(double fraction, Duration max) {
    return new RenewalSettings(fraction, max, renewBefore, alertBefore, attemptsPerRun, retryDelay, maxBackoff, concurrency, maxJitter);
  }

  public RenewalSettings withAlertBefore(Duration d) {
    return new RenewalSettings(marginFraction, maxMargin, renewBefore, d, attemptsPerRun, retryDelay, maxBackoff, concurrency, maxJitter);
  }

  /** Attempts within one run and the first delay between them (doubling). */
  public RenewalSettings withAttempts(int attempts, Duration delay) {
    return new RenewalSettings(marginFraction, maxMargin, renewBefore, alertBefore, attempts, delay, maxBackoff, concurrency, maxJitter);
  }

  /** The longest wait between runs' attempts on a failing certificate. */
  public RenewalSettings withMaxBackoff(Duration d) {
    return new RenewalSettings(marginFraction, maxMargin, renewBefore, alertBefore, attemptsPerRun, retryDelay, d, concurrency, maxJitter);
  }

  public RenewalSettings withConcurrency(int n) {
    return new RenewalSettings(marginFraction, maxMargin, renewBefore, alertBefore, attemptsPerRun, retryDelay, maxBackoff, n, maxJitter);
  }

  /** The daemon's random delay after a window opens, so that many clients do not wake together. */
  public RenewalSettings withMaxJitter(Duration d) {
    return new RenewalSettings(marginFraction, maxMargin, renewBefore, alertBefore, attemptsPerRun, retryDelay, maxBackoff, concurrency, d);
  }

  public double marginFraction() {
    return marginFraction;
  }

  public Duration maxMargin() {
    return maxMargin;
  }

  /** The override of the window, or null. */
  public Duration renewBefore() {
    return renewBefore;
  }

  public Duration alertBefore() {
    return alertBefore;
  }

  public int attemptsPerRun() {
    return attemptsPerRun;
  }

  public Duration retryDelay() {
    return retryDelay;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public int concurrency() {
    return concurrency;
  }

  public Duration maxJitter() {
    return maxJitter;
  }
}
