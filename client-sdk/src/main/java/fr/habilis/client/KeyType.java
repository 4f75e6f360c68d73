package fr.habilis.client;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

/**
 * The key pair made on the client's machine for a certificate. RSA 2048 is the default because
 * IGC-Santé consumers (teleservices, older Java and Windows stacks) expect it; the private key never
 * leaves the machine: only the CSR, signed by it, is sent.
 */
public enum KeyType {
  RSA_2048("RSA", 2048, "SHA256withRSA"),
  RSA_3072("RSA", 3072, "SHA256withRSA"),
  RSA_4096("RSA", 4096, "SHA256withRSA"),
  EC_P256("EC", 256, "SHA256withECDSA"),
  EC_P384("EC", 384, "SHA384withECDSA");

  private final String algorithm;
  private final int size;
  private final String signatureAlgorithm;

  KeyType(String algorithm, int size, String signatureAlgorithm) {
    this.algorithm = algorithm;
    this.size = size;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** The default for certificates: RSA 2048. */
  public static KeyType defaultType() {
    return RSA_2048;
  }

  /** Parses {@code RSA_2048}, {@code rsa-2048}, {@code EC_P256}, {@code p-256}, {@code ec-p384}… */
  public static KeyType parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (n.equals("P_256") || n.equals("P256")) return EC_P256;
    if (n.equals("P_384") || n.equals("P384")) return EC_P384;
    if (n.equals("RSA")) return RSA_2048;
    for (KeyType t : values()) if (t.name().equals(n)) return t;
    throw new IllegalArgumentException("unknown key type '" + name + "'; one of RSA_2048, RSA_3072, RSA_4096, EC_P256, EC_P384");
  }

  /** The type of an existing public key, or null when it is none of these. */
  public static KeyType of(PublicKey key) {
    if (key instanceof RSAPublicKey) {
      int bits = ((RSAPublicKey) key).getModulus().bitLength();
      for (KeyType t : values()) if (t.algorithm.equals("RSA") && t.size == bits) return t;
    } else if (key instanceof ECPublicKey) {
      int bits = ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
      for (KeyType t : values()) if (t.algorithm.equals("EC") && t.size == bits) return t;
    }
    return null;
  }

  /** A fresh key pair of this type (RSA 4096 takes about a second). */
  public KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) g.initialize(new ECGenParameterSpec(size == 256 ? "secp256r1" : "secp384r1"));
      else g.initialize(size);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate " + this + " keys", e);
    }
  }

  /** The JCA signature algorithm used to sign this key's CSR. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }
}
