package fr.habilis.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts and retry pacing. An operation (an order, a revocation) retries transient failures —
 * server unreachable or restarting, {@code serverInternal}, a {@code badNonce} left after acme4j's
 * own retries — with exponential backoff until its deadline, then fails cleanly.
 */
public final class ClientSettings {
  private final Duration requestTimeout;
  private final Duration operationTimeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private ClientSettings(Duration requestTimeout, Duration operationTimeout, Duration initialBackoff, Duration maxBackoff) {
    this.requestTimeout = requestTimeout;
    this.operationTimeout = operationTimeout;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** 30 s per HTTP request, 5 minutes per operation, backoff from 0.5 s doubling up to 10 s. */
  public static ClientSettings defaults() {
    return new ClientSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(10));
  }

  public ClientSettings withRequestTimeout(Duration d) {
    return new ClientSettings(positive(d), operationTimeout, initialBackoff, maxBackoff);
  }

  public ClientSettings withOperationTimeout(Duration d) {
    return new ClientSettings(requestTimeout, positive(d), initialBackoff, maxBackoff);
  }

  public ClientSettings withBackoff(Duration initial, Duration max) {
    return new ClientSettings(requestTimeout, operationTimeout, positive(initial), positive(max));
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration operationTimeout() {
    return operationTimeout;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  private static Duration positive(Duration d) {
    Objects.requireNonNull(d);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("duration must be positive: " + d);
    return d;
  }
}
