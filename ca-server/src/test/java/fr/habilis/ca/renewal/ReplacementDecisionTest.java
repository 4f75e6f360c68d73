package fr.habilis.ca.renewal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.renewal.ReplacementDecision.Predecessor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Who may replace what (RFC 9773 §5 replaces), as a table: each refusal names its kind and rule. */
class ReplacementDecisionTest {
  static final Instant NOW = Instant.parse("2027-01-10T12:00:00Z");
  static final String CENTRE = "318751275100020";

  static RenewalFacts cert(String profile, String structure, Instant notAfter, String replacedBy) {
    return new RenewalFacts("0a", "org", profile, structure, 7L, notAfter.minus(Duration.ofDays(1095)), notAfter,
        notAfter.minus(Duration.ofDays(1095)), "valid", null, replacedBy);
  }

  static final RenewalFacts LIVE = cert("SERV_SSL", CENTRE, NOW.plus(Duration.ofDays(40)), null);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("ordered by this account", new Predecessor("x", LIVE, true, false, null), null, null),
        Arguments.of("another account of a habilitated administrator", new Predecessor("x", LIVE, false, true, null), null, null),
        Arguments.of("unknown certificate", new Predecessor("x", null, false, false, null), ErrorKind.MALFORMED, "no certificate x"),
        Arguments.of("neither ordered nor managed", new Predecessor("x", LIVE, false, false, null), ErrorKind.UNAUTHORIZED,
            "neither ordered by this account"),
        Arguments.of("expired", new Predecessor("x", cert("SERV_SSL", CENTRE, NOW.minusSeconds(1), null), true, false, null),
            ErrorKind.MALFORMED, "expired at"),
        Arguments.of("expires exactly now", new Predecessor("x", cert("SERV_SSL", CENTRE, NOW, null), true, false, null),
            ErrorKind.MALFORMED, "expired at"),
        Arguments.of("successor issued", new Predecessor("x", cert("SERV_SSL", CENTRE, NOW.plus(Duration.ofDays(40)), "0b"),
            true, false, null), ErrorKind.ALREADY_REPLACED, "already replaced by 0b"),
        Arguments.of("successor being finalized", new Predecessor("x", LIVE, true, false, 42L), ErrorKind.ALREADY_REPLACED,
            "already being replaced by order 42"),
        Arguments.of("other product", new Predecessor("x", cert("ORG_AUTH_CLI", CENTRE, NOW.plus(Duration.ofDays(40)), null),
            true, false, null), ErrorKind.MALFORMED, "same product"),
        Arguments.of("other structure", new Predecessor("x", cert("SERV_SSL", "1750000018", NOW.plus(Duration.ofDays(40)), null),
            true, false, null), ErrorKind.MALFORMED, "same structure"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, Predecessor p, ErrorKind expected, String detail) {
    Optional<ReplacementDecision.Refusal> r = ReplacementDecision.decide(p, "SERV_SSL", CENTRE, NOW);
    assertEquals(Optional.ofNullable(expected), r.map(ReplacementDecision.Refusal::kind), name + ": " + r);
    if (detail != null) assertTrue(r.get().detail().contains(detail), r.get().detail());
  }
}
