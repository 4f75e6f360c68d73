package fr.habilis.ca.renewal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The window rule of protocol-spec/renewal.md, as a pure function: defaults, scaling, spread, incidents. */
class RenewalWindowsTest {
  static final RenewalPolicy DEFAULTS = new RenewalPolicy(Duration.ofDays(60), Duration.ofDays(30), Duration.ofHours(6), Set.of());
  static final Instant ISSUED = Instant.parse("2026-12-01T09:00:00Z");
  static final SecureRandom RANDOM = new SecureRandom();

  static RenewalFacts cert(BigInteger serial, Duration lifetime) {
    return new RenewalFacts(serial.toString(16), "org", "SERV_SSL", "318751275100020", 1L, ISSUED, ISSUED.plus(lifetime),
        ISSUED.plusMillis(150), "valid", null, null);
  }

  static BigInteger serial() {
    return new BigInteger(127, RANDOM).setBit(100);
  }

  static Incident incident(Incident.Scope scope, String target, Instant declaredAt) {
    return new Incident(3, scope, target, "CA key ceremony redone", null, "ra-operator", declaredAt);
  }

  @Test
  void aThreeYearCertificateGetsTenDaysInsideSixtyToThirtyDaysBeforeExpiry() {
    RenewalFacts c = cert(serial(), Duration.ofDays(1095));
    SuggestedWindow w = RenewalWindows.suggest(c, null, DEFAULTS);
    assertEquals(SuggestedWindow.Cause.SCHEDULE, w.cause());
    assertFalse(w.start().isBefore(c.notAfter().minus(Duration.ofDays(60))), w.toString());
    assertFalse(w.end().isAfter(c.notAfter().minus(Duration.ofDays(30))), w.toString());
    long width = Duration.between(w.start(), w.end()).toSeconds();
    assertTrue(Math.abs(width - Duration.ofDays(10).toSeconds()) <= 1, "a third of the 30-day window: " + width);
    assertEquals(Duration.ofHours(6), w.retryAfter());
  }

  @Test
  void theSameSerialAlwaysGetsTheSameWindow() {
    BigInteger s = serial();
    assertEquals(RenewalWindows.suggest(cert(s, Duration.ofDays(1095)), null, DEFAULTS),
        RenewalWindows.suggest(cert(s, Duration.ofDays(1095)), null, DEFAULTS));
  }

  /** 2,000 certificates issued the same second: their windows open over 20 days, at most a few percent a day. */
  @Test
  void aPopulationIssuedTogetherIsSpreadOverTwentyDays() {
    Map<Long, Integer> perDay = new HashMap<>();
    Map<Instant, Integer> perStart = new HashMap<>();
    Instant earliest = Instant.MAX;
    Instant latest = Instant.MIN;
    int n = 2000;
    for (int i = 0; i < n; i++) {
      RenewalFacts c = cert(serial(), Duration.ofDays(1095));
      Instant start = RenewalWindows.suggest(c, null, DEFAULTS).start();
      perDay.merge(Duration.between(c.notAfter().minus(Duration.ofDays(60)), start).toDays(), 1, Integer::sum);
      perStart.merge(start, 1, Integer::sum);
      earliest = start.isBefore(earliest) ? start : earliest;
      latest = start.isAfter(latest) ? start : latest;
    }
    assertTrue(Duration.between(earliest, latest).toDays() >= 19, earliest + " .. " + latest);
    assertEquals(20, perDay.size(), "starts fall on each of the first 20 days: " + perDay.keySet());
    assertTrue(perDay.values().stream().allMatch(k -> k < n / 10), "no day gets a tenth of them: " + perDay);
    assertTrue(perStart.values().stream().allMatch(k -> k <= 2), "hardly two share a start second");
  }

  @Test
  void sequentialSerialsAreSpreadToo() {
    Instant a = RenewalWindows.suggest(cert(BigInteger.valueOf(1000), Duration.ofDays(1095)), null, DEFAULTS).start();
    Instant b = RenewalWindows.suggest(cert(BigInteger.valueOf(1001), Duration.ofDays(1095)), null, DEFAULTS).start();
    assertTrue(Duration.between(a, b).abs().toHours() >= 1, a + " vs " + b);
  }

  @Test
  void aOneYearCertificateKeepsTheConfiguredOffsets() {
    Instant[] w = RenewalWindows.scheduledWindow(ISSUED, ISSUED.plus(Duration.ofDays(365)), DEFAULTS);
    assertEquals(ISSUED.plus(Duration.ofDays(305)), w[0]);
    assertEquals(ISSUED.plus(Duration.ofDays(335)), w[1]);
  }

  @Test
  void shortLifetimesAreScaledToTwoThirdsAndFiveSixths() {
    Instant[] w = RenewalWindows.scheduledWindow(ISSUED, ISSUED.plusSeconds(60), DEFAULTS);
    assertEquals(ISSUED.plusSeconds(40), w[0]);
    assertEquals(ISSUED.plusSeconds(50), w[1]);
    Instant[] day = RenewalWindows.scheduledWindow(ISSUED, ISSUED.plus(Duration.ofDays(90)), DEFAULTS);
    assertEquals(ISSUED.plus(Duration.ofDays(60)), day[0]);
    assertEquals(ISSUED.plus(Duration.ofDays(75)), day[1]);
  }

