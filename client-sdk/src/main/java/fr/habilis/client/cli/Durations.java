package fr.habilis.client.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Parses {@code 30d}, {@code 12h}, {@code 10m}, {@code 45s} or ISO-8601 ({@code P60D}, {@code PT5M}). */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.matches("\\d+[smhd]")) {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        switch (v.charAt(v.length() - 1)) {
          case 's': return Duration.ofSeconds(n);
          case 'm': return Duration.ofMinutes(n);
          case 'h': return Duration.ofHours(n);
          default: return Duration.ofDays(n);
        }
      }
      Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException();
      return d;
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 30d, 12h, 10m, P60D)");
    }
  }
}
