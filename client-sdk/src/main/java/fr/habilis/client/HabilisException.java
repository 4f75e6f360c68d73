package fr.habilis.client;

/**
 * Base of every failure the SDK reports. Its message is meant for the person operating the
 * software: it says what failed and, when the server refused, the server's own reason.
 */
public class HabilisException extends Exception {
  private static final long serialVersionUID = 1L;

  public HabilisException(String message) {
    super(message);
  }

  public HabilisException(String message, Throwable cause) {
    super(message, cause);
  }
}
