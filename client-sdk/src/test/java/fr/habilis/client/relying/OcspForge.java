package fr.habilis.client.relying;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** Crafts OCSP responses, responder certificates and CRLs with Bouncy Castle, honest or not. */
final class OcspForge {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private OcspForge() {}

  /**
   * A successful response about {@code serial} (CertID hashed with SHA-1 over {@code issuer}),
   * signed by {@code signerKey}, naming {@code signerCert} as responder (by key hash) and including
   * it unless it is the issuer itself.
   */
  static byte[] response(X509Certificate issuer, BigInteger serial, CertificateStatus status, Instant thisUpdate,
      Instant nextUpdate, PrivateKey signerKey, X509Certificate signerCert) throws Exception {
    var digests = new JcaDigestCalculatorProviderBuilder().build();
    CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer), serial);
    BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(
        new RespID(SubjectPublicKeyInfo.getInstance(signerCert.getPublicKey().getEncoded()), digests.get(CertificateID.HASH_SHA1)));
    b.addResponse(id, status, Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate), null);
    X509CertificateHolder[] chain = signerCert.equals(issuer) ? null
        : new X509CertificateHolder[] {new JcaX509CertificateHolder(signerCert)};
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signerKey), chain, Date.from(thisUpdate))).getEncoded();
  }

  /** A certificate for {@code key} named {@code subject}, signed by {@code issuerKey} in the name of {@code issuerName}. */
  static X509Certificate certificate(X500Name issuerName, PrivateKey issuerKey, X500Name subject, PublicKey key,
      boolean ca, KeyPurposeId eku) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject, key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (eku != null) b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  /** A CRL in the name of {@code issuer}, signed by {@code key}, listing {@code revoked} (keyCompromise). */
  static byte[] crl(X509Certificate issuer, PrivateKey key, Instant thisUpdate, Instant nextUpdate, BigInteger... revoked)
      throws Exception {
    X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
        Date.from(thisUpdate));
    b.setNextUpdate(Date.from(nextUpdate));
    for (BigInteger s : revoked) b.addCRLEntry(s, Date.from(thisUpdate), CRLReason.keyCompromise);
    X509CRL crl = new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    return crl.getEncoded();
  }

  static X500Name name(X509Certificate cert) {
    return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
  }

  static KeyPair key() throws Exception {
    return HabilisCa.ecKey();
  }
}
