package fr.habilis.client.relying;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * An application rule on the leaf certificate, applied by {@link RevocationChecker} after path
 * validation and before any network request (a wrong certificate costs no OCSP round trip).
 * Implementations throw a {@link CertificateException} whose message tells the operator what is
 * wrong; the checker reports it as {@link RevocationCheckException.Failure#RULE_VIOLATED}.
 */
@FunctionalInterface
public interface CertificateRule {
  /** Subject CNs the INSi teleservice accepts, exactly so spelled. */
  List<String> INSI_SERVICE_NAMES = List.of("INSI-AUTO", "INSI-MANU");

  /** Returns normally if the leaf is acceptable, otherwise throws with a readable reason. */
  void check(X509Certificate leaf) throws CertificateException;

  /**
   * The INSi teleservice's rule: the subject has exactly one CN and it is {@code INSI-AUTO} or
   * {@code INSI-MANU}, with that exact case and spelling (INSi refuses {@code INSI-auto} or
   * {@code INSIAUTO}; the CA refuses them too, but a relying party must not depend on that).
   */
  static CertificateRule insiServiceName() {
    return leaf -> {
      List<String> cns = CertificateNames.commonNames(leaf);
      if (cns.size() != 1 || !INSI_SERVICE_NAMES.contains(cns.get(0))) {
        throw new CertificateException("the INSi teleservice accepts only the service name (CN) INSI-AUTO or INSI-MANU, "
            + "exactly so spelled; this certificate has " + (cns.isEmpty() ? "no CN" : "CN " + String.join(", ", cns)));
      }
    };
  }
}
