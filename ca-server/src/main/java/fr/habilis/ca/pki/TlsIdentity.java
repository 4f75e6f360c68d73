package fr.habilis.ca.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** The HTTPS listener's key and certificate chain (leaf first). */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain) {}
