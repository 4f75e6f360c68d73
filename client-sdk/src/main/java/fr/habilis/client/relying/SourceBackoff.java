package fr.habilis.client.relying;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers revocation URLs that just failed at the transport level (refused, timed out, HTTP
 * error) and skips them for a while. Without it, while a responder is down every TLS handshake
 * would wait for the connect timeout before reaching the cached CRL. Bad answers (forged or stale
 * responses) are not remembered: they cost no waiting, and the next answer may be fine.
 */
final class SourceBackoff {
  private final Duration period;
  private final ConcurrentMap<URI, Failure> failures = new ConcurrentHashMap<>();

  private static final class Failure {
    final Instant until;
    final Instant at;
    final String message;

    Failure(Instant at, Instant until, String message) {
      this.at = at;
      this.until = until;
      this.message = message;
    }
  }

  SourceBackoff(Duration period) {
    this.period = period;
  }

  /** Why {@code url} is skipped at {@code now}, or null if it may be tried. */
  String skipReason(URI url, Instant now) {
    Failure f = failures.get(url);
    if (f == null) return null;
    if (!now.isBefore(f.until)) {
      failures.remove(url, f);
      return null;
    }
    return url + " skipped until " + f.until + " after a failure at " + f.at + " (" + f.message + ")";
  }

  void failed(URI url, Instant now, StatusUnavailableException e) {
    if (e.transport() && !period.isZero()) failures.put(url, new Failure(now, now.plus(period), e.getMessage()));
  }

  void succeeded(URI url) {
    failures.remove(url);
  }

  void clear() {
    failures.clear();
  }
}
