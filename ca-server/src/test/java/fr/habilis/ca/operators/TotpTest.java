package fr.habilis.ca.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** RFC 6238 Appendix B's SHA-1 test vectors, the ±1 step window and replay refusal. */
class TotpTest {
  private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @Test
  void rfc6238AppendixBSha1Vectors() {
    long[] times = {59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L};
    String[] codes = {"94287082", "07081804", "14050471", "89005924", "69279037", "65353130"};
    for (int i = 0; i < times.length; i++) {
      long step = Totp.step(Instant.ofEpochSecond(times[i]));
      assertEquals(codes[i], Totp.code(SEED, step, 8), "T=" + times[i]);
      // Six digits are the same truncation modulo 10^6: the last six of the eight.
      assertEquals(codes[i].substring(2), Totp.code(SEED, step, 6), "T=" + times[i]);
    }
  }

  @Test
  void acceptsOneStepEitherSideAndNoFurther() {
    Instant now = Instant.ofEpochSecond(1111111111L);
    long step = Totp.step(now);
    for (long s = step - 1; s <= step + 1; s++) {
      assertEquals(OptionalLong.of(s), Totp.match(SEED, Totp.code(SEED, s, 6), now, null));
    }
    assertTrue(Totp.match(SEED, Totp.code(SEED, step - 2, 6), now, null).isEmpty());
    assertTrue(Totp.match(SEED, Totp.code(SEED, step + 2, 6), now, null).isEmpty());
  }

  @Test
  void aCodeOfAStepAlreadyUsedOrEarlierIsRefused() {
    Instant now = Instant.ofEpochSecond(1234567890L);
    long step = Totp.step(now);
    String code = Totp.code(SEED, step, 6);
    assertEquals(OptionalLong.of(step), Totp.match(SEED, code, now, step - 1));
    assertTrue(Totp.match(SEED, code, now, step).isEmpty());
    assertTrue(Totp.match(SEED, Totp.code(SEED, step - 1, 6), now, step).isEmpty());
  }

  @Test
  void malformedCodesNeverMatch() {
    Instant now = Instant.ofEpochSecond(59);
    for (String c : new String[] {null, "", "28708", "2870822", "abcdef", " 287082"}) {
      assertTrue(Totp.match(SEED, c, now, null).isEmpty(), String.valueOf(c));
    }
  }

  @Test
  void secretIsBase32InTheKeyUri() {
    assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.base32(SEED)); // RFC 4648 §10 alphabet, as apps expect
    assertEquals("otpauth://totp/Habilis%20RA:marie.dupont?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Habilis%20RA"
        + "&algorithm=SHA1&digits=6&period=30", Totp.uri("Habilis RA", "marie.dupont", SEED));
  }
}
