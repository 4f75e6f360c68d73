package fr.habilis.ca.operators;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords, RFC 6238 with the defaults every authenticator app uses:
 * HMAC-SHA-1 (RFC 4226 §5.3 dynamic truncation), 6 digits, 30-second steps from the Unix epoch.
 * A code is accepted in the current step or one step either side (RFC 6238 §5.2's allowance for
 * clock drift and typing time); the caller stores the step that matched and refuses any step not
 * after it, so a code cannot be replayed.
 */
public final class Totp {
  public static final int DIGITS = 6;
  public static final long STEP_SECONDS = 30;
  static final int SECRET_BYTES = 20; // 160 bits: RFC 4226 §4's recommended length for HMAC-SHA-1
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private Totp() {}

  public static byte[] newSecret() {
    byte[] s = new byte[SECRET_BYTES];
    RANDOM.nextBytes(s);
    return s;
  }

  public static long step(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
  }

  /** The code of {@code step} with {@code digits} digits (RFC 4226 §5.3, T as the counter). */
  public static String code(byte[] secret, long step, int digits) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret, "HmacSHA1"));
      byte[] h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
      int offset = h[h.length - 1] & 0x0f;
      int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
          | (h[offset + 3] & 0xff);
      int otp = binary % (int) Math.pow(10, digits);
      return String.format("%0" + digits + "d", otp);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  /**
   * The step (now − 1, now or now + 1) whose code is {@code code} and is after {@code lastUsedStep}
   * (null: none used yet); empty when none matches. Every candidate is compared in constant time.
   */
  public static OptionalLong match(byte[] secret, String code, Instant now, Long lastUsedStep) {
    if (code == null || !code.matches("[0-9]{" + DIGITS + "}")) return OptionalLong.empty();
    long current = step(now);
    OptionalLong found = OptionalLong.empty();
    for (long s = current - 1; s <= current + 1; s++) {
      boolean equal = MessageDigest.isEqual(code(secret, s, DIGITS).getBytes(StandardCharsets.US_ASCII),
          code.getBytes(StandardCharsets.US_ASCII));
      if (equal && (lastUsedStep == null || s > lastUsedStep) && found.isEmpty()) found = OptionalLong.of(s);
    }
    return found;
  }

  /** RFC 4648 base32 without padding, as authenticator apps take the secret. */
  public static String base32(byte[] data) {
    StringBuilder b = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte d : data) {
      buffer = (buffer << 8) | (d & 0xff);
      bits += 8;
      while (bits >= 5) {
        b.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) b.append(BASE32[(buffer << (5 - bits)) & 31]);
    return b.toString();
  }

  /** The Key Uri Format authenticator apps scan: {@code otpauth://totp/Issuer:login?secret=…&issuer=…}. */
  public static String uri(String issuer, String login, byte[] secret) {
    String i = URLEncoder.encode(issuer, StandardCharsets.UTF_8).replace("+", "%20");
    String l = URLEncoder.encode(login, StandardCharsets.UTF_8).replace("+", "%20");
    return "otpauth://totp/" + i + ":" + l + "?secret=" + base32(secret) + "&issuer=" + i
        + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
  }
}
