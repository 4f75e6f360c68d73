package fr.habilis.ca.config;

import java.net.URI;
import java.util.Locale;

/**
 * A production start refuses every default that exists for tests: each refusal is one line
 * naming the setting and what to set instead (exit code 2 through {@link ConfigException}).
 * Checked before anything binds or is written. The product-category value (0x83 in test
 * certificates) has no setting: it follows {@code environment} (issuance/CertificateBuilder).
 */
public final class ProductionGuards {
  /** The IGC-Santé test certificate policy, {@link Setting#POLICY_OID}'s default. */
  static final String TEST_POLICY_OID = "1.2.250.1.213.1.7.2.1.1.1.1";

  private ProductionGuards() {}

  public static void check(HabilisConfig config) {
    if (!config.isProduction()) return;
    if (!config.isSet(Setting.KEYSTORE_PASSWORD)) {
      // A generated password would sit in the data directory beside the keystore it protects.
      refuse(Setting.KEYSTORE_PASSWORD, "must be set (a generated password is for tests only)");
    }
    if (TEST_POLICY_OID.equals(config.get(Setting.POLICY_OID))) {
      refuse(Setting.POLICY_OID, "is the test certificate policy " + TEST_POLICY_OID + "; set the production policy OID");
    }
    // Unset, the CPS link is derived from publicHttpUrl, guarded below.
    if (config.isSet(Setting.CPS_URL) && isLocal(URI.create(config.get(Setting.CPS_URL)).getHost())) {
      refuse(Setting.CPS_URL, "points at " + config.get(Setting.CPS_URL) + "; set the published CPS URL");
    }
    if (isLocal(config.hostname())) {
      refuse(Setting.HOSTNAME, "is " + config.hostname() + "; set the DNS name clients reach this CA by");
    }
    for (Setting url : new Setting[] {Setting.PUBLIC_URL, Setting.PUBLIC_HTTP_URL}) {
      if (!config.isSet(url)) {
        // Certificates embed the HTTP URLs: one derived from a port would change with the deployment.
        refuse(url, "must be set: the public base URL behind which clients reach this listener");
      }
      if (isLocal(URI.create(config.get(url)).getHost())) {
        refuse(url, "points at " + config.get(url) + "; set the public base URL");
      }
    }
  }

  /** localhost, a *.localhost name or a loopback address: what no client elsewhere can reach. */
  static boolean isLocal(String host) {
    if (host == null) return false;
    String h = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
    return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1");
  }

  private static void refuse(Setting s, String why) {
    throw new ConfigException("production environment: " + s.key() + " (" + s.envName() + ") " + why);
  }
}
