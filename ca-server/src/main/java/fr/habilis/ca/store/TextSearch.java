package fr.habilis.ca.store;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Case- and accent-insensitive "contains" for the RA's searches, portable to H2 and PostgreSQL:
 * the column is folded in SQL with {@code TRANSLATE} (French accented letters to their base letter)
 * then {@code UPPER}, the query in Java the same way. TRANSLATE is applied before UPPER because
 * PostgreSQL's UPPER of a non-ASCII letter depends on the database's locale (none under C).
 * A contains search cannot use a B-tree index; structures and administrators number in thousands.
 */
final class TextSearch {
  private static final String ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ";
  private static final String FROM;
  private static final String TO;

  static {
    StringBuilder from = new StringBuilder();
    StringBuilder to = new StringBuilder();
    for (char ch : ACCENTED.toCharArray()) {
      String base = fold(String.valueOf(ch));
      if (base.length() == 1 && base.charAt(0) < 128) {
        from.append(ch);
        to.append(base);
      }
    }
    FROM = from.toString();
    TO = to.toString();
  }

  private TextSearch() {}

  /** The SQL expression of {@code column} folded (no quote can occur in FROM or TO). */
  static String folded(String column) {
    return "UPPER(TRANSLATE(" + column + ", '" + FROM + "', '" + TO + "'))";
  }

  /** {@code folded(column) LIKE ? ESCAPE '!'}, to be bound to {@link #containsPattern}. */
  static String contains(String column) {
    return folded(column) + " LIKE ? ESCAPE '!'";
  }

  /** {@code %QUERY%} with the query folded and LIKE's wildcards escaped. */
  static String containsPattern(String query) {
    return "%" + escape(fold(query.strip())) + "%";
  }

  /** {@code VALUE%} for a prefix match on an identifier (wildcards escaped). */
  static String prefixPattern(String value) {
    return escape(value) + "%";
  }

  static String fold(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toUpperCase(Locale.ROOT);
  }

  private static String escape(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
