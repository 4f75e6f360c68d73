package fr.habilis.ca.config;

/** A configuration or start-up problem, reported to the operator as one line, exit code 2. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
