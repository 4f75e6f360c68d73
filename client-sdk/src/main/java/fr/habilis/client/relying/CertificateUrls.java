package fr.habilis.client.relying;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The revocation URLs a certificate names: OCSP responders (AIA id-ad-ocsp) and CRL distribution
 * points. Only http and https are kept: the URLs come from a certificate whose chain was validated,
 * but the checker still refuses to be sent to ldap:, file: or other schemes it cannot bound.
 */
final class CertificateUrls {
  private CertificateUrls() {}

  static List<URI> ocsp(X509Certificate cert) {
    List<URI> urls = new ArrayList<>();
    ASN1Primitive ext = extension(cert, Extension.authorityInfoAccess.getId());
    if (ext == null) return urls;
    try {
      for (AccessDescription ad : AuthorityInformationAccess.getInstance(ext).getAccessDescriptions()) {
        if (AccessDescription.id_ad_ocsp.equals(ad.getAccessMethod())) addHttp(urls, ad.getAccessLocation());
      }
    } catch (IllegalArgumentException e) {
      // Not an AIA structure: no responder.
    }
    return urls;
  }

  /**
   * Full-name distribution points without a cRLIssuer: an indirect CRL (signed by someone other
   * than the certificate's issuer) is not supported, so such points are skipped.
   */
  static List<URI> crl(X509Certificate cert) {
    List<URI> urls = new ArrayList<>();
    ASN1Primitive ext = extension(cert, Extension.cRLDistributionPoints.getId());
    if (ext == null) return urls;
    try {
      for (DistributionPoint dp : CRLDistPoint.getInstance(ext).getDistributionPoints()) {
        DistributionPointName name = dp.getDistributionPoint();
        if (dp.getCRLIssuer() != null || name == null || name.getType() != DistributionPointName.FULL_NAME) continue;
        for (GeneralName gn : GeneralNames.getInstance(name.getName()).getNames()) addHttp(urls, gn);
      }
    } catch (IllegalArgumentException e) {
      // Not a CRLDistributionPoints structure: no CRL.
    }
    return urls;
  }

  private static void addHttp(List<URI> urls, GeneralName gn) {
    if (gn.getTagNo() != GeneralName.uniformResourceIdentifier) return;
    try {
      URI uri = new URI(ASN1IA5String.getInstance(gn.getName()).getString());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && !urls.contains(uri)) urls.add(uri);
    } catch (URISyntaxException | IllegalArgumentException e) {
      // A malformed URL in a certificate is as good as none: the other sources are tried.
    }
  }

  /** The extension's value, or null if absent or not DER (then the source is treated as absent). */
  private static ASN1Primitive extension(X509Certificate cert, String oid) {
    byte[] value = cert.getExtensionValue(oid);
    if (value == null) return null;
    try {
      return ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(value).getOctets());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
