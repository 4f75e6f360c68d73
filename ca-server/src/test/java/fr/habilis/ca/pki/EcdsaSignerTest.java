package fr.habilis.ca.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.Test;

/**
 * The CA's ECDSA signatures made without JCA verify with the JDK's own provider (SunEC, another
 * implementation), name the right algorithm, and are deterministic (RFC 6979): the same message
 * signed twice gives the same signature, another message another one.
 */
class EcdsaSignerTest {
  @Test
  void signaturesVerifyWithTheJdkAndAreDeterministic() throws Exception {
    for (String[] c : new String[][] {{"secp256r1", "SHA256withECDSA"}, {"secp384r1", "SHA384withECDSA"}, {"secp384r1", "SHA256withECDSA"}}) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
      g.initialize(new ECGenParameterSpec(c[0]));
      KeyPair kp = g.generateKeyPair();
      boolean sha384 = c[1].startsWith("SHA384");
      byte[] message = ("to be signed with " + c[0] + " " + c[1]).getBytes();
      byte[] first = sign(kp, sha384, message);
      Signature v = Signature.getInstance(c[1], "SunEC");
      v.initVerify(kp.getPublic());
      v.update(message);
      assertTrue(v.verify(first), c[0] + " " + c[1]);
      assertArrayEquals(first, sign(kp, sha384, message), "RFC 6979: deterministic");
      assertTrue(!java.util.Arrays.equals(first, sign(kp, sha384, "another".getBytes())));
      assertEquals(sha384 ? X9ObjectIdentifiers.ecdsa_with_SHA384 : X9ObjectIdentifiers.ecdsa_with_SHA256,
          EcdsaSigner.contentSigner(kp.getPrivate(), sha384).getAlgorithmIdentifier().getAlgorithm());
    }
  }

  @Test
  void otherKeysAreLeftToJca() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    assertNull(EcdsaSigner.contentSigner(rsa.generateKeyPair().getPrivate(), false));
    KeyPairGenerator p521 = KeyPairGenerator.getInstance("EC");
    p521.initialize(new ECGenParameterSpec("secp521r1"));
    assertNull(EcdsaSigner.contentSigner(p521.generateKeyPair().getPrivate(), false));
  }

  private static byte[] sign(KeyPair kp, boolean sha384, byte[] message) throws Exception {
    ContentSigner s = EcdsaSigner.contentSigner(kp.getPrivate(), sha384);
    s.getOutputStream().write(message);
    return s.getSignature();
  }
}
