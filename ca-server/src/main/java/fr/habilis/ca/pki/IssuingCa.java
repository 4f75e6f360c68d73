package fr.habilis.ca.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * An issuing CA with its delegated OCSP signer. {@code id} is {@code org} (ORG and SERV products)
 * or {@code pro} (PRO products); it appears in CRL and caIssuers URLs.
 */
public record IssuingCa(
    String id,
    X509Certificate certificate,
    PrivateKey privateKey,
    X509Certificate ocspCertificate,
    PrivateKey ocspKey) {}
