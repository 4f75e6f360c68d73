package fr.habilis.ca.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Validated configuration values; built by {@link ConfigLoader}. Immutable. */
public final class HabilisConfig {
  private final Map<Setting, String> values;

  HabilisConfig(Map<Setting, String> values) {
    this.values = Collections.unmodifiableMap(new EnumMap<>(values));
  }

  /** A configuration from explicit values only (tests, tools); checked like a file. */
  public static HabilisConfig of(Map<String, String> values) {
    return ConfigLoader.fromMaps(Map.copyOf(values), Map.of());
  }

  /** The value or its default; null when neither exists. */
  public String get(Setting s) {
    String v = values.get(s);
    return v != null ? v : s.defaultValue();
  }

  public boolean isSet(Setting s) {
    return values.containsKey(s);
  }

  public int getInt(Setting s) {
    return Integer.parseInt(get(s));
  }

  public Duration getDuration(Setting s) {
    return Setting.parseDuration(get(s));
  }

  /** A {@link Setting.Kind#LIFETIME} setting: a {@link java.time.Period} or a {@link Duration}. */
  public java.time.temporal.TemporalAmount getLifetime(Setting s) {
    return Setting.parseLifetime(get(s));
  }

  public java.util.List<Duration> getDurations(Setting s) {
    return Setting.parseDurations(get(s));
  }

  public boolean getBoolean(Setting s) {
    return Boolean.parseBoolean(get(s));
  }

  public boolean isProduction() {
    return "production".equals(get(Setting.ENVIRONMENT));
  }

  public String environment() {
    return get(Setting.ENVIRONMENT);
  }

  public Path dataDir() {
    return Path.of(get(Setting.DATA_DIR)).toAbsolutePath().normalize();
  }

  public String hostname() {
    return get(Setting.HOSTNAME);
  }

  /** JDBC URL: the configured one, else an H2 file in the data directory. */
  public String dbUrl() {
    String url = get(Setting.DB_URL);
    if (url != null) return url;
    return "jdbc:h2:file:" + dataDir().resolve("habilis").toString().replace('\\', '/')
        // Commits reach the file before Database.tx returns, several at a time (store/GroupCommit):
        // a killed process loses nothing it answered. H2's own writer only covers other writers
        // (none in the server), within a second.
        + ";WRITE_DELAY=1000"
        // H2 would close the database from its own shutdown hook, under the requests a SIGTERM
        // drains (GracefulStop); the server closes it when its pool closes.
        + ";DB_CLOSE_ON_EXIT=FALSE"
        // Statements are prepared per transaction (pooled connections, no statement cache): let H2
        // keep the parsed form of the few dozen distinct ones instead of its default 8.
        + ";QUERY_CACHE_SIZE=64";
  }

  /** A copy with some values replaced (e.g. the ports actually bound). */
  public HabilisConfig with(Setting s, String value) {
    EnumMap<Setting, String> copy = new EnumMap<>(Setting.class);
    copy.putAll(values);
    copy.put(s, value);
    return new HabilisConfig(copy);
  }

  public static URI uri(String s) {
    return URI.create(s);
  }
}
