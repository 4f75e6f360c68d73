package fr.habilis.ca.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * The language a person receives notices in. French unless the form says otherwise: the
 * habilitation's for its signatory and the addresses to inform, an administrator's own for them
 * and their ACME accounts' contacts (an editor's administrator may serve structures in both).
 */
public enum Language {
  FR("fr", Locale.FRENCH), EN("en", Locale.ENGLISH);

  private final String code;
  private final Locale locale;

  Language(String code, Locale locale) {
    this.code = code;
    this.locale = locale;
  }

  /** ISO 639-1 code as stored and shown by the RA API. */
  public String code() {
    return code;
  }

  public Locale locale() {
    return locale;
  }

  public static Optional<Language> ofCode(String code) {
    for (Language l : values()) if (l.code.equals(code)) return Optional.of(l);
    return Optional.empty();
  }

  /** Stored value to language; unknown or missing values read as French. */
  public static Language stored(String code) {
    return ofCode(code).orElse(FR);
  }
}
