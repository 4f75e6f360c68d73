package fr.habilis.client.output;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A tiny IGC-Santé-like hierarchy, made once per test run: root, issuing CA, an RSA and an EC leaf. */
final class TestPki {

  /** A leaf's key, its chain as the platform delivers it (leaf, issuing CA), and the root. */
  record Issued(String name, PrivateKey key, List<X509Certificate> chain, X509Certificate root) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    X509Certificate ca() {
      return chain.get(1);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final Issued RSA;
  static final Issued EC;

  private static final AtomicLong SERIAL = new AtomicLong(1000);

  static {
    try {
      KeyPair rootKeys = ec();
      X509Certificate root = certificate("CN=Habilis Test Root,O=Habilis,C=FR", rootKeys.getPublic(),
          "CN=Habilis Test Root,O=Habilis,C=FR", rootKeys, true);
      KeyPair caKeys = ec();
      String caName = "CN=Habilis Test CA Personnes Morales,O=Habilis,C=FR";
      X509Certificate ca = certificate(caName, caKeys.getPublic(),
          "CN=Habilis Test Root,O=Habilis,C=FR", rootKeys, true);
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      KeyPair rsaLeaf = rsa.generateKeyPair();
      KeyPair ecLeaf = ec();
      RSA = new Issued("RSA-2048", rsaLeaf.getPrivate(), List.of(certificate(
          "CN=cabinet-dupont.test,OU=499700000000001,O=Cabinet Dupont,C=FR", rsaLeaf.getPublic(),
          caName, caKeys, false), ca), root);
      EC = new Issued("EC-P256", ecLeaf.getPrivate(), List.of(certificate(
          "CN=laboratoire-martin.test,OU=499700000000002,O=Laboratoire Martin,C=FR", ecLeaf.getPublic(),
          caName, caKeys, false), ca), root);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TestPki() {
  }

  static List<Issued> both() {
    return List.of(RSA, EC);
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate certificate(String subject, PublicKey key, String issuer, KeyPair issuerKeys,
      boolean ca) throws Exception {
    Instant now = Instant.now();
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(365))), new X500Name(subject), key)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
        .addExtension(Extension.keyUsage, true, new KeyUsage(ca
            ? KeyUsage.keyCertSign | KeyUsage.cRLSign
            : KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
        .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
        .addExtension(Extension.authorityKeyIdentifier, false,
            extensions.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }
}
