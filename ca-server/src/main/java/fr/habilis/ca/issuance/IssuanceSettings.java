package fr.habilis.ca.issuance;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import java.time.temporal.TemporalAmount;

/**
 * The configured values that go into every certificate: the environment's policy OID and CPS URL
 * (RFC 5280 §4.2.1.4), the environment itself (test certificates are marked as such by the
 * product-category extension), the default lifetime (calendar years by default), and the URLs of the HTTP listener
 * (CRL distribution point, OCSP, caIssuers).
 */
public record IssuanceSettings(String policyOid, String cpsUrl, boolean production, TemporalAmount defaultValidity,
    Endpoints endpoints) {
  public static IssuanceSettings from(HabilisConfig config, Endpoints endpoints) {
    return new IssuanceSettings(
        config.get(Setting.POLICY_OID),
        // A fixed default was a dead link in every certificate; this server serves the derived one.
        config.isSet(Setting.CPS_URL) ? config.get(Setting.CPS_URL) : endpoints.cpsUrl(),
        config.isProduction(),
        config.getLifetime(Setting.CERTIFICATE_VALIDITY),
        endpoints);
  }
}
