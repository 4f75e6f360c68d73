package fr.habilis.client.output;

import java.io.IOException;

/**
 * A certificate or key file could not be written (or read back). The message names the path and the
 * cause in plain words, so that it can be shown to the user as is.
 */
public class OutputException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and why, for the user
   */
  public OutputException(String message) {
    super(message);
  }

  /**
   * @param message what failed and why, for the user
   * @param cause the underlying error, kept for logs
   */
  public OutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
