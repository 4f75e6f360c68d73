package fr.habilis.ca.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a certificate is asked for: an ACME identifier, type {@code dns}, {@code email} or {@code structure}. */
public record Identifier(String type, String value) {
  public static final String DNS = "dns";
  public static final String EMAIL = "email";
  public static final String STRUCTURE = "structure";

  /**
   * A DNS name in lowercase A-label form (RFC 5890 LDH labels, at most 253 characters, at least two
   * labels); the last label starts with a letter, so an IP address is not a DNS name.
   */
  private static final Pattern DNS_NAME = Pattern.compile(
      "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
  /** The local part of an address: RFC 5322 atext and dots, at most 64 characters (RFC 5321 §4.5.3.1.1), ASCII only. */
  private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}");

  /** The one DNS name rule (ACME identifiers, RA offers' domains, certificate SANs). */
  public static boolean isDnsName(String name) {
    return name != null && DNS_NAME.matcher(name).matches();
  }

  /**
   * The one e-mail address rule (ACME identifiers and contacts, RA forms, certificate SANs): an
   * ASCII local part and a DNS name as domain, in any case.
   */
  public static boolean isEmailAddress(String address) {
    if (address == null) return false;
    int at = address.lastIndexOf('@');
    return at >= 1 && LOCAL_PART.matcher(address.substring(0, at)).matches()
        && isDnsName(address.substring(at + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
