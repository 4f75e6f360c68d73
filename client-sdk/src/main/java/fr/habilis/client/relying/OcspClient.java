package fr.habilis.client.relying;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Asks one OCSP responder about one certificate: builds the request, POSTs it
 * ({@code application/ocsp-request}) and hands the answer to {@link OcspResponseVerifier}.
 */
final class OcspClient {
  /** Habilis responses are under 1 KB; a larger answer is not an OCSP response for one certificate. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final int NONCE_BYTES = 16; // RFC 8954: at least 1, at most 32 octets

  private final HttpFetcher http;
  private final OcspResponseVerifier verifier;
  private final boolean useNonce;
  private final SecureRandom random = new SecureRandom();

  OcspClient(HttpFetcher http, OcspResponseVerifier verifier, boolean useNonce) {
    this.http = http;
    this.verifier = verifier;
    this.useNonce = useNonce;
  }

  RevocationResult query(URI url, X509Certificate leaf, X509Certificate issuer, Instant now)
      throws StatusUnavailableException {
    byte[] nonce = null;
    if (useNonce) {
      nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
    }
    byte[] request = request(leaf, issuer, nonce);
    byte[] response = http.post(url, "application/ocsp-request", request, "application/ocsp-response",
        MAX_RESPONSE_BYTES);
    return verifier.verify(response, url, leaf, issuer, nonce, now);
  }

  /**
   * One CertID hashed with SHA-1: the hash every responder supports (RFC 5019 §2.1.1) and the
   * form for which Habilis keeps pre-signed answers; it only identifies the issuer, so SHA-1's
   * collision weakness does not matter here.
   */
  private byte[] request(X509Certificate leaf, X509Certificate issuer, byte[] nonce) throws StatusUnavailableException {
    try {
      CertificateID id = new CertificateID(verifier.digests().get(CertificateID.HASH_SHA1),
          OcspResponseVerifier.holder(issuer), leaf.getSerialNumber());
      OCSPReqBuilder b = new OCSPReqBuilder().addRequest(id);
      if (nonce != null) {
        // RFC 8954: the extension's value is the DER of an OCTET STRING holding the nonce.
        b.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
            new DEROctetString(new DEROctetString(nonce).getEncoded()))));
      }
      return b.build().getEncoded();
    } catch (OCSPException | OperatorCreationException | IOException e) {
      throw new StatusUnavailableException("cannot build an OCSP request: " + e.getMessage(), false);
    }
  }
}
