package fr.habilis.ca.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each test default refused in production, each with its own line; a complete production configuration passes. */
public class ProductionGuardsTest {
  /** Production values for every guarded setting. */
  public static Map<String, String> production() {
    return Map.of("environment", "production", "keystorePassword", "pw-123456", "policyOid", "1.2.250.1.213.1.7.1.1.1",
        "cpsUrl", "https://ca.example.fr/pc", "hostname", "ca.example.fr", "publicUrl", "https://ca.example.fr",
        "publicHttpUrl", "http://crl.example.fr");
  }

  @Test
  void aCompleteProductionConfigurationPasses() {
    ProductionGuards.check(config(Map.of()));
  }

  @Test
  void theTestEnvironmentKeepsItsDefaults() {
    ProductionGuards.check(HabilisConfig.of(Map.of()));
  }

  @Test
  void generatedKeystorePasswordIsRefused() {
    assertRefused("production environment: keystorePassword (HABILIS_KEYSTORE_PASSWORD) must be set (a generated password is for tests only)",
        without("keystorePassword"));
  }

  @Test
  void testPolicyOidIsRefusedWhetherDefaultOrSet() {
    String line = "production environment: policyOid (HABILIS_POLICY_OID) is the test certificate policy 1.2.250.1.213.1.7.2.1.1.1.1;"
        + " set the production policy OID";
    assertRefused(line, without("policyOid"));
    assertRefused(line, with("policyOid", "1.2.250.1.213.1.7.2.1.1.1.1"));
  }

  @Test
  void localCpsUrlIsRefusedAndAnUnsetOneFollowsThePublicHttpUrl() {
    assertRefused("production environment: cpsUrl (HABILIS_CPS_URL) points at http://localhost/habilis/pc; set the published CPS URL",
        with("cpsUrl", "http://localhost/habilis/pc"));
    ProductionGuards.check(HabilisConfig.of(without("cpsUrl")));
  }

  @Test
  void localhostHostnameIsRefused() {
    String line = "production environment: hostname (HABILIS_HOSTNAME) is localhost; set the DNS name clients reach this CA by";
    assertRefused(line, without("hostname"));
    assertRefused(line, with("hostname", "localhost"));
    assertRefused("production environment: hostname (HABILIS_HOSTNAME) is 127.0.0.1; set the DNS name clients reach this CA by",
        with("hostname", "127.0.0.1"));
  }

  @Test
  void missingPublicUrlsAreRefusedEachByName() {
    assertRefused("production environment: publicUrl (HABILIS_PUBLIC_URL) must be set: the public base URL behind which clients"
        + " reach this listener", without("publicUrl"));
    assertRefused("production environment: publicHttpUrl (HABILIS_PUBLIC_HTTP_URL) must be set: the public base URL behind which"
        + " clients reach this listener", without("publicHttpUrl"));
  }

  @Test
  void localPublicUrlsAreRefused() {
    assertRefused("production environment: publicUrl (HABILIS_PUBLIC_URL) points at https://localhost:8443; set the public base URL",
        with("publicUrl", "https://localhost:8443"));
    assertRefused("production environment: publicHttpUrl (HABILIS_PUBLIC_HTTP_URL) points at http://[::1]:8080; set the public base URL",
        with("publicHttpUrl", "http://[::1]:8080"));
  }

  private static void assertRefused(String line, Map<String, String> values) {
    ConfigException e = assertThrows(ConfigException.class, () -> ProductionGuards.check(HabilisConfig.of(values)));
    assertEquals(line, e.getMessage());
  }

  private static Map<String, String> without(String key) {
    Map<String, String> m = new HashMap<>(production());
    m.remove(key);
    return m;
  }

  private static Map<String, String> with(String key, String value) {
    Map<String, String> m = new HashMap<>(production());
    m.put(key, value);
    return m;
  }

  private static HabilisConfig config(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(production());
    m.putAll(extra);
    return HabilisConfig.of(m);
  }
}
