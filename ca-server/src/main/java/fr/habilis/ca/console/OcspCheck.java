package fr.habilis.ca.console;

import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.revocation.OcspResponder;
import io.vertx.core.Future;
import java.math.BigInteger;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * What the OCSP responder says of a certificate, asked through the responder itself (the same
 * signed answer a relying party gets, not a reading of the database): good, revoked or unknown.
 */
final class OcspCheck {
  /** The responder's answer; {@code revokedAt} and {@code reason} only when revoked. */
  record Status(String status, String revokedAt, Integer reason) {}

  private OcspCheck() {}

  static Future<Status> of(OcspResponder responder, IssuingCa issuer, BigInteger serial) {
    byte[] request;
    try {
      CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
          new JcaX509CertificateHolder(issuer.certificate()), serial);
      request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    return responder.answer(request).map(answer -> {
      try {
        OCSPResp resp = new OCSPResp(answer.der());
        if (resp.getStatus() != OCSPResp.SUCCESSFUL) return new Status("error", null, null);
        SingleResp single = ((BasicOCSPResp) resp.getResponseObject()).getResponses()[0];
        Object s = single.getCertStatus();
        if (s == null) return new Status("good", null, null);
        if (s instanceof RevokedStatus r) {
          return new Status("revoked", r.getRevocationTime().toInstant().toString(),
              r.hasRevocationReason() ? r.getRevocationReason() : null);
        }
        return new Status(s instanceof UnknownStatus ? "unknown" : "error", null, null);
      } catch (Exception e) {
        throw new IllegalStateException("unreadable OCSP answer", e);
      }
    });
  }
}
