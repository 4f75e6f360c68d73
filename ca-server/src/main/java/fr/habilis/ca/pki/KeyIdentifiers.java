package fr.habilis.ca.pki;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Authority key identifiers in the keyIdentifier-only form (RFC 5280 §4.2.1.1): no issuer name
 * and serial, which would tie every certificate (and CRL) to one certificate of the issuer, so
 * that a re-certified issuer key (new CA certificate, same key) keeps its chains building.
 */
public final class KeyIdentifiers {
  private KeyIdentifiers() {}

  /** keyIdentifier = the issuer's subjectKeyIdentifier (or, if it has none, SHA-1 of its key, method 1). */
  public static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer) {
    byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ski != null) {
      return new AuthorityKeyIdentifier(ASN1OctetString.getInstance(ASN1OctetString.getInstance(ski).getOctets()).getOctets());
    }
    try {
      return new AuthorityKeyIdentifier(new JcaX509ExtensionUtils()
          .createSubjectKeyIdentifier(SubjectPublicKeyInfo.getInstance(issuer.getPublicKey().getEncoded())).getKeyIdentifier());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
