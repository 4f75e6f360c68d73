package fr.habilis.ca.registry;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A natural person a habilitation's PRO offer covers, as the RA recorded them: national
 * professional identifier (RPPS or ADELI), family and given names, e-mail address. A PRO
 * certificate's CN is built from this record ({@link #commonName()}), never from the CSR.
 */
public record Professional(long habilitationId, IdKind idKind, String idValue, String lastName, String firstName,
    String email) {

  /** RPPS (11 digits, Luhn key) or ADELI (9 characters), with the prefix of the national identifier. */
  public enum IdKind {
    RPPS("8"),
    ADELI("0");

    private final String prefix;

    IdKind(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  /** RFC 5280 ub-common-name. */
  public static final int CN_MAX = 64;
  private static final Pattern RPPS = Pattern.compile("[0-9]{11}");
  private static final Pattern ADELI = Pattern.compile("(?:[0-9]{2}|2A|2B)[0-9]{7}");
  /** Letters of any script (accents: UTF8String in the certificate), spaces, hyphens and apostrophes. */
  private static final Pattern NAME = Pattern.compile("\\p{L}[\\p{L}\\p{M} '’-]*");

  /** The national professional identifier: {@code 8}+RPPS or {@code 0}+ADELI, as on CPS cards. */
  public String nationalId() {
    return idKind.prefix() + idValue;
  }

  /**
   * The CN in the IGC-Santé form of personal certificates, {@code <national id>/<FAMILY NAME> <Given names>}
   * (e.g. {@code 810001234565/LEFÈVRE Anne-Sophie}): the identifier survives a change of name, the
   * name is what relying parties show.
   */
  public String commonName() {
    return commonName(idKind, idValue, lastName, firstName);
  }

  public static String commonName(IdKind kind, String idValue, String lastName, String firstName) {
    return kind.prefix() + idValue + "/" + lastName.toUpperCase(Locale.ROOT) + " " + firstName;
  }

  /** Why {@code value} is no identifier of this kind, or empty. */
  public static Optional<String> idProblem(IdKind kind, String value) {
    return switch (kind) {
      case RPPS -> !RPPS.matcher(value).matches() ? Optional.of("an RPPS number is 11 digits")
          : !IdType.luhn(value) ? Optional.of("RPPS check digit (Luhn) is wrong") : Optional.empty();
      case ADELI -> ADELI.matcher(value).matches() ? Optional.empty()
          : Optional.of("an ADELI number is 9 characters: 9 digits, or 2A/2B and 7 digits");
    };
  }

  /** Why {@code name} (already NFC) is not a person's name, or empty. */
  public static Optional<String> nameProblem(String name) {
    return NAME.matcher(name).matches() ? Optional.empty()
        : Optional.of("letters (accents allowed), spaces, hyphens and apostrophes only, starting with a letter");
  }

  /** Names compare and are stored in NFC, so a decomposed "é" from one client equals the composed one. */
  public static String nfc(String s) {
    return s == null ? null : Normalizer.normalize(s, Normalizer.Form.NFC);
  }

  /** Addresses compare with the domain in lower case (the local part is the mailbox owner's). */
  public static String normaliseEmail(String e) {
    int at = e.lastIndexOf('@');
    return at < 0 ? e : e.substring(0, at) + "@" + e.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
