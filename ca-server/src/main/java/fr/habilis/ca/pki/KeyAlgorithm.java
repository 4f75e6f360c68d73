package fr.habilis.ca.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** CA key types; {@link #signatureAlgorithmFor} says what each key signs with. */
public enum KeyAlgorithm {
  RSA_4096("RSA", 4096),
  RSA_2048("RSA", 2048),
  EC_P384("EC", 384),
  EC_P256("EC", 256);

  private final String family;
  private final int size;

  KeyAlgorithm(String family, int size) {
    this.family = family;
    this.size = size;
  }

  /** Parses the configuration spelling: RSA-4096, RSA-2048, EC-P384, EC-P256. */
  public static KeyAlgorithm fromSetting(String value) {
    return valueOf(value.replace('-', '_'));
  }

  public KeyPair generate() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(family);
    if (family.equals("RSA")) {
      g.initialize(new RSAKeyGenParameterSpec(size, RSAKeyGenParameterSpec.F4), new SecureRandom());
    } else {
      g.initialize(new ECGenParameterSpec(size == 384 ? "secp384r1" : "secp256r1"), new SecureRandom());
    }
    return g.generateKeyPair();
  }

  /** The signature algorithm an existing key signs with (SHA-384 for P-384, per RFC 5480 §4). */
  public static String signatureAlgorithmFor(PrivateKey key) {
    if (key instanceof ECKey ec) {
      return ec.getParams().getOrder().bitLength() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    return "SHA256withRSA";
  }
}
