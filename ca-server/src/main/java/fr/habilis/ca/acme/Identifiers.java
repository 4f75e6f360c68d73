package fr.habilis.ca.acme;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.registry.IdType;
import fr.habilis.ca.registry.Identifier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and normalises the identifiers of a newOrder or newAuthz request: {@code dns} (lowercase
 * A-labels, no wildcard), {@code email} (RFC 8823) and {@code structure} (a national identifier).
 */
final class Identifiers {
  static final int MAX = 100;
  private static final Pattern STRUCTURE = Pattern.compile("[0-4][0-9A-Z]{8,16}");

  private Identifiers() {}

  static List<Identifier> read(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw DomainError.malformed("identifiers must be a non-empty array");
    }
    if (array.size() > MAX) throw DomainError.malformed("at most " + MAX + " identifiers per order");
    Set<Identifier> ids = new LinkedHashSet<>();
    List<DomainError.Subproblem> problems = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof JsonObject j) || !(j.getValue("type") instanceof String type)
          || !(j.getValue("value") instanceof String v)) {
        throw DomainError.malformed("each identifier is an object with string members type and value");
      }
      try {
        ids.add(one(type, v));
      } catch (DomainError e) {
        problems.add(new DomainError.Subproblem(e.kind(), type, v, e.detail(), null));
      }
    }
    if (!problems.isEmpty()) {
      ErrorKind kind = problems.get(0).kind();
      boolean same = problems.stream().allMatch(p -> p.kind() == kind);
      String detail = problems.size() == 1 ? problems.get(0).detail()
          : problems.size() + " identifiers refused: " + String.join("; ", problems.stream().map(DomainError.Subproblem::detail).toList());
      throw DomainError.withSubproblems(same ? kind : ErrorKind.REJECTED_IDENTIFIER, detail, problems);
    }
    return List.copyOf(ids);
  }

  static Identifier one(String type, String value) {
    switch (type) {
      case Identifier.DNS -> {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.startsWith("*.")) throw DomainError.of(ErrorKind.REJECTED_IDENTIFIER, v + ": wildcard certificates are not issued; name each server");
        if (v.endsWith(".")) v = v.substring(0, v.length() - 1);
        if (!Identifier.isDnsName(v)) throw DomainError.of(ErrorKind.REJECTED_IDENTIFIER, value + " is not a DNS name in A-label form");
        return new Identifier(type, v);
      }
      case Identifier.EMAIL -> {
        int at = value.lastIndexOf('@');
        String domain = at < 0 ? "" : value.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!Identifier.isEmailAddress(value)) {
          throw DomainError.of(ErrorKind.REJECTED_IDENTIFIER, value + " is not an e-mail address (RFC 8823)");
        }
        return new Identifier(type, value.substring(0, at) + "@" + domain);
      }
      case Identifier.STRUCTURE -> {
        if (!STRUCTURE.matcher(value).matches() || IdType.ofNationalId(value).isEmpty()) {
          throw DomainError.of(ErrorKind.REJECTED_IDENTIFIER, value + " is not a national structure identifier"
              + " (type prefix 0-4 followed by the ADELI rang, FINESS, SIREN, SIRET or RPPS rang)");
        }
        return new Identifier(type, value);
      }
      default -> throw DomainError.of(ErrorKind.UNSUPPORTED_IDENTIFIER, "identifier type " + type
          + " is not supported (dns, email, structure)");
    }
  }
}
