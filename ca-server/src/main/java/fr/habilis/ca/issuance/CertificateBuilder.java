package fr.habilis.ca.issuance;

import fr.habilis.ca.pki.EcdsaSigner;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.pki.KeyAlgorithm;
import java.math.BigInteger;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
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
import org.bouncycastle.asn1.x509.PolicyQualifierId;
import org.bouncycastle.asn1.x509.PolicyQualifierInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs an end-entity certificate for a profile. Pure CPU work with no I/O: run it on
 * {@code ServerContext.signers()}. Extensions follow RFC 5280 §4.2 and the IGC-Santé test
 * certificates; protocol-spec/certificate-profiles.md explains each choice.
 */
public final class CertificateBuilder {
  /** IGC-Santé product-category extension; its value says whether this is a test certificate. */
  public static final ASN1ObjectIdentifier PRODUCT_CATEGORY = new ASN1ObjectIdentifier("1.2.250.1.71.1.2.5");
  static final byte CATEGORY_TEST = (byte) 0x83;
  static final byte CATEGORY_PRODUCTION = 0x03;

  /** What is certified: the subject, its key and its SANs, all already checked. */
  public record Leaf(Profile profile, X500Name subject, SubjectPublicKeyInfo publicKey, Profile.KeyAlgorithm keyAlgorithm,
      List<String> dnsNames, List<String> emails) {}

  private final IssuanceSettings settings;
  private final Provider provider;
  private final BcX509ExtensionUtils extensionUtils = new BcX509ExtensionUtils();

  /** Signs with the measured provider for the issuing key's family ({@link CryptoProviders}). */
  public CertificateBuilder(IssuanceSettings settings) {
    this(settings, null);
  }

  /** Signs with {@code provider} whatever the key (the benchmark compares providers this way). */
  public CertificateBuilder(IssuanceSettings settings, Provider provider) {
    this.settings = settings;
    this.provider = provider;
  }