  @Test
  void scalingIsContinuousAtOneHundredEightyDays() {
    Instant[] at = RenewalWindows.scheduledWindow(ISSUED, ISSUED.plus(Duration.ofDays(180)), DEFAULTS);
    Instant[] below = RenewalWindows.scheduledWindow(ISSUED, ISSUED.plus(Duration.ofDays(180)).minusSeconds(1), DEFAULTS);
    assertEquals(ISSUED.plus(Duration.ofDays(120)), at[0]);
    assertTrue(Duration.between(below[0], at[0]).abs().toSeconds() <= 1);
    assertTrue(Duration.between(below[1], at[1]).abs().toSeconds() <= 1);
  }

  @Test
  void aSixtySecondCertificateIsPolledEverySecondAndRenewsInItsLastThird() {
    for (int i = 0; i < 200; i++) {
      RenewalFacts c = cert(serial(), Duration.ofSeconds(60));
      SuggestedWindow w = RenewalWindows.suggest(c, null, DEFAULTS);
      assertFalse(w.start().isBefore(ISSUED.plusSeconds(40)), w.toString());
      assertFalse(w.end().isAfter(ISSUED.plusSeconds(50)), w.toString());
      assertTrue(w.end().isAfter(w.start()));
      assertEquals(Duration.ofSeconds(1), w.retryAfter());
    }
  }

  @Test
  void everyLifetimeGetsAWindowThatEndsAfterItStarts() {
    for (long seconds : new long[] {1, 2, 3, 7, 59, 61, 3599, 86_399, 86_400 * 30L, 86_400 * 1095L}) {
      SuggestedWindow w = RenewalWindows.suggest(cert(serial(), Duration.ofSeconds(seconds)), null, DEFAULTS);
      assertTrue(w.end().isAfter(w.start()), seconds + " s: " + w);
    }
  }

  @Test
  void anIncidentAfterIssuancePutsTheWindowWhollyBeforeIt() {
    RenewalFacts c = cert(serial(), Duration.ofDays(1095));
    Instant declared = ISSUED.plus(Duration.ofDays(100));
    Incident i = incident(Incident.Scope.STRUCTURE, c.structureId(), declared);
    SuggestedWindow w = RenewalWindows.suggest(c, i, DEFAULTS);
    assertEquals(SuggestedWindow.Cause.INCIDENT, w.cause());
    assertEquals(i, w.incident());
    assertEquals(declared.minus(Duration.ofMinutes(30)), w.end());
    assertEquals(declared.minus(Duration.ofHours(1)), w.start());
  }

  @Test
  void anIncidentCoversItsScopeOnlyAndOnlyEarlierCertificates() {
    RenewalFacts c = cert(serial(), Duration.ofDays(1095));
    Instant later = ISSUED.plusSeconds(10);
    assertTrue(incident(Incident.Scope.CERTIFICATE, c.serialHex(), later).covers(c));
    assertTrue(incident(Incident.Scope.PROFILE, "SERV_SSL", later).covers(c));
    assertTrue(incident(Incident.Scope.CA, "org", later).covers(c));
    assertFalse(incident(Incident.Scope.CA, "pro", later).covers(c));
    assertFalse(incident(Incident.Scope.STRUCTURE, "1750000018", later).covers(c));
    assertFalse(incident(Incident.Scope.PROFILE, "SERV_SSL", c.issuedAt()).covers(c), "declared as it was issued");
    SuggestedWindow w = RenewalWindows.suggest(c, incident(Incident.Scope.PROFILE, "SERV_SSL", ISSUED), DEFAULTS);
    assertEquals(SuggestedWindow.Cause.SCHEDULE, w.cause(), "a successor issued after the incident renews on schedule");
    assertNull(w.incident());
  }

  @Test
  void aRevokedCertificateRenewsNowUnlessItsSuccessorReplacedIt() {
    RenewalFacts c = cert(serial(), Duration.ofDays(1095));
    Instant revokedAt = ISSUED.plus(Duration.ofDays(3));
    RenewalFacts revoked = new RenewalFacts(c.serialHex(), "org", "SERV_SSL", c.structureId(), 1L, c.notBefore(), c.notAfter(),
        c.issuedAt(), "revoked", revokedAt, null);
    SuggestedWindow w = RenewalWindows.suggest(revoked, null, DEFAULTS);
    assertEquals(SuggestedWindow.Cause.REVOKED, w.cause());
    assertTrue(w.end().isBefore(revokedAt));
    RenewalFacts superseded = new RenewalFacts(c.serialHex(), "org", "SERV_SSL", c.structureId(), 1L, c.notBefore(),
        c.notAfter(), c.issuedAt(), "revoked", revokedAt, "0b");
    assertEquals(SuggestedWindow.Cause.SCHEDULE, RenewalWindows.suggest(superseded, null, DEFAULTS).cause());
  }

  @Test
  void retryAfterIsSixHoursOrAHundredthOfTheLifetime() {
    assertEquals(Duration.ofHours(6), RenewalWindows.retryAfter(Duration.ofDays(1095), DEFAULTS));
    assertEquals(Duration.ofSeconds(864), RenewalWindows.retryAfter(Duration.ofDays(1), DEFAULTS));
    assertEquals(Duration.ofSeconds(1), RenewalWindows.retryAfter(Duration.ofSeconds(24), DEFAULTS));
  }
}
