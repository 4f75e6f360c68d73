package fr.habilis.ca.issuance;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Key pairs and CSRs for tests. */
final class Keys {
  private Keys() {}

  /** EC-P256, EC-P384, EC-P521, EC-secp256k1, RSA-1024, RSA-2048, RSA-4096, Ed25519. */
  static KeyPair generate(String algorithm) {
    try {
      if (algorithm.startsWith("EC-")) {
        String curve = switch (algorithm) {
          case "EC-P256" -> "secp256r1";
          case "EC-P384" -> "secp384r1";
          case "EC-P521" -> "secp521r1";
          default -> algorithm.substring(3);
        };
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CryptoProviders.BC);
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
      }
      if (algorithm.startsWith("RSA-")) {
        return rsa(Integer.parseInt(algorithm.substring(4)), RSAKeyGenParameterSpec.F4);
      }
      return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa(int bits, BigInteger exponent) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(new RSAKeyGenParameterSpec(bits, exponent));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A DER PKCS#10 request for {@code keys}, self-signed with the usual algorithm. */
  static byte[] csr(KeyPair keys) {
    try {
      String alg = switch (keys.getPublic().getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        case "DSA" -> "SHA256withDSA";
        case "EdDSA", "Ed25519" -> "Ed25519";
        default -> keys.getPublic().getAlgorithm();
      };
      return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=ignored"), keys.getPublic())
          .build(new JcaContentSignerBuilder(alg).setProvider(CryptoProviders.BC).build(keys.getPrivate()))
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
