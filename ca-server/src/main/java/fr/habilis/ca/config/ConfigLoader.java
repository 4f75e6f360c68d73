package fr.habilis.ca.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the optional configuration file (YAML or JSON, one flat object) and lets every key be
 * overridden by its {@code HABILIS_*} environment variable. Unknown keys and bad values are
 * refused with a message naming the key, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static HabilisConfig load(Path file, Map<String, String> environment) {
    Map<String, String> fromFile = file == null ? Map.of() : readFile(file);
    return fromMaps(fromFile, environment);
  }

  static HabilisConfig fromMaps(Map<String, String> fileValues, Map<String, String> environment) {
    EnumMap<Setting, String> values = new EnumMap<>(Setting.class);
    for (Map.Entry<String, String> e : fileValues.entrySet()) {
      Setting s = Setting.byKey(e.getKey());
      if (s == null) throw new ConfigException("unknown configuration key '" + e.getKey() + "'");
      if (e.getValue() != null) values.put(s, e.getValue());
    }
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (!e.getKey().startsWith("HABILIS_")) continue;
      Setting s = Setting.byEnvName(e.getKey());
      // An operator's shell holds other HABILIS_* variables (HABILIS_HOME, the client CLI's
      // HABILIS_CLIENT_*): they are reported by warnings(), not fatal. A file's unknown key stays fatal.
      if (s != null) values.put(s, e.getValue());
    }
    values.forEach(ConfigLoader::check);
    HabilisConfig config = new HabilisConfig(values);
    checkRenewal(config);
    if (config.isProduction()) refuseTestSwitches(config);
    return config;
  }

  /**
   * One line per HABILIS_* environment variable that names no setting, with the closest known one
   * (a typo such as HABILIS_HTTP_PROT would otherwise go unnoticed). The client CLI's own
   * HABILIS_CLIENT_* variables are not the server's business and are not reported.
   */
  public static java.util.List<String> warnings(Map<String, String> environment) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String name : new java.util.TreeSet<>(environment.keySet())) {
      if (!name.startsWith("HABILIS_") || name.startsWith("HABILIS_CLIENT_") || Setting.byEnvName(name) != null) continue;
      String closest = null;
      int best = Integer.MAX_VALUE;
      for (Setting s : Setting.values()) {
        int d = distance(name, s.envName());
        if (d < best) {
          best = d;
          closest = s.envName();
        }
      }
      out.add("ignoring unknown environment variable " + name
          + (best <= 3 ? " (did you mean " + closest + "?)" : " (no such setting)"));
    }
    return out;
  }

  /** Levenshtein distance, for the "did you mean" of a misspelt variable. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Map<String, String> readFile(Path file) {
    if (!Files.isReadable(file)) throw new ConfigException("cannot read configuration file " + file);
    JsonNode root;
    try {
      String name = file.getFileName().toString().toLowerCase();
      ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
      root = mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("configuration file " + file + " is not valid YAML/JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) return Map.of();
    if (!root.isObject()) throw new ConfigException("configuration file " + file + " must hold one object of keys");
    Map<String, String> out = new LinkedHashMap<>();
    var fields = root.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      if (f.getValue().isContainerNode()) {
        throw new ConfigException("configuration key '" + f.getKey() + "' must be a single value");
      }
      out.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
    }
    return out;
  }

  private static void check(Setting s, String v) {
    String where = "configuration " + s.key() + " (" + s.envName() + ")";
    switch (s.kind()) {
      case ENUM -> {
        for (String a : s.allowed()) if (a.equals(v)) return;
        throw new ConfigException(where + ": '" + v + "' is not one of " + String.join(", ", s.allowed()));
      }
      case PORT -> {
        int p = parseInt(where, v);
        if (p < 0 || p > 65535) throw new ConfigException(where + ": port " + v + " is outside 0-65535");
      }
      case POSITIVE_INT -> {
        if (parseInt(where, v) <= 0) throw new ConfigException(where + ": must be a positive integer, got '" + v + "'");
      }
      case PERCENT -> {
        int p = parseInt(where, v);
        if (p < 0 || p > 100) throw new ConfigException(where + ": must be a percentage 0-100, got '" + v + "'");
      }
      case URL -> {
        try {
          URI u = new URI(v);
          if (u.getScheme() == null || u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
            throw new ConfigException(where + ": '" + v + "' is not an absolute http(s) URL");
          }
        } catch (java.net.URISyntaxException e) {
          throw new ConfigException(where + ": '" + v + "' is not a URL");
        }
      }
      case HOSTNAME -> {
        if (!v.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
          throw new ConfigException(where + ": '" + v + "' is not a host name");
        }
      }
      case DURATION -> {
        try {
          if (Setting.parseDuration(v).isNegative()) throw new ConfigException(where + ": duration must be positive");
        } catch (RuntimeException e) {
          if (e instanceof ConfigException ce) throw ce;
          throw new ConfigException(where + ": '" + v + "' is not a duration (e.g. 30d, 10m, PT1H)");
        }
      }
      case LIFETIME -> {
        try {
          var l = Setting.parseLifetime(v);
          if (java.time.Instant.EPOCH.atOffset(java.time.ZoneOffset.UTC).plus(l).toInstant().compareTo(java.time.Instant.EPOCH) <= 0) {
            throw new ConfigException(where + ": lifetime must be positive");
          }
        } catch (RuntimeException e) {
          if (e instanceof ConfigException ce) throw ce;
          throw new ConfigException(where + ": '" + v + "' is not a lifetime (e.g. P3Y, P90D, PT10S)");
        }
      }
      case DURATION_LIST -> {
        try {
          Setting.parseDurations(v);
        } catch (RuntimeException e) {
          throw new ConfigException(where + ": '" + v + "' is not a list of positive durations (e.g. P60D,P30D,P7D)");
        }
      }
      case OID -> {
        if (!v.matches("[0-2](\\.(0|[1-9][0-9]*))+")) throw new ConfigException(where + ": '" + v + "' is not an OID");
      }
      case BOOLEAN -> {
        if (!v.equals("true") && !v.equals("false")) throw new ConfigException(where + ": must be true or false");
      }
      case STRING -> {
        if (v.isBlank()) throw new ConfigException(where + ": must not be empty");
      }
    }
  }

  /** The renewal window must end after it starts; revokeReplaced and freshKeyProfiles name profiles. */
  private static void checkRenewal(HabilisConfig config) {
    if (config.getDuration(Setting.RENEWAL_WINDOW_END).compareTo(config.getDuration(Setting.RENEWAL_WINDOW_START)) >= 0) {
      throw new ConfigException("configuration " + Setting.RENEWAL_WINDOW_END.key() + " (" + Setting.RENEWAL_WINDOW_END.envName()
          + ") must be shorter than " + Setting.RENEWAL_WINDOW_START.key() + ": the window opens that long before expiry"
          + " and closes this long before");
    }
    for (Setting list : new Setting[] {Setting.REVOKE_REPLACED, Setting.FRESH_KEY_PROFILES}) {
      for (String name : fr.habilis.ca.renewal.RenewalPolicy.profileNames(config.get(list))) {
        if (fr.habilis.ca.issuance.Profiles.get(name) == null) {
          throw new ConfigException("configuration " + list.key() + " (" + list.envName()
              + "): '" + name + "' is not a profile; use comma-separated names among "
              + String.join(", ", fr.habilis.ca.issuance.Profiles.all().stream().map(p -> p.name().name()).toList()));
        }
      }
    }
  }

  /** Settings that exist to test clients must never weaken a production CA. */
  private static void refuseTestSwitches(HabilisConfig config) {
    if (config.getInt(Setting.TEST_NONCE_REJECT_PERCENT) != 0) {
      throw new ConfigException("configuration " + Setting.TEST_NONCE_REJECT_PERCENT.key() + " ("
          + Setting.TEST_NONCE_REJECT_PERCENT.envName() + ") is a test switch, refused in production");
    }
    if (config.getBoolean(Setting.TEST_RA_TOKEN_SELF_APPROVAL)) {
      throw new ConfigException("configuration " + Setting.TEST_RA_TOKEN_SELF_APPROVAL.key() + " ("
          + Setting.TEST_RA_TOKEN_SELF_APPROVAL.envName() + ") is a test switch, refused in production: four-eyes applies to every principal");
    }
    if (config.getBoolean(Setting.TEST_STOP_AFTER_PROCESSING)) {
      throw new ConfigException("configuration " + Setting.TEST_STOP_AFTER_PROCESSING.key() + " ("
          + Setting.TEST_STOP_AFTER_PROCESSING.envName() + ") is a test switch, refused in production");
    }
    if ("none".equals(config.get(Setting.SMTP_SECURITY)) && config.isSet(Setting.SMTP_HOST)) {
      throw new ConfigException("configuration " + Setting.SMTP_SECURITY.key() + " (" + Setting.SMTP_SECURITY.envName()
          + ") none sends notices unencrypted: a test switch, refused in production (use starttls or tls)");
    }
    java.time.Instant t = java.time.Instant.EPOCH;
    if (t.atOffset(java.time.ZoneOffset.UTC).plus(config.getLifetime(Setting.CERTIFICATE_VALIDITY)).toInstant()
        .isBefore(t.plus(java.time.Duration.ofDays(1)))) {
      throw new ConfigException("configuration " + Setting.CERTIFICATE_VALIDITY.key() + " ("
          + Setting.CERTIFICATE_VALIDITY.envName() + ") below one day is a test switch, refused in production");
    }
  }

  private static int parseInt(String where, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(where + ": '" + v + "' is not an integer");
    }
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }
}
