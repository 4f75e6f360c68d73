package fr.habilis.client.output;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Refuses inputs that would produce files a server or a user cannot use: a key that does not belong
 * to the certificate, a chain out of order. Such files would only fail later, far from the cause.
 */
final class Checks {

  private Checks() {
  }

  /** The chain is not empty and each certificate's issuer is the next one's subject. */
  static void chain(List<X509Certificate> chain) {
    if (chain == null || chain.isEmpty()) {
      throw new IllegalArgumentException("the certificate chain is empty");
    }
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i) == null) {
        throw new IllegalArgumentException("certificate " + i + " of the chain is null");
      }
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        throw new IllegalArgumentException("the chain is not in order (leaf first, then its issuers): "
            + "certificate " + i + " (" + child.getSubjectX500Principal() + ") was issued by "
            + child.getIssuerX500Principal() + ", not by certificate " + (i + 1) + " ("
            + issuer.getSubjectX500Principal() + ")");
      }
    }
  }

  /** The key's PKCS#8 encoding; a key that cannot be exported (hardware token) is refused. */
  static byte[] pkcs8(PrivateKey key) {
    if (key == null) {
      throw new IllegalArgumentException("the private key is missing");
    }
    byte[] encoded = key.getEncoded();
    if (encoded == null || !"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("the private key cannot be exported (format "
          + key.getFormat() + "); only a software key can be written to a file");
    }
    return encoded;
  }

  /**
   * The key belongs to the leaf certificate: a signature made with it verifies with the
   * certificate's public key. Checked for RSA and EC keys, the ones the platform issues for.
   */
  static void keyMatches(PrivateKey key, X509Certificate leaf) {
    String algorithm = key.getAlgorithm();
    if (!algorithm.equals(leaf.getPublicKey().getAlgorithm())) {
      throw new IllegalArgumentException("the private key (" + algorithm + ") does not belong to the certificate "
          + leaf.getSubjectX500Principal() + " (" + leaf.getPublicKey().getAlgorithm() + ")");
    }
    String signatureAlgorithm;
    if ("RSA".equals(algorithm)) {
      signatureAlgorithm = "SHA256withRSA";
    } else if ("EC".equals(algorithm)) {
      signatureAlgorithm = "SHA256withECDSA";
    } else {
      return;
    }
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(signatureAlgorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureAlgorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // e.g. an EC key on another curve than the certificate's
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException("the private key does not belong to the certificate "
          + leaf.getSubjectX500Principal());
    }
  }
}
