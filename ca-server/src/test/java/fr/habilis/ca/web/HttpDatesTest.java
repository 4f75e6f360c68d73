package fr.habilis.ca.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** IMF-fixdate (RFC 9110 §5.6.7): two-digit days, GMT, English names. */
class HttpDatesTest {
  @Test
  void daysOneToNineHaveTwoDigits() {
    assertEquals("Tue, 01 Dec 2026 09:05:03 GMT", HttpDates.format(Instant.parse("2026-12-01T09:05:03Z")));
    assertEquals("Tue, 29 Feb 2028 23:59:59 GMT", HttpDates.format(Instant.parse("2028-02-29T23:59:59.999Z")));
    // What RFC 9110 recipients parse back, to the second.
    assertEquals(Instant.parse("2026-12-09T00:00:00Z"), Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME
        .parse(HttpDates.format(Instant.parse("2026-12-09T00:00:00Z")))));
  }
}
