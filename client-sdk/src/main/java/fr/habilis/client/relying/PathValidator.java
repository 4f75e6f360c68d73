package fr.habilis.client.relying;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * PKIX validation of the presented chain to the configured anchors, with the JDK's revocation
 * checking off (the checker does it, with its own sources, cache and failure policy). It also
 * yields the leaf's issuer from the validated path: that certificate's key is what OCSP responses
 * and CRLs must be traced to, so it must not be taken from an unvalidated place.
 */
final class PathValidator {
  private final Set<TrustAnchor> anchors;
  private final Set<X509Certificate> anchorCertificates;

  /** The leaf and its (validated) issuer. */
  static final class ValidatedPath {
    final X509Certificate leaf;
    final X509Certificate issuer;

    ValidatedPath(X509Certificate leaf, X509Certificate issuer) {
      this.leaf = leaf;
      this.issuer = issuer;
    }
  }

  PathValidator(Set<TrustAnchor> anchors, Set<X509Certificate> anchorCertificates) {
    this.anchors = Collections.unmodifiableSet(anchors);
    this.anchorCertificates = Collections.unmodifiableSet(anchorCertificates);
  }

  ValidatedPath validate(List<X509Certificate> chain, Instant at) throws RevocationCheckException {
    if (chain == null || chain.isEmpty() || chain.get(0) == null) {
      throw new RevocationCheckException(RevocationCheckException.Failure.UNTRUSTED_PATH,
          "no certificate was presented", null, null);
    }
    X509Certificate leaf = chain.get(0);
    // TLS peers often append the root: a trust anchor is not part of a PKIX certification path.
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && anchorCertificates.contains(path.get(path.size() - 1))) path.remove(path.size() - 1);
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      PKIXCertPathValidatorResult result =
          (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
      X509Certificate issuer = path.size() > 1 ? path.get(1) : result.getTrustAnchor().getTrustedCert();
      return new ValidatedPath(leaf, issuer);
    } catch (CertPathValidatorException e) {
      String where = e.getIndex() >= 0 && e.getIndex() < path.size()
          ? " at " + CertificateNames.subject(path.get(e.getIndex())) : "";
      throw new RevocationCheckException(RevocationCheckException.Failure.UNTRUSTED_PATH,
          "the certificate " + CertificateNames.describe(leaf) + " does not validate to the configured trust anchors: "
              + e.getMessage() + where, null, e);
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("invalid trust anchors", e);
    } catch (GeneralSecurityException e) {
      throw new RevocationCheckException(RevocationCheckException.Failure.UNTRUSTED_PATH,
          "the certificate path of " + CertificateNames.describe(leaf) + " cannot be validated: " + e.getMessage(),
          null, e);
    }
  }
}
