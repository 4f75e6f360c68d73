package fr.habilis.ca.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsDescribeTheEmbeddedTestServer() {
    HabilisConfig c = ConfigLoader.load(null, Map.of());
    assertEquals("test", c.environment());
    assertEquals(8443, c.getInt(Setting.HTTPS_PORT));
    assertEquals(8080, c.getInt(Setting.HTTP_PORT));
    assertEquals("127.0.0.1", c.get(Setting.BIND_ADDRESS));
    assertEquals("localhost", c.hostname());
    assertTrue(c.dataDir().endsWith("habilis-data"));
    assertTrue(c.dbUrl().startsWith("jdbc:h2:file:"));
  }

  @Test
  void environmentVariableOverridesYamlFile() throws Exception {
    Path f = dir.resolve("habilis.yaml");
    Files.writeString(f, "httpsPort: 9443\nhostname: ca.example.test\n");
    HabilisConfig c = ConfigLoader.load(f, Map.of("HABILIS_HTTPS_PORT", "10443", "PATH", "/bin"));
    assertEquals(10443, c.getInt(Setting.HTTPS_PORT));
    assertEquals("ca.example.test", c.hostname());
  }

  @Test
  void jsonFileIsAccepted() throws Exception {
    Path f = dir.resolve("habilis.json");
    Files.writeString(f, "{\"environment\": \"production\", \"httpPort\": 0}");
    HabilisConfig c = ConfigLoader.load(f, Map.of());
    assertTrue(c.isProduction());
    assertEquals(0, c.getInt(Setting.HTTP_PORT));
  }

  @Test
  void unknownFileKeyIsRefusedByName() throws Exception {
    Path f = dir.resolve("habilis.yaml");
    Files.writeString(f, "httpsPrt: 9443\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertEquals("unknown configuration key 'httpsPrt'", e.getMessage());
  }

  @Test
  void unknownHabilisEnvironmentVariableIsAWarningNamingTheClosestSetting() {
    Map<String, String> env = Map.of("HABILIS_HTTP_PROT", "1", "HABILIS_HOME", "/opt/habilis",
        "HABILIS_CLIENT_STATE_DIR", "/root/.habilis", "HABILIS_HTTPS_PORT", "9443");
    HabilisConfig c = ConfigLoader.load(null, env);
    assertEquals(9443, c.getInt(Setting.HTTPS_PORT));
    assertEquals(8080, c.getInt(Setting.HTTP_PORT), "the misspelt variable changed nothing");
    assertEquals(java.util.List.of(
        "ignoring unknown environment variable HABILIS_HOME (no such setting)",
        "ignoring unknown environment variable HABILIS_HTTP_PROT (did you mean HABILIS_HTTP_PORT?)"),
        ConfigLoader.warnings(env), "the client CLI's HABILIS_CLIENT_* variables are not reported");
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    assertMessage(Map.of("HABILIS_HTTPS_PORT", "70000"), "HABILIS_HTTPS_PORT", "70000");
    assertMessage(Map.of("HABILIS_HTTP_PORT", "eighty"), "HABILIS_HTTP_PORT", "eighty");
    assertMessage(Map.of("HABILIS_ENVIRONMENT", "staging"), "HABILIS_ENVIRONMENT", "staging");
    assertMessage(Map.of("HABILIS_PUBLIC_URL", "ftp://x"), "HABILIS_PUBLIC_URL", "ftp://x");
    assertMessage(Map.of("HABILIS_HOSTNAME", "bad host"), "HABILIS_HOSTNAME", "bad host");
    assertMessage(Map.of("HABILIS_POLICY_OID", "1.2.x"), "HABILIS_POLICY_OID", "1.2.x");
    assertMessage(Map.of("HABILIS_CERTIFICATE_VALIDITY", "three years"), "HABILIS_CERTIFICATE_VALIDITY", "three years");
  }

  @Test
  void unreadableOrMalformedFileIsOneLine() throws Exception {
    ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of()));
    assertTrue(missing.getMessage().startsWith("cannot read configuration file"));
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "a: [1, 2\n");
    ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertTrue(!bad.getMessage().contains("\n"), bad.getMessage());
  }

  @Test
  void durationsAcceptShortAndIsoForms() {
    HabilisConfig c = ConfigLoader.load(null, Map.of("HABILIS_CERTIFICATE_VALIDITY", "30d"));
    assertEquals(java.time.Duration.ofDays(30), c.getLifetime(Setting.CERTIFICATE_VALIDITY));
    // Calendar years by default (issue 16 item 4), and calendar periods as configured.
    assertEquals(java.time.Period.ofYears(3), ConfigLoader.load(null, Map.of()).getLifetime(Setting.CERTIFICATE_VALIDITY));
    assertEquals(java.time.Period.ofDays(1095), ConfigLoader.load(null, Map.of("HABILIS_CERTIFICATE_VALIDITY", "P1095D"))
        .getLifetime(Setting.CERTIFICATE_VALIDITY));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("HABILIS_CERTIFICATE_VALIDITY", "P0Y")))
        .getMessage().contains("positive"));
  }

  @Test
  void testSwitchesAreRefusedInProduction() {
    assertMessage(Map.of("HABILIS_ENVIRONMENT", "production", "HABILIS_TEST_NONCE_REJECT_PERCENT", "30"),
        "HABILIS_TEST_NONCE_REJECT_PERCENT", "refused in production");
    assertMessage(Map.of("HABILIS_ENVIRONMENT", "production", "HABILIS_CERTIFICATE_VALIDITY", "10m"),
        "HABILIS_CERTIFICATE_VALIDITY", "refused in production");
    assertMessage(Map.of("HABILIS_ENVIRONMENT", "production", "HABILIS_TEST_RA_TOKEN_SELF_APPROVAL", "true"),
        "HABILIS_TEST_RA_TOKEN_SELF_APPROVAL", "refused in production");
    assertMessage(Map.of("HABILIS_TEST_NONCE_REJECT_PERCENT", "101"), "HABILIS_TEST_NONCE_REJECT_PERCENT", "101");
    HabilisConfig test = ConfigLoader.load(null, Map.of("HABILIS_TEST_NONCE_REJECT_PERCENT", "30",
        "HABILIS_CERTIFICATE_VALIDITY", "PT5M"));
    assertEquals(30, test.getInt(Setting.TEST_NONCE_REJECT_PERCENT));
    assertEquals(5, test.getDuration(Setting.CERTIFICATE_VALIDITY).toMinutes());
  }

  private static void assertMessage(Map<String, String> env, String... fragments) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, env));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), e.getMessage() + " lacks " + f);
  }

  @Test
  void aRenewalWindowThatDoesNotEndAfterItStartsIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
        Map.of("HABILIS_RENEWAL_WINDOW_START", "20d", "HABILIS_RENEWAL_WINDOW_END", "P30D")));
    assertTrue(e.getMessage().contains("renewalWindowEnd (HABILIS_RENEWAL_WINDOW_END) must be shorter than renewalWindowStart"),
        e.getMessage());
  }

  @Test
  void revokeReplacedNamesProfiles() {
    HabilisConfig c = ConfigLoader.load(null, Map.of("HABILIS_REVOKE_REPLACED", "SERV_SSL, ORG_AUTH_CLI"));
    assertEquals(java.util.Set.of("SERV_SSL", "ORG_AUTH_CLI"), fr.habilis.ca.renewal.RenewalPolicy.from(c).revokeReplaced());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
        Map.of("HABILIS_REVOKE_REPLACED", "SERV_SSL,SERV_TLS")));
    assertTrue(e.getMessage().contains("'SERV_TLS' is not a profile"), e.getMessage());
  }

  @Test
  void freshKeyProfilesNamesProfiles() {
    ConfigLoader.load(null, Map.of("HABILIS_FRESH_KEY_PROFILES", "ORG_SIGN, SERV_SIGN"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
        Map.of("HABILIS_FRESH_KEY_PROFILES", "ORG_SIGN,ORG_SEAL")));
    assertTrue(e.getMessage().contains("freshKeyProfiles") && e.getMessage().contains("'ORG_SEAL' is not a profile"), e.getMessage());
  }
}
