package fr.habilis.ca.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HTTP dates in the IMF-fixdate form of RFC 9110 §5.6.7 ({@code Tue, 01 Dec 2026 09:30:15 GMT}):
 * always a two-digit day. The JDK's RFC_1123_DATE_TIME writes {@code Tue, 1 Dec 2026} on days
 * 1–9, which RFC 9110 recipients may reject (caches then ignore Last-Modified and Expires).
 */
public final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private HttpDates() {}

  public static String format(Instant t) {
    return IMF_FIXDATE.format(t);
  }
}
