package fr.habilis.ca.pki;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The CA's 256-bit secret: a secret-key entry of the CA keystore (alias {@code caSecretAlias}),
 * so that what it protects in the database (EAB HMAC keys) or outside it (audit checkpoints) is
 * worth nothing to whoever has the database without the keystore. Each use gets its own key,
 * derived with HKDF-SHA256 (RFC 5869) under a purpose label: no key serves two purposes.
 */
public final class CaSecret {
  private final byte[] ikm;

  public CaSecret(byte[] secret) {
    if (secret == null || secret.length < 32) throw new IllegalArgumentException("the CA secret must have at least 256 bits");
    this.ikm = secret.clone();
  }

  /** A 256-bit key for {@code purpose} (e.g. "eab-hmac-key-encryption/v1"), for the JCA algorithm {@code algorithm}. */
  public SecretKey derive(String purpose, String algorithm) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, null, ("habilis/" + purpose).getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return new SecretKeySpec(out, algorithm);
  }

  @Override
  public String toString() {
    return "CaSecret[***]";
  }
}
