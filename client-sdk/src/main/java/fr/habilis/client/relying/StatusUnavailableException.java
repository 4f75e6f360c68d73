package fr.habilis.client.relying;

/**
 * One revocation source gave no usable answer (unreachable, HTTP error, malformed, badly signed,
 * stale…). Internal: the checker collects these messages into the result's detail and moves on to
 * the next source; it never turns one into a GOOD status.
 */
final class StatusUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;
  /** True when the server could not be reached or answered with an error: worth backing off from. */
  private final boolean transport;

  StatusUnavailableException(String message, boolean transport) {
    super(message, null, false, false); // an expected outcome, reported by message: no stack trace
    this.transport = transport;
  }

  boolean transport() {
    return transport;
  }
}
