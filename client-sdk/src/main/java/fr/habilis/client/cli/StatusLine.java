package fr.habilis.client.cli;

import fr.habilis.client.relying.RevocationCheckException;
import fr.habilis.client.relying.RevocationChecker;
import fr.habilis.client.relying.RevocationResult;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The revocation line of {@code cert status}: what a relying party would see, by OCSP (else the
 * CRL), checked against the issuing CA that the CA server returned with the certificate.
 */
final class StatusLine {
  private StatusLine() {}

  static String revocation(List<X509Certificate> chain) {
    if (chain.size() < 2) return "not checked (the stored chain has no issuing CA)";
    RevocationChecker checker = RevocationChecker.builder().trustAnchor(chain.get(1)).failOpen().build();
    RevocationResult r;
    try {
      r = checker.check(List.of(chain.get(0)));
    } catch (RevocationCheckException e) {
      if (e.result() == null) return "not checked: " + e.getMessage();
      r = e.result();
    }
    switch (r.status()) {
      case GOOD:
        return "good (" + r.source() + ", answer of " + r.thisUpdate() + ")";
      case REVOKED:
        return "REVOKED at " + r.revocationTime() + (r.reason() == null ? "" : " (" + r.reason() + ")") + " (" + r.source() + ")";
      default:
        return "unknown: " + r.detail();
    }
  }
}
