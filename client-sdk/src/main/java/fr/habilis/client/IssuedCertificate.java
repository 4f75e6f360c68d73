package fr.habilis.client;

import java.net.URL;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * A certificate just issued, with the key pair made for it on this machine and the chain the
 * server returned (leaf first, then the issuing CA; the root is the relying party's anchor).
 */
public final class IssuedCertificate {
  private final CertificateRequest request;
  private final KeyPair keyPair;
  private final List<X509Certificate> chain;
  private final URL orderUrl;
  private final URL certificateUrl;

  public IssuedCertificate(CertificateRequest request, KeyPair keyPair, List<X509Certificate> chain, URL orderUrl,
      URL certificateUrl) {
    if (chain.isEmpty()) throw new IllegalArgumentException("empty chain");
    this.request = request;
    this.keyPair = keyPair;
    this.chain = Collections.unmodifiableList(chain);
    this.orderUrl = orderUrl;
    this.certificateUrl = certificateUrl;
  }

  public CertificateRequest request() {
    return request;
  }

  public Product product() {
    return request.product();
  }

  /** The key pair; its private half was never sent anywhere. */
  public KeyPair keyPair() {
    return keyPair;
  }

  /** Leaf, then issuing CA(s). */
  public List<X509Certificate> chain() {
    return chain;
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The serial number in lowercase hex, as the RA API and the CRL show it. */
  public String serialHex() {
    return certificate().getSerialNumber().toString(16);
  }

  public Instant notAfter() {
    return certificate().getNotAfter().toInstant();
  }

  public URL orderUrl() {
    return orderUrl;
  }

  public URL certificateUrl() {
    return certificateUrl;
  }
}
