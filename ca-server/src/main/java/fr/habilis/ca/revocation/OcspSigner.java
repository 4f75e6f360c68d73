package fr.habilis.ca.revocation;

import fr.habilis.ca.issuance.CryptoProviders;
import fr.habilis.ca.pki.EcdsaSigner;
import fr.habilis.ca.pki.IssuingCa;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs OCSP responses for one issuing CA with its delegated OCSP key. Everything that does not
 * depend on the request (responder id, certificate chain, the signature engine) is prepared once:
 * a nonce response then costs one response build and one signature.
 */
final class OcspSigner {
  private final RespID responderId;
  private final X509CertificateHolder[] chain;
  /** A ContentSigner is a stateful stream over a Signature: one per signing thread, reused. */
  private final ThreadLocal<ContentSigner> signers;
  private final java.security.cert.X509Certificate certificate;

  OcspSigner(IssuingCa ca) throws Exception {
    this.certificate = ca.ocspCertificate();
    this.responderId = new RespID(SubjectPublicKeyInfo.getInstance(ca.ocspCertificate().getPublicKey().getEncoded()),
        new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1));
    this.chain = new X509CertificateHolder[] {new JcaX509CertificateHolder(ca.ocspCertificate())};
    PrivateKey key = ca.ocspKey();
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    JcaContentSignerBuilder builder = new JcaContentSignerBuilder(algorithm)
        .setProvider(CryptoProviders.forAlgorithm(key.getAlgorithm()));
    builder.build(key); // fail at start, not at the first request, if the key cannot sign
    this.signers = ThreadLocal.withInitial(() -> {
      try {
        ContentSigner ec = EcdsaSigner.contentSigner(key, false); // EC keys: without JCA
        return ec != null ? ec : builder.build(key);
      } catch (OperatorCreationException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The responder certificate this signer's responses carry. */
  java.security.cert.X509Certificate certificate() {
    return certificate;
  }

  /** A response must not outlive the certificate that signs it: nextUpdate is capped at its notAfter. */
  Instant capped(Instant nextUpdate) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    return nextUpdate.isAfter(notAfter) ? notAfter : nextUpdate;
  }

  /**
   * RevokedInfo with the reason, or without one for unspecified (0): RFC 5280 §5.3.1 says the CRL
   * entry SHOULD then carry no reason code, and both channels must say the same thing.
   */
  private static RevokedStatus revoked(OcspResponder.Status s) {
    Date at = Date.from(s.revokedAt());
    return s.reason() == 0 ? new RevokedStatus(new RevokedInfo(new ASN1GeneralizedTime(at), null))
        : new RevokedStatus(at, s.reason());
  }

  /** A complete, DER-encoded OCSPResponse (status successful) for these certificates. */
  byte[] sign(List<CertificateID> ids, List<OcspResponder.Status> statuses, Extension nonce, Instant now, Instant nextUpdate)
      throws Exception {
    BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(responderId);
    Date thisUpdate = Date.from(now);
    for (int i = 0; i < ids.size(); i++) {
      OcspResponder.Status s = statuses.get(i);
      CertificateStatus status = !s.known() ? new UnknownStatus()
          : s.revoked() ? revoked(s)
          : CertificateStatus.GOOD;
      b.addResponse(ids.get(i), status, thisUpdate, s.known() ? Date.from(nextUpdate) : null, null);
    }
    if (nonce != null) b.setResponseExtensions(new Extensions(nonce));
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, b.build(signers.get(), chain, thisUpdate)).getEncoded();
  }
}
