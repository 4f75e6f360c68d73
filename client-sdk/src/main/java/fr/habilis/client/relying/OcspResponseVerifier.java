package fr.habilis.client.relying;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.ResponderID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Decides whether an OCSP response may be believed (RFC 6960 §3.2, §4.2.2.2), and what it says.
 * Any doubt — wrong signer, bad signature, another certificate's answer, stale or future times,
 * missing nonce — makes the response worthless: the caller then tries the CRL, never assumes GOOD.
 */
final class OcspResponseVerifier {
  /** How long a response without nextUpdate is believed after its thisUpdate (RFC 6960 leaves it to the client). */
  static final Duration MAX_AGE_WITHOUT_NEXT_UPDATE = Duration.ofHours(1);
  private static final String OCSP_SIGNING = KeyPurposeId.id_kp_OCSPSigning.getId();
  private static final String[] RESPONSE_STATUS = {"successful", "malformedRequest", "internalError", "tryLater",
      "(4)", "sigRequired", "unauthorized"};

  private final Duration skew;
  private final DigestCalculatorProvider digests;

  OcspResponseVerifier(Duration skew) {
    this.skew = skew;
    try {
      this.digests = new JcaDigestCalculatorProviderBuilder().build();
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("no message digests in this JVM", e);
    }
  }

  DigestCalculatorProvider digests() {
    return digests;
  }

  /**
   * The status that the DER response {@code der} gives for {@code leaf}, if the response is
   * trustworthy at {@code now}; {@code nonce} is the one sent (null if none was).
   */
  RevocationResult verify(byte[] der, URI url, X509Certificate leaf, X509Certificate issuer, byte[] nonce, Instant now)
      throws StatusUnavailableException {
    BasicOCSPResp basic = basicResponse(der, url);
    X509CertificateHolder issuerHolder = holder(issuer);
    String signer = checkSigner(basic, issuer, issuerHolder, url, now);
    if (nonce != null) checkNonce(basic, nonce, url);
    SingleResp single = singleFor(basic, leaf.getSerialNumber(), issuerHolder, url);

    Instant thisUpdate = single.getThisUpdate().toInstant();
    Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
    if (thisUpdate.isAfter(now.plus(skew)) || basic.getProducedAt().toInstant().isAfter(now.plus(skew))) {
      throw invalid(url, "its thisUpdate " + thisUpdate + " is in the future (clock " + now + ")");
    }
    if (nextUpdate != null && !now.isBefore(nextUpdate.plus(skew))) {
      throw invalid(url, "it expired at its nextUpdate " + nextUpdate + " (clock " + now + ")");
    }
    if (nextUpdate == null && thisUpdate.plus(MAX_AGE_WITHOUT_NEXT_UPDATE).isBefore(now)) {
      throw invalid(url, "it has no nextUpdate and its thisUpdate " + thisUpdate + " is over "
          + MAX_AGE_WITHOUT_NEXT_UPDATE.toMinutes() + " minutes old");
    }

    String detail = "OCSP " + url + ", signed by " + signer;
    CertificateStatus status = single.getCertStatus();
    BigInteger serial = leaf.getSerialNumber();
    String subject = CertificateNames.subject(leaf);
    if (status == CertificateStatus.GOOD) {
      return new RevocationResult(RevocationStatus.GOOD, RevocationSource.OCSP, serial, subject, null, null,
          thisUpdate, nextUpdate, false, detail);
    }
    if (status instanceof RevokedStatus) {
      RevokedStatus revoked = (RevokedStatus) status;
      CRLReason reason = reason(revoked.hasRevocationReason() ? revoked.getRevocationReason() : 0);
      return new RevocationResult(RevocationStatus.REVOKED, RevocationSource.OCSP, serial, subject, reason,
          revoked.getRevocationTime().toInstant(), thisUpdate, nextUpdate, false, detail);
    }
    if (status instanceof UnknownStatus) {
      // Authoritative "I never issued this": not a reason to consult the CRL, which cannot list
      // a certificate its CA does not know and would wrongly read as GOOD.
      return new RevocationResult(RevocationStatus.UNKNOWN, RevocationSource.OCSP, serial, subject, null, null,
          thisUpdate, nextUpdate, false, detail + ": the responder does not know this certificate");
    }
    throw invalid(url, "its certificate status is not good, revoked or unknown");
  }

  static CRLReason reason(int code) {
    CRLReason[] all = CRLReason.values(); // the enum's ordinals are the RFC 5280 reason codes
    return code >= 0 && code < all.length ? all[code] : CRLReason.UNSPECIFIED;
  }

  private static BasicOCSPResp basicResponse(byte[] der, URI url) throws StatusUnavailableException {
    OCSPResp resp;
    try {
      resp = new OCSPResp(der);
    } catch (IOException | RuntimeException e) {
      throw invalid(url, "it is not a DER OCSPResponse");
    }
    int status = resp.getStatus();
    if (status != OCSPResp.SUCCESSFUL) {
      String name = status >= 0 && status < RESPONSE_STATUS.length ? RESPONSE_STATUS[status] : "(" + status + ")";
      // tryLater, internalError…: the responder is there but cannot answer now.
      throw new StatusUnavailableException("OCSP " + url + " answered " + name, true);
    }
    try {
      Object object = resp.getResponseObject();
      if (object instanceof BasicOCSPResp) return (BasicOCSPResp) object;
    } catch (OCSPException | RuntimeException e) {
      // reported below
    }
    throw invalid(url, "it is not a basic OCSP response");
  }

