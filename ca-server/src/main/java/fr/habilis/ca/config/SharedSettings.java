package fr.habilis.ca.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings every instance of one CA must share, because they decide what the CA says
 * (certificate contents and lifetimes, CRL and OCSP validity, the URLs embedded in certificates)
 * or how instances cooperate on shared rows (nonce lifetime, rate limits). The
 * first instance records them in the database with the hierarchy; an instance whose values
 * differ refuses to start while another instance runs (with none running, its values are the new
 * ones: pki/SharedHierarchy). Everything else (ports, bind address, pool size, data directory, the
 * keystore's path and password, TLS files, SMTP, caches, job periods, and
 * {@code processingRecoveryAfter}, safe per instance as each order is claimed; keep it above any
 * signing time everywhere) is per instance.
 */
public final class SharedSettings {
  /** The shared settings; compared by their effective value (a default equals the same value set). */
  public static final List<Setting> SHARED = List.of(
      Setting.ENVIRONMENT, Setting.PUBLIC_URL, Setting.PUBLIC_HTTP_URL,
      Setting.ROOT_CA_NAME, Setting.ORG_CA_NAME, Setting.PRO_CA_NAME,
      Setting.CA_ROOT_ALIAS, Setting.CA_ORG_ALIAS, Setting.CA_PRO_ALIAS, Setting.CA_ORG_OCSP_ALIAS,
      Setting.CA_PRO_OCSP_ALIAS, Setting.CA_SECRET_ALIAS,
      Setting.POLICY_OID, Setting.CPS_URL, Setting.CERTIFICATE_VALIDITY, Setting.FRESH_KEY_PROFILES,
      Setting.EAB_VALIDITY, Setting.NONCE_LIFETIME, Setting.ORDER_LIFETIME, Setting.ORDER_RETENTION,
      Setting.RATE_LIMIT_WINDOW, Setting.RATE_LIMIT_ORDERS_PER_ACCOUNT, Setting.RATE_LIMIT_ORDERS_PER_STRUCTURE,
      Setting.RENEWAL_WINDOW_START, Setting.RENEWAL_WINDOW_END,
      Setting.REVOKE_REPLACED, Setting.CRL_VALIDITY, Setting.OCSP_VALIDITY,
      Setting.OCSP_SIGNER_VALIDITY, Setting.OCSP_SIGNER_RENEW_BEFORE);

  private static final String UNSET = "(unset)";

  private SharedSettings() {}

  /** This instance's values, by setting key. */
  public static Map<String, String> of(HabilisConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Setting s : SHARED) {
      String v = config.get(s);
      out.put(s.key(), v == null ? UNSET : v);
    }
    return out;
  }

  /** The first shared setting whose value here differs from the recorded one, as a one-line reason. */
  public static Optional<String> mismatch(Map<String, String> recorded, HabilisConfig config) {
    Map<String, String> mine = of(config);
    for (Setting s : SHARED) {
      String theirs = recorded.get(s.key());
      String here = mine.get(s.key());
      if (theirs != null && !theirs.equals(here)) {
        return Optional.of("setting " + s.key() + " (" + s.envName() + ") is '" + here + "' here but '" + theirs
            + "' for this CA (table ca_settings): every instance of one CA must use the same value; to change it,"
            + " see docs/deployment.md");
      }
    }
    return Optional.empty();
  }
}
