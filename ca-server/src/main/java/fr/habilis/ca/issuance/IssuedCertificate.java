package fr.habilis.ca.issuance;

import java.security.cert.X509Certificate;
import java.util.List;

/** A stored certificate; {@code chain} is leaf first, then the issuing CA, then the root. */
public record IssuedCertificate(String serialHex, X509Certificate certificate, List<X509Certificate> chain) {
  public IssuedCertificate {
    chain = List.copyOf(chain);
  }
}
