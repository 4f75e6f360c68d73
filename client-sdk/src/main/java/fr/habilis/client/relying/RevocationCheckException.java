package fr.habilis.client.relying;

import java.security.cert.CertificateException;

/**
 * A certificate the relying party must refuse, with the reason as a {@link Failure} and, when
 * revocation sources were consulted, their {@link RevocationResult}. Being a
 * {@link CertificateException}, it is what an {@link javax.net.ssl.X509TrustManager} throws to make
 * JSSE abort the handshake. The message is written for an operator reading a log.
 */
public class RevocationCheckException extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** Why the certificate is refused. */
  public enum Failure {
    /** The chain does not validate (PKIX) to the configured trust anchors, or is empty. */
    UNTRUSTED_PATH,
    /** A {@link CertificateRule}, such as the INSi service name, refuses the certificate. */
    RULE_VIOLATED,
    /** The certificate is revoked. */
    REVOKED,
    /** No revocation status could be obtained and the checker is fail-closed. */
    STATUS_UNAVAILABLE
  }

  private final Failure failure;
  private final transient RevocationResult result;

  public RevocationCheckException(Failure failure, String message, RevocationResult result, Throwable cause) {
    super(message, cause);
    this.failure = failure;
    this.result = result;
  }

  public Failure failure() {
    return failure;
  }

  /** The revocation status that led to the refusal; null for {@link Failure#UNTRUSTED_PATH} and {@link Failure#RULE_VIOLATED}. */
  public RevocationResult result() {
    return result;
  }
}
