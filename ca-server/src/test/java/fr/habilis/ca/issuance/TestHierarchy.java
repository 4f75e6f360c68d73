package fr.habilis.ca.issuance;

import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.pki.IssuingCa;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small root + org + pro hierarchy for issuance tests, built with Bouncy Castle.
 * TEMPORARY: to be replaced by the lead's pki.HierarchyGenerator once it lands in main.
 */
final class TestHierarchy {
  private TestHierarchy() {}

  /** {@code algorithm}: EC-P384 (fast), EC-P256, RSA-2048 or RSA-4096. */
  static CaHierarchy generate(String algorithm) {
    return generate(algorithm, Duration.ofDays(3650));
  }

  static CaHierarchy generate(String algorithm, Duration issuingLifetime) {
    KeyPair rootKeys = Keys.generate(algorithm);
    X500Name rootName = new X500Name("C=FR, O=HABILIS, OU=HABILIS TEST, CN=TEST AC RACINE HABILIS");
    X509Certificate root = ca(rootName, rootKeys, rootName, rootKeys.getPrivate(), rootKeys, Duration.ofDays(7300), null);
    return new CaHierarchy(root, rootKeys.getPrivate(),
        issuing("org", "TEST AC HABILIS ORGANISATIONS", algorithm, root, rootKeys.getPrivate(), issuingLifetime),
        issuing("pro", "TEST AC HABILIS PERSONNES", algorithm, root, rootKeys.getPrivate(), issuingLifetime));
  }

  private static IssuingCa issuing(String id, String cn, String algorithm, X509Certificate root, PrivateKey rootKey, Duration lifetime) {
    KeyPair keys = Keys.generate(algorithm);
    X500Name name = new X500Name("C=FR, O=HABILIS, OU=HABILIS TEST, CN=" + cn);
    X500Name rootName = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
    return new IssuingCa(id, ca(name, keys, rootName, rootKey, null, lifetime, root), keys.getPrivate(), null, null);
  }

  private static X509Certificate ca(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey signingKey, KeyPair selfSigned,
      Duration lifetime, X509Certificate issuerCert) {
    try {
      Instant now = Instant.now();
      BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
          Date.from(now.minusSeconds(3600)), Date.from(now.plus(lifetime)), subject, spki);
      b.addExtension(Extension.basicConstraints, true, issuerCert == null ? new BasicConstraints(true) : new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
      if (issuerCert != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false,
            utils.createAuthorityKeyIdentifier(SubjectPublicKeyInfo.getInstance(issuerCert.getPublicKey().getEncoded())));
      }
      PrivateKey signer = selfSigned != null ? selfSigned.getPrivate() : signingKey;
      var certSigner = new JcaContentSignerBuilder(CertificateBuilder.signatureAlgorithm(
          selfSigned != null ? selfSigned.getPublic() : issuerCert.getPublicKey())).setProvider(CryptoProviders.BC).build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(certSigner));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