  /**
   * The response must be signed by the issuer itself or by a responder certificate that the
   * issuer signed for this purpose (EKU id-kp-OCSPSigning, RFC 6960 §4.2.2.2), included in the
   * response. Returns who signed, for the result's detail.
   */
  private String checkSigner(BasicOCSPResp basic, X509Certificate issuer, X509CertificateHolder issuerHolder,
      URI url, Instant now) throws StatusUnavailableException {
    ResponderID id = basic.getResponderId().toASN1Primitive();
    PublicKey key;
    String signer;
    if (identifies(id, issuerHolder)) {
      key = issuer.getPublicKey();
      signer = "the issuing CA";
    } else {
      X509CertificateHolder responder = null;
      for (X509CertificateHolder c : basic.getCerts()) {
        if (identifies(id, c)) {
          responder = c;
          break;
        }
      }
      if (responder == null) {
        throw invalid(url, "it is signed neither by the issuer nor by a responder certificate it includes");
      }
      X509Certificate cert = checkDelegated(responder, issuer, issuerHolder, url, now);
      key = cert.getPublicKey();
      signer = "delegated responder " + CertificateNames.subject(cert);
    }
    try {
      if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw invalid(url, "its signature does not verify with the key of " + signer);
      }
    } catch (OCSPException | OperatorCreationException e) {
      throw invalid(url, "its signature cannot be checked: " + e.getMessage());
    }
    return signer;
  }

  private X509Certificate checkDelegated(X509CertificateHolder responder, X509Certificate issuer,
      X509CertificateHolder issuerHolder, URI url, Instant now) throws StatusUnavailableException {
    X509Certificate cert;
    try {
      cert = new JcaX509CertificateConverter().getCertificate(responder);
    } catch (CertificateException e) {
      throw invalid(url, "its responder certificate cannot be decoded");
    }
    String who = "responder certificate " + CertificateNames.subject(cert);
    try {
      if (!responder.getIssuer().equals(issuerHolder.getSubject())
          || !responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
        throw invalid(url, "its " + who + " is not issued by the certificate's issuer "
            + CertificateNames.subject(issuer));
      }
    } catch (org.bouncycastle.cert.CertException | OperatorCreationException e) {
      throw invalid(url, "its " + who + " has a signature that cannot be checked: " + e.getMessage());
    }
    List<String> eku;
    try {
      eku = cert.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      eku = null;
    }
    if (eku == null || !eku.contains(OCSP_SIGNING)) {
      throw invalid(url, "its " + who + " lacks the OCSPSigning extended key usage: the issuer did not delegate OCSP to it");
    }
    boolean[] ku = cert.getKeyUsage();
    if (ku != null && !ku[0]) throw invalid(url, "its " + who + " may not sign (no digitalSignature key usage)");
    if (!responder.isValidOn(Date.from(now))) {
      throw invalid(url, "its " + who + " is not valid at " + now + " (valid " + cert.getNotBefore().toInstant()
          + " to " + cert.getNotAfter().toInstant() + ")");
    }
    // The responder certificate's own revocation is not checked: Habilis marks it id-pkix-ocsp-nocheck
    // (RFC 6960 §4.2.2.2.1), and asking OCSP about the OCSP signer would go round in circles.
    return cert;
  }

  /** ResponderID byName (compared as names, not bytes) or byKey (SHA-1 of the public key bits). */
  private static boolean identifies(ResponderID id, X509CertificateHolder cert) {
    if (id.getName() != null) return X500Name.getInstance(id.getName()).equals(cert.getSubject());
    byte[] keyHash = id.getKeyHash();
    if (keyHash == null) return false;
    try {
      byte[] actual = MessageDigest.getInstance("SHA-1")
          .digest(cert.getSubjectPublicKeyInfo().getPublicKeyData().getBytes());
      return MessageDigest.isEqual(actual, keyHash);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void checkNonce(BasicOCSPResp basic, byte[] nonce, URI url) throws StatusUnavailableException {
    Extension ext = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
    byte[] echoed = null;
    if (ext != null) {
      try {
        echoed = ASN1OctetString.getInstance(ext.getParsedValue()).getOctets();
      } catch (RuntimeException e) {
        echoed = null;
      }
    }
    if (echoed == null || !Arrays.equals(echoed, nonce)) {
      throw invalid(url, "it does not echo the request's nonce (a replayed or pre-signed response)");
    }
  }

  /**
   * The SingleResp for this serial and issuer, whichever hash algorithm the responder chose for
   * its CertID (the issuer's name and key hashes are recomputed with it).
   */
  private SingleResp singleFor(BasicOCSPResp basic, BigInteger serial, X509CertificateHolder issuer, URI url)
      throws StatusUnavailableException {
    for (SingleResp r : basic.getResponses()) {
      CertificateID id = r.getCertID();
      try {
        if (id.getSerialNumber().equals(serial) && id.matchesIssuer(issuer, digests)) return r;
      } catch (OCSPException | RuntimeException e) {
        // an unsupported hash algorithm in this entry: it cannot be ours
      }
    }
    throw invalid(url, "it does not answer for this certificate (no matching CertID)");
  }

  static X509CertificateHolder holder(X509Certificate cert) throws StatusUnavailableException {
    try {
      return new JcaX509CertificateHolder(cert);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new StatusUnavailableException("cannot encode " + CertificateNames.subject(cert), false);
    }
  }

  private static StatusUnavailableException invalid(URI url, String why) {
    return new StatusUnavailableException("OCSP response from " + url + " rejected: " + why, false);
  }
}
