package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The query parameters of the RA's listings, read strictly: a parameter given twice, too long, or
 * outside its syntax is a 400 naming it, never ignored. A blank parameter counts as absent (an
 * empty search box).
 */
final class RaQuery {
  static final Pattern CARD = Pattern.compile("[0-9]{10}");
  static final Pattern CARD_PREFIX = Pattern.compile("[0-9]{1,10}");
  static final Pattern NATIONAL_ID = Pattern.compile("[0-9A-Za-z]{1,20}");
  private final RoutingContext rc;

  RaQuery(RoutingContext rc) {
    this.rc = rc;
  }

  /** The parameter's value (stripped), null when absent or blank. */
  String text(String name, int maxLength) {
    List<String> all = rc.queryParams().getAll(name);
    if (all.isEmpty()) return null;
    if (all.size() > 1) throw DomainError.invalidField(name, "given " + all.size() + " times; give it once");
    String v = all.get(0).strip();
    if (v.isEmpty()) return null;
    if (v.length() > maxLength) throw DomainError.invalidField(name, "at most " + maxLength + " characters");
    return v;
  }

  String matching(String name, Pattern syntax, String problem) {
    String v = text(name, 200);
    if (v != null && !syntax.matcher(v).matches()) throw DomainError.invalidField(name, problem);
    return v;
  }

  /** One of the enum's names, any case; null when absent. */
  <E extends Enum<E>> E oneOf(String name, Class<E> type) {
    String v = text(name, 40);
    if (v == null) return null;
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw DomainError.invalidField(name, "must be one of " + names(type));
    }
  }

  /** Comma-separated names of the enum (any case); empty when absent. */
  <E extends Enum<E>> List<E> someOf(String name, Class<E> type) {
    String v = text(name, 200);
    List<E> result = new ArrayList<>();
    if (v == null) return result;
    for (String part : v.split(",", -1)) {
      try {
        E e = Enum.valueOf(type, part.strip().toUpperCase(Locale.ROOT));
        if (!result.contains(e)) result.add(e);
      } catch (IllegalArgumentException ex) {
        throw DomainError.invalidField(name, "'" + part.strip() + "' is not one of " + names(type)
            + " (several: comma-separated)");
      }
    }
    return result;
  }

  Instant instant(String name) {
    String v = text(name, 40);
    if (v == null) return null;
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw DomainError.invalidField(name, "an RFC 3339 UTC time such as 2027-01-31T00:00:00Z");
    }
  }

  /** {@code limit} (default 50, 1–500) and {@code offset} (default 0). */
  Page page() {
    text("limit", 12);
    text("offset", 12);
    return new Page(RaApi.intParam(rc, "limit", 50, 1, 500), RaApi.intParam(rc, "offset", 0, 0, Integer.MAX_VALUE));
  }

  /** A page asked for one row more than shown, so that {@code hasMore} costs no count. */
  record Page(int limit, int offset) {
    int fetch() {
      return limit + 1;
    }

    <T> JsonObject json(String key, List<T> rows, Function<T, JsonObject> json) {
      JsonArray items = new JsonArray();
      rows.stream().limit(limit).forEach(r -> items.add(json.apply(r)));
      return new JsonObject().put(key, items).put("limit", limit).put("offset", offset).put("hasMore", rows.size() > limit);
    }
  }

  private static <E extends Enum<E>> String names(Class<E> type) {
    return String.join(", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
  }
}
