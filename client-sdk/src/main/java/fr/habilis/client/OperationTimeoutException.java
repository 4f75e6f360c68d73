package fr.habilis.client;

/** An operation (an order, a renewal) did not complete within its deadline; nothing local was written. */
public final class OperationTimeoutException extends HabilisException {
  private static final long serialVersionUID = 1L;

  public OperationTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