  public X509Certificate build(Leaf leaf, IssuingCa issuer, BigInteger serial, Instant now) {
    try {
      X509Certificate ca = issuer.certificate();
      // X.509 times have second precision; truncating keeps notAfter - notBefore exact.
      Instant notBefore = now.truncatedTo(ChronoUnit.SECONDS);
      // Calendar arithmetic in UTC: three years end on the same date three years later, 1096
      // days when a 29 February falls inside (a fixed 1095 days ended one day short).
      Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plus(leaf.profile().validityOr(settings.defaultValidity())).toInstant();
      // A certificate must not outlive its issuer (RFC 5280 §6.1.3 (a)(2) would reject the chain after it).
      Instant caNotAfter = ca.getNotAfter().toInstant();
      if (notAfter.isAfter(caNotAfter)) notAfter = caNotAfter;
      if (!notAfter.isAfter(notBefore)) throw new IllegalStateException("issuing CA " + issuer.id() + " has expired");

      X509v3CertificateBuilder b = new X509v3CertificateBuilder(
          // The CA's subject bytes as encoded in its certificate: name chaining compares them (RFC 5280 §4.1.2.4).
          X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), serial, Date.from(notBefore), Date.from(notAfter),
          leaf.subject(), leaf.publicKey());
      addExtensions(b, leaf, issuer);
      X509CertificateHolder holder = b.build(signer(issuer));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build certificate: " + e.getMessage(), e);
    }
  }

  private void addExtensions(X509v3CertificateBuilder b, Leaf leaf, IssuingCa issuer) throws CertIOException, CertificateException {
    Profile p = leaf.profile();
    // §4.2.1.9: an end entity; critical so that no relying party could ever treat it as a CA.
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    // §4.2.1.3: "conforming CAs SHOULD mark this extension as critical".
    b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsageBits(p, leaf.keyAlgorithm())));
    // §4.2.1.12: non-critical, as in IGC-Santé and CA/B certificates, so unaware applications still work.
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(keyPurposes(p)));
    List<GeneralName> sans = new ArrayList<>();
    leaf.dnsNames().forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    leaf.emails().forEach(e -> sans.add(new GeneralName(GeneralName.rfc822Name, e)));
    // §4.2.1.6: non-critical because the subject DN is not empty.
    if (!sans.isEmpty()) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
    // §4.2.1.4: one policy, with the CPS pointer qualifier.
    PolicyInformation policy = new PolicyInformation(new ASN1ObjectIdentifier(settings.policyOid()),
        new DERSequence(new PolicyQualifierInfo(PolicyQualifierId.id_qt_cps, new DERIA5String(settings.cpsUrl()))));
    b.addExtension(Extension.certificatePolicies, false, new CertificatePolicies(policy));
    b.addExtension(PRODUCT_CATEGORY, false, new DEROctetString(new byte[] {settings.production() ? CATEGORY_PRODUCTION : CATEGORY_TEST}));
    // §4.2.1.1: keyIdentifier only (copied from the issuer's SKI), so re-certified CAs keep chaining.
    b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId(issuer.certificate())));
    // §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING.
    b.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(leaf.publicKey()));
    // §4.2.1.13: full CRL of the issuing CA on the HTTP listener.
    GeneralNames crl = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, settings.endpoints().crlUrl(issuer.id())));
    b.addExtension(Extension.cRLDistributionPoints, false,
        new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(new DistributionPointName(crl), null, null)}));
    // §4.2.2.1: OCSP responder and the issuer's certificate (DER over HTTP) for path building.
    b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
        new AccessDescription(AccessDescription.id_ad_ocsp,
            new GeneralName(GeneralName.uniformResourceIdentifier, settings.endpoints().ocspUrl())),
        new AccessDescription(AccessDescription.id_ad_caIssuers,
            new GeneralName(GeneralName.uniformResourceIdentifier, settings.endpoints().caIssuersUrl(issuer.id())))}));
  }

  private static int keyUsageBits(Profile p, Profile.KeyAlgorithm alg) {
    int bits = 0;
    for (Profile.KeyUsageBit u : p.keyUsageFor(alg)) {
      bits |= switch (u) {
        case digitalSignature -> KeyUsage.digitalSignature;
        case nonRepudiation -> KeyUsage.nonRepudiation;
        case keyEncipherment -> KeyUsage.keyEncipherment;
        case dataEncipherment -> KeyUsage.dataEncipherment;
        case keyAgreement -> KeyUsage.keyAgreement;
      };
    }
    return bits;
  }

  private static KeyPurposeId[] keyPurposes(Profile p) {
    return p.extendedKeyUsage().stream().map(e -> switch (e) {
      case serverAuth -> KeyPurposeId.id_kp_serverAuth;
      case clientAuth -> KeyPurposeId.id_kp_clientAuth;
      case emailProtection -> KeyPurposeId.id_kp_emailProtection;
    }).toArray(KeyPurposeId[]::new);
  }

  private byte[] issuerKeyId(X509Certificate ca) throws CertificateException {
    byte[] ext = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ext != null) {
      return ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
    }
    return extensionUtils.createSubjectKeyIdentifier(SubjectPublicKeyInfo.getInstance(ca.getPublicKey().getEncoded())).getKeyIdentifier();
  }

  private ContentSigner signer(IssuingCa issuer) throws OperatorCreationException {
    // SHA-256 with RSA; for ECDSA the hash matching the curve (RFC 5480 §4: SHA-384 with P-384).
    String algorithm = KeyAlgorithm.signatureAlgorithmFor(issuer.privateKey());
    if (provider == null) { // unless a benchmark chose the provider: EC keys sign without JCA (EcdsaSigner)
      ContentSigner ec = EcdsaSigner.contentSigner(issuer.privateKey(), algorithm.startsWith("SHA384"));
      if (ec != null) return ec;
    }
    JcaContentSignerBuilder b = new JcaContentSignerBuilder(algorithm);
    b.setProvider(provider != null ? provider : CryptoProviders.forAlgorithm(issuer.privateKey().getAlgorithm()));
    return b.build(issuer.privateKey());
  }
}
