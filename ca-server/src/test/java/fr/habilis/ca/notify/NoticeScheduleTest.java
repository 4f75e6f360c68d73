package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The expiry schedule as a table of cases: thresholds, short-lifetime scaling, missed thresholds. */
class NoticeScheduleTest {
  private static final NoticeSchedule DEFAULT = new NoticeSchedule(List.of(Duration.ofDays(60), Duration.ofDays(30),
      Duration.ofDays(7)));
  private static final Instant T0 = Instant.parse("2027-01-01T00:00:00Z");
  private static final Instant THREE_YEARS = T0.plus(Duration.ofDays(1095));

  private static Optional<String> due(Instant notAfter, Duration beforeExpiry, Long handledMillis) {
    return DEFAULT.due(T0, notAfter, notAfter.minus(beforeExpiry), handledMillis).map(NoticeSchedule.Threshold::label);
  }

  @Test
  void threeYearCertificateIsNotifiedAt60Then30Then7DaysAndNeverAfterExpiry() {
    assertEquals(Optional.empty(), due(THREE_YEARS, Duration.ofDays(61), null));
    assertEquals(Optional.of("60"), due(THREE_YEARS, Duration.ofDays(60), null));
    assertEquals(Optional.of("60"), due(THREE_YEARS, Duration.ofDays(45), null));
    long sixty = Duration.ofDays(60).toMillis();
    assertEquals(Optional.empty(), due(THREE_YEARS, Duration.ofDays(45), sixty), "60 days already handled");
    assertEquals(Optional.of("30"), due(THREE_YEARS, Duration.ofDays(29), sixty));
    assertEquals(Optional.of("7"), due(THREE_YEARS, Duration.ofDays(1), Duration.ofDays(30).toMillis()));
    assertEquals(Optional.empty(), due(THREE_YEARS, Duration.ZERO, null), "expired: nothing to announce");
    assertEquals(THREE_YEARS.minus(Duration.ofDays(60)), DEFAULT.nextCheck(T0, THREE_YEARS, null));
    assertEquals(THREE_YEARS.minus(Duration.ofDays(30)), DEFAULT.nextCheck(T0, THREE_YEARS, sixty));
    assertEquals(THREE_YEARS, DEFAULT.nextCheck(T0, THREE_YEARS, Duration.ofDays(7).toMillis()));
  }

  @Test
  void missedThresholdsAreNotSentLateOnlyTheMostUrgentOne() {
    assertEquals(Optional.of("7"), due(THREE_YEARS, Duration.ofDays(3), null), "server down from 61 to 3 days before expiry");
  }

  @Test
  void offsetsNotShorterThanTheLifetimeAreDropped() {
    Instant fortyDays = T0.plus(Duration.ofDays(40));
    assertEquals(List.of("30", "7"), DEFAULT.thresholds(T0, fortyDays).stream().map(NoticeSchedule.Threshold::label).toList());
    assertEquals(Optional.empty(), due(fortyDays, Duration.ofDays(39), null), "no 60-day notice at issuance");
    assertEquals(Optional.of("30"), due(fortyDays, Duration.ofDays(30), null));
    Instant sevenDays = T0.plus(Duration.ofDays(7));
    assertEquals(List.of(), DEFAULT.thresholds(T0, sevenDays), "a 7-day certificate would be notified at issuance");
  }

  @Test
  void subDayLifetimesScaleTheLargestOffsetToHalfTheLifetimeKeepingRatios() {
    Instant twenty = T0.plusSeconds(20);
    List<NoticeSchedule.Threshold> t = DEFAULT.thresholds(T0, twenty);
    assertEquals(List.of("60", "30", "7"), t.stream().map(NoticeSchedule.Threshold::label).toList());
    assertEquals(Duration.ofSeconds(10), t.get(0).effective());
    assertEquals(Duration.ofSeconds(5), t.get(1).effective());
    assertEquals(1167, Math.round(t.get(2).effective().toNanos() / 1e6), "7/60 of 10 seconds");
    assertEquals(Optional.of("30"), DEFAULT.due(T0, twenty, T0.plusSeconds(16), Duration.ofSeconds(10).toMillis())
        .map(NoticeSchedule.Threshold::label));
    // One day and more: absolute offsets (a one-day certificate keeps only offsets below a day: none here).
    assertTrue(DEFAULT.thresholds(T0, T0.plus(Duration.ofDays(1))).isEmpty());
  }
}
