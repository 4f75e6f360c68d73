package fr.habilis.ca.issuance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The key fingerprint stored in {@code certificates.key_hash} and {@code blocked_keys.key_hash}:
 * lowercase hex SHA-256 of the DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), the same value as
 * {@code openssl pkey -pubin -outform DER | sha256sum}.
 */
public final class KeyHash {
  private KeyHash() {}

  public static String of(SubjectPublicKeyInfo spki) {
    try {
      return ofDer(spki.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link PublicKey#getEncoded()} is the X.509 SubjectPublicKeyInfo DER for RSA and EC keys. */
  public static String of(PublicKey key) {
    return ofDer(key.getEncoded());
  }

  private static String ofDer(byte[] der) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
