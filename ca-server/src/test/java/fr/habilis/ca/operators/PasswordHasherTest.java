package fr.habilis.ca.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/** Argon2id against RFC 9106 and the reference implementation (libargon2), and the PHC format. */
class PasswordHasherTest {

  /** RFC 9106 §5.3: Argon2id, m=32 KiB, t=3, p=4, with secret and associated data. */
  @Test
  void bouncyCastleArgon2idMatchesRfc9106TestVector() {
    byte[] password = filled(32, 0x01);
    Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(32).withIterations(3).withParallelism(4)
        .withSalt(filled(16, 0x02)).withSecret(filled(8, 0x03)).withAdditional(filled(12, 0x04)).build();
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(p);
    byte[] tag = new byte[32];
    g.generateBytes(password, tag);
    assertArrayEquals(HexFormat.of().parseHex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"), tag);
  }

  /** PHC strings written by libargon2 1.0 (Debian's libargon2-1, argon2id_hash_encoded). */
  @Test
  void verifiesHashesWrittenByTheReferenceImplementation() {
    assertTrue(PasswordHasher.verify("mot de passe très long é".toCharArray(),
        "$argon2id$v=19$m=19456,t=2,p=1$aGFiaWxpcy1zYWx0LTE2Yg$ItWKzBJmjAF+XOoTjQBtewJtJ9WDYh4ZASjedKxakq0"));
    // Other parameters than today's still verify (and are due for a re-hash).
    String old = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$gduXp+Z6iReEolmbyHn5V8s1EtJzmEvZfYoY/Fn/AeI";
    assertTrue(PasswordHasher.verify("password".toCharArray(), old));
    assertTrue(PasswordHasher.needsRehash(old));
    assertFalse(PasswordHasher.verify("passwore".toCharArray(), old));
  }

  @Test
  void hashIsPhcWithTodaysParametersAndAFreshSalt() {
    String a = PasswordHasher.hash("correct horse battery".toCharArray());
    String b = PasswordHasher.hash("correct horse battery".toCharArray());
    assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
    assertNotEquals(a, b);
    assertTrue(PasswordHasher.verify("correct horse battery".toCharArray(), a));
    assertFalse(PasswordHasher.verify("correct horse batterz".toCharArray(), a));
    assertFalse(PasswordHasher.needsRehash(a));
  }

  @Test
  void malformedOrForeignStoredStringsNeverVerify() {
    for (String s : new String[] {null, "", "plain", "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        "$argon2id$v=16$m=19456,t=2,p=1$aGFiaWxpcy1zYWx0LTE2Yg$ItWKzBJmjAF+XOoTjQBtewJtJ9WDYh4ZASjedKxakq0",
        "$argon2id$v=19$m=999999999,t=2,p=1$aGFiaWxpcy1zYWx0LTE2Yg$ItWKzBJmjAF+XOoTjQBtewJtJ9WDYh4ZASjedKxakq0"}) {
      assertFalse(PasswordHasher.verify("password".toCharArray(), s), String.valueOf(s));
    }
  }

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }
}
