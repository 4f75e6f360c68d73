package fr.habilis.ca.renewal;

import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The renewal settings: the ARI window before notAfter ({@code renewalWindowStart} ..
 * {@code renewalWindowEnd}), the renewalInfo polling interval, and the profiles whose replaced
 * certificates are revoked once their successor is issued.
 */
public record RenewalPolicy(Duration windowStart, Duration windowEnd, Duration retryAfter, Set<String> revokeReplaced) {

  public RenewalPolicy {
    if (windowEnd.compareTo(windowStart) >= 0) throw new IllegalArgumentException("the window must end after it starts");
    revokeReplaced = Set.copyOf(revokeReplaced);
  }

  public static RenewalPolicy from(HabilisConfig config) {
    String profiles = config.get(Setting.REVOKE_REPLACED);
    return new RenewalPolicy(config.getDuration(Setting.RENEWAL_WINDOW_START), config.getDuration(Setting.RENEWAL_WINDOW_END),
        config.getDuration(Setting.RENEWAL_INFO_RETRY_AFTER), profileNames(profiles));
  }

  /** {@code "SERV_SSL, ORG_AUTH_CLI"} → the set of names (unchecked: ConfigLoader checked them). */
  public static Set<String> profileNames(String list) {
    if (list == null || list.isBlank()) return Set.of();
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  /** Whether a certificate of this profile is revoked (superseded) when its successor is issued. */
  public boolean revokesReplaced(String profile) {
    return revokeReplaced.contains(profile);
  }
}
