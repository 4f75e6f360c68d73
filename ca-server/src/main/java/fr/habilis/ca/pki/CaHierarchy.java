package fr.habilis.ca.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The loaded CA hierarchy: a root and the two issuing CAs. The root key is present in the test
 * environment (it signs the root CRL); in production it may be absent (offline root).
 */
public record CaHierarchy(X509Certificate root, PrivateKey rootKey, IssuingCa org, IssuingCa pro) {
  public static final String ROOT = "root";
  public static final String ORG = "org";
  public static final String PRO = "pro";

  public IssuingCa issuing(String id) {
    return switch (id) {
      case ORG -> org;
      case PRO -> pro;
      default -> throw new IllegalArgumentException("no issuing CA " + id);
    };
  }

  public List<IssuingCa> issuingCas() {
    return List.of(org, pro);
  }

  /** Chain above an issuing CA's certificate, for PEM chains: [issuing, root]. */
  public List<X509Certificate> chainOf(String id) {
    return List.of(issuing(id).certificate(), root);
  }
}
