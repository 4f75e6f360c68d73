package fr.habilis.client.relying;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Names and numbers of certificates as operators read them in messages and logs. */
final class CertificateNames {
  private CertificateNames() {}

  /**
   * The subject's CN values, decoded from the DER rather than parsed out of a string form
   * (a CN containing a comma or an escaped character would fool a string split).
   */
  static List<String> commonNames(X509Certificate cert) {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    List<String> cns = new ArrayList<>();
    for (RDN rdn : name.getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        if (BCStyle.CN.equals(atv.getType())) cns.add(text(atv.getValue()));
      }
    }
    return cns;
  }

  private static String text(ASN1Encodable value) {
    return value instanceof ASN1String ? ((ASN1String) value).getString() : value.toString();
  }

  static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
  }

  static String serial(BigInteger serial) {
    return serial == null ? "?" : serial.toString(16);
  }

  /** "CN=…,O=… (serial 1a2b…)": how a certificate is named in every message. */
  static String describe(X509Certificate cert) {
    return subject(cert) + " (serial " + serial(cert.getSerialNumber()) + ")";
  }
}
