package fr.habilis.ca.pki;

import fr.habilis.ca.config.Endpoints;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates the test CA hierarchy modelled on IGC-Santé: a root, an issuing CA for organisations
 * (ORG and SERV products), one for persons (PRO), a delegated OCSP signer per issuing CA
 * (RFC 6960 §4.2.2.2) and the HTTPS listener's certificate. Only ever used in the test
 * environment: production CA material is configured, never generated.
 */
public final class HierarchyGenerator {
  /** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): relying parties need not check the signer. */
  public static final ASN1ObjectIdentifier OCSP_NOCHECK = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.48.1.5");

  private static final Duration ROOT_VALIDITY = Duration.ofDays(20 * 365);
  private static final Duration ISSUING_VALIDITY = Duration.ofDays(10 * 365);
  private static final Duration OCSP_VALIDITY = Duration.ofDays(2 * 365);
  private static final Duration TLS_VALIDITY = Duration.ofDays(397);
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    if (java.security.Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      java.security.Security.addProvider(new BouncyCastleProvider());
    }
  }

  private HierarchyGenerator() {}

  /** Root + two issuing CAs + OCSP signers; CA keys of {@code algorithm}, OCSP keys P-256. */
  public static CaHierarchy generate(
      KeyAlgorithm algorithm, String rootDn, String orgDn, String proDn, Endpoints endpoints, Clock clock)
      throws GeneralSecurityException {
    return generate(algorithm, rootDn, orgDn, proDn, endpoints, clock, OCSP_VALIDITY);
  }

  /** The same with responder certificates of {@code ocspValidity}. */
  public static CaHierarchy generate(KeyAlgorithm algorithm, String rootDn, String orgDn, String proDn,
      Endpoints endpoints, Clock clock, Duration ocspValidity) throws GeneralSecurityException {
    try {
      Instant now = clock.instant().minus(Duration.ofMinutes(5));
      KeyPair rootKeys = algorithm.generate();
      X500Name rootName = new X500Name(rootDn);
      X509Certificate root = caCertificate(rootName, rootKeys.getPublic(), rootName, rootKeys.getPrivate(), null,
          now, now.plus(ROOT_VALIDITY), null, endpoints, true);
      IssuingCa org = issuing(CaHierarchy.ORG, orgDn, algorithm, root, rootKeys.getPrivate(), endpoints, now, ocspValidity);
      IssuingCa pro = issuing(CaHierarchy.PRO, proDn, algorithm, root, rootKeys.getPrivate(), endpoints, now, ocspValidity);
      return new CaHierarchy(root, rootKeys.getPrivate(), org, pro);
    } catch (GeneralSecurityException e) {
      throw e;
    } catch (Exception e) {
      throw new GeneralSecurityException("cannot build CA hierarchy: " + e.getMessage(), e);
    }
  }

  private static IssuingCa issuing(String id, String dn, KeyAlgorithm algorithm, X509Certificate root,
      PrivateKey rootKey, Endpoints endpoints, Instant now, Duration ocspValidity) throws Exception {
    KeyPair keys = algorithm.generate();
    X509Certificate cert = caCertificate(new X500Name(dn), keys.getPublic(),
        X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), rootKey, root,
        now, now.plus(ISSUING_VALIDITY), 0, endpoints, false);
    KeyPair ocspKeys = KeyAlgorithm.EC_P256.generate();
    X509Certificate ocsp = ocspSigner(dn, cert, keys.getPrivate(), ocspKeys.getPublic(), now, ocspValidity, id, endpoints);
    return new IssuingCa(id, cert, keys.getPrivate(), ocsp, ocspKeys.getPrivate());
  }

  /**
   * The same issuing CA with a new delegated OCSP signer: a fresh P-256 key and a certificate of
   * {@code validity} from now (never beyond the CA's notAfter), signed with the CA's key. For the
   * renewal of responder certificates before they expire.
   */
  public static IssuingCa renewOcspSigner(IssuingCa ca, Duration validity, Endpoints endpoints, Clock clock)
      throws GeneralSecurityException {
    try {
      KeyPair ocspKeys = KeyAlgorithm.EC_P256.generate();
      String dn = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()).toString();
      // A minute back: clocks of relying parties that are slightly behind still accept it.
      X509Certificate ocsp = ocspSigner(dn, ca.certificate(), ca.privateKey(), ocspKeys.getPublic(),
          clock.instant().minus(Duration.ofMinutes(1)), validity.plus(Duration.ofMinutes(1)), ca.id(), endpoints);
      return new IssuingCa(ca.id(), ca.certificate(), ca.privateKey(), ocsp, ocspKeys.getPrivate());
    } catch (GeneralSecurityException e) {
      throw e;
    } catch (Exception e) {
      throw new GeneralSecurityException("cannot renew the OCSP signer of " + ca.id() + ": " + e.getMessage(), e);
    }
  }

  private static X509Certificate caCertificate(X500Name subject, PublicKey publicKey, X500Name issuer,
      PrivateKey issuerKey, X509Certificate issuerCert, Instant from, Instant to, Integer pathLen,
      Endpoints endpoints, boolean selfSigned) throws Exception {
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(from), Date.from(to), subject, publicKey);
    b.addExtension(Extension.basicConstraints, true, pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
    if (selfSigned) {
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(publicKey));
    } else {
      b.addExtension(Extension.authorityKeyIdentifier, false, KeyIdentifiers.authorityKeyIdentifier(issuerCert));
      b.addExtension(Extension.certificatePolicies, false,
          new CertificatePolicies(new PolicyInformation(new ASN1ObjectIdentifier("2.5.29.32.0"))));
      b.addExtension(Extension.cRLDistributionPoints, false, crlDistPoint(endpoints.crlUrl(CaHierarchy.ROOT)));
      b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
          new AccessDescription(X509ObjectIdentifiers.id_ad_caIssuers, uri(endpoints.caIssuersUrl(CaHierarchy.ROOT)))));
    }
    return sign(b, issuerKey);
  }

  private static X509Certificate ocspSigner(String caDn, X509Certificate ca, PrivateKey caKey, PublicKey key,
      Instant now, Duration validity, String caId, Endpoints endpoints) throws Exception {
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X500Name subject = new X500Name(caDn.replaceFirst("CN=([^,]+)$", "CN=$1 OCSP"));
    Instant to = min(now.plus(validity), ca.getNotAfter().toInstant());
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now), Date.from(to), subject, key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
    b.addExtension(OCSP_NOCHECK, false, DERNull.INSTANCE);
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
    b.addExtension(Extension.authorityKeyIdentifier, false, KeyIdentifiers.authorityKeyIdentifier(ca));
    b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
        new AccessDescription(X509ObjectIdentifiers.id_ad_caIssuers, uri(endpoints.caIssuersUrl(caId)))));
    return sign(b, caKey);
  }

  /**
   * The HTTPS listener's certificate, issued by the organisations CA: the configured host name
   * and, in the test environment, localhost and 127.0.0.1 so local clients validate it.
   */
  public static TlsIdentity tlsIdentity(IssuingCa ca, List<String> dnsNames, List<String> ipAddresses, Clock clock)
      throws GeneralSecurityException {
    try {
      Instant now = clock.instant().minus(Duration.ofMinutes(5));
      KeyPair keys = KeyAlgorithm.EC_P256.generate();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X500Name ca500 = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
      String caDn = ca500.toString();
      X500Name subject = new X500Name(caDn.replaceFirst("CN=[^,]+$", "CN=" + dnsNames.get(0)));
      Instant to = min(now.plus(TLS_VALIDITY), ca.certificate().getNotAfter().toInstant());
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(now), Date.from(to), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      List<GeneralName> names = new ArrayList<>();
      for (String d : dnsNames) names.add(new GeneralName(GeneralName.dNSName, d));
      for (String ip : ipAddresses) names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress()));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, KeyIdentifiers.authorityKeyIdentifier(ca.certificate()));
      return new TlsIdentity(keys.getPrivate(), List.of(sign(b, ca.privateKey()), ca.certificate()));
    } catch (GeneralSecurityException e) {
      throw e;
    } catch (Exception e) {
      throw new GeneralSecurityException("cannot build TLS certificate: " + e.getMessage(), e);
    }
  }

  static CRLDistPoint crlDistPoint(String url) {
    return new CRLDistPoint(new DistributionPoint[] {
        new DistributionPoint(new DistributionPointName(new GeneralNames(uri(url))), null, null)});
  }

  private static GeneralName uri(String url) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, url);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    var signer = new JcaContentSignerBuilder(KeyAlgorithm.signatureAlgorithmFor(key))
        .setProvider(BouncyCastleProvider.PROVIDER_NAME).build(key);
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  /** 128 random bits, positive: CA certificates never share the end-entity serial table. */
  private static BigInteger serial() {
    return new BigInteger(128, RANDOM).setBit(120);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
