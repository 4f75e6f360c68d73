package fr.habilis.client;

/** The CA server could not be reached (connection refused, TLS failure, reset) within the deadline. */
public final class ServerUnreachableException extends HabilisException {
  private static final long serialVersionUID = 1L;

  public ServerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
