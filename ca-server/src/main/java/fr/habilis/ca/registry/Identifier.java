package fr.habilis.ca.registry;

/** What a certificate is asked for: an ACME identifier, type {@code dns}, {@code email} or {@code structure}. */
public record Identifier(String type, String value) {
  public static final String DNS = "dns";
  public static final String EMAIL = "email";
  public static final String STRUCTURE = "structure";

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
