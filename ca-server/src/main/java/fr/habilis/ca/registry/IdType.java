package fr.habilis.ca.registry;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a structure is identified, with the prefix that makes its national identifier
 * (0 ADELI rang, 1 FINESS, 2 SIREN, 3 SIRET, 4 RPPS rang) and the value's own validation.
 */
public enum IdType {
  ADELI_RANG('0'),
  FINESS('1'),
  SIREN('2'),
  SIRET('3'),
  RPPS_RANG('4');

  /** La Poste's SIREN: its SIRETs do not pass Luhn; INSEE checks that their digit sum is a multiple of 5. */
  static final String LA_POSTE_SIREN = "356000000";
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern TEST_FINESS = Pattern.compile("[0-9A-Z]{9}");

  private final char prefix;

  IdType(char prefix) {
    this.prefix = prefix;
  }

  public String nationalId(String value) {
    return prefix + value;
  }

  /** The type of a national identifier, from its prefix. */
  public static Optional<IdType> ofNationalId(String nationalId) {
    if (nationalId == null || nationalId.isEmpty()) return Optional.empty();
    for (IdType t : values()) if (t.prefix == nationalId.charAt(0)) return Optional.of(t);
    return Optional.empty();
  }

  /**
   * Why {@code value} is not a valid identifier of this type, or empty when it is. Test
   * structures may carry the agency's test FINESS values, which contain letters and no key.
   */
  public Optional<String> problem(String value, boolean testEnvironment) {
    if (value == null || value.isEmpty()) return Optional.of("is required");
    switch (this) {
      case SIREN -> {
        if (value.length() != 9 || !DIGITS.matcher(value).matches()) return Optional.of("a SIREN is 9 digits");
        if (!value.equals(LA_POSTE_SIREN) && !luhn(value)) return Optional.of("SIREN check digit (Luhn) is wrong");
      }
      case SIRET -> {
        if (value.length() != 14 || !DIGITS.matcher(value).matches()) return Optional.of("a SIRET is 14 digits");
        if (value.startsWith(LA_POSTE_SIREN)) {
          if (digitSum(value) % 5 != 0) return Optional.of("La Poste SIRET: the digit sum must be a multiple of 5");
        } else if (!luhn(value)) {
          return Optional.of("SIRET check digit (Luhn) is wrong");
        }
      }
      case FINESS -> {
        if (value.length() != 9) return Optional.of("a FINESS number is 9 characters");
        boolean corsica = value.startsWith("2A") || value.startsWith("2B");
        String rest = corsica ? value.substring(2) : value;
        if (!DIGITS.matcher(rest).matches()) {
          // The agency's test FINESS values contain letters and have no key.
          if (testEnvironment && TEST_FINESS.matcher(value).matches()) break;
          return Optional.of(testEnvironment ? "a FINESS number is 9 digits or capital letters"
              : "a production FINESS number is 9 digits (2A/2B for Corsica)");
        }
        String dept = corsica ? value.substring(0, 2) : value.startsWith("97") ? value.substring(0, 3) : value.substring(0, 2);
        if (Departments.name(dept).isEmpty()) return Optional.of("FINESS starts with an unknown département " + dept);
        // The key is Luhn over the digits; Corsican numbers keep their historical keys (no check).
        if (!corsica && !luhn(value)) return Optional.of("FINESS check digit (Luhn) is wrong");
      }
      case RPPS_RANG -> {
        if (value.length() != 13 || !DIGITS.matcher(value).matches()) {
          return Optional.of("an RPPS rang is the 11-digit RPPS number followed by the 2-digit rang");
        }
        if (!luhn(value.substring(0, 11))) return Optional.of("RPPS check digit (Luhn) is wrong");
        if (value.endsWith("00")) return Optional.of("the rang starts at 01");
      }
      case ADELI_RANG -> {
        if (value.length() != 11 || !DIGITS.matcher(value).matches()) {
          return Optional.of("an ADELI rang is the 9-digit ADELI number followed by the 2-digit rang");
        }
        if (value.endsWith("00")) return Optional.of("the rang starts at 01");
      }
    }
    return Optional.empty();
  }

  /** Luhn (ISO/IEC 7812-1): double every second digit from the right. */
  static boolean luhn(String digits) {
    int sum = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(digits.length() - 1 - i) - '0';
      if (i % 2 == 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 == 0;
  }

  private static int digitSum(String digits) {
    int sum = 0;
    for (char c : digits.toCharArray()) sum += c - '0';
    return sum;
  }
}
