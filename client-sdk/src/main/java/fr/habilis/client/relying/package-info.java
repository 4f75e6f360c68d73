/**
 * Revocation checking for relying parties: teleservices (INSi, DMP…) that accept Habilis
 * certificates as TLS client certificates and must refuse revoked ones.
 *
 * <p>{@link fr.habilis.client.relying.RevocationChecker} validates a chain to configured trust
 * anchors, applies optional {@link fr.habilis.client.relying.CertificateRule rules} (such as the
 * INSi service name), then asks the certificate's OCSP responder and falls back to its CRL; answers
 * are verified, cached until their nextUpdate and shared between threads.
 * {@link fr.habilis.client.relying.RevocationCheckingTrustManager} plugs it into a Java TLS server
 * so that a revoked client certificate fails the handshake.
 *
 * <pre>{@code
 * RevocationChecker checker = RevocationChecker.builder()
 *     .trustAnchor(habilisRoot)
 *     .requireInsiServiceName()
 *     .build();
 * SSLContext tls = RevocationCheckingTrustManager.sslContext(serverKeyManagers, checker);
 * }</pre>
 */
package fr.habilis.client.relying;
