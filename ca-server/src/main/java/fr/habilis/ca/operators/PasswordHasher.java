package fr.habilis.ca.operators;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Operator passwords with Argon2id (RFC 9106), stored as a PHC string
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (unpadded standard base64, as the reference
 * implementation and libsodium write it): a hash keeps the parameters it was made with, so they can
 * be raised later and old hashes still verify ({@link #needsRehash} says when to re-hash at sign-in).
 *
 * <p>Parameters: 19 MiB, 2 passes, 1 lane is OWASP's Password Storage Cheat Sheet baseline for
 * Argon2id; RFC 9106 §4's second recommendation (64 MiB, t=3) costs about five times more per
 * sign-in on the 2-core machines the CA runs on, where sign-ins share the worker pool with issuance,
 * and the lockout already bounds on-line guessing. This is about the off-line cost for whoever steals
 * the table: ~50 ms and 19 MiB per guess per core.
 */
public final class PasswordHasher {
  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  private PasswordHasher() {}

  /** A fresh salt, the current parameters. */
  public static String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return format(MEMORY_KIB, ITERATIONS, PARALLELISM, salt, derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES));
  }

  /** Constant-time comparison; false for a malformed stored string (never an exception). */
  public static boolean verify(char[] password, String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) return false;
    int memory = Integer.parseInt(m.group(1));
    int iterations = Integer.parseInt(m.group(2));
    int parallelism = Integer.parseInt(m.group(3));
    if (memory < 8 * parallelism || iterations < 1 || parallelism < 1 || memory > 4 * 1024 * 1024) return false;
    byte[] salt = Base64.getDecoder().decode(m.group(4));
    byte[] expected = Base64.getDecoder().decode(m.group(5));
    byte[] actual = derive(password, salt, memory, iterations, parallelism, expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  /** True when {@code phc} was made with other parameters than today's. */
  public static boolean needsRehash(String phc) {
    return phc == null || !phc.startsWith("$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$");
  }

  static String format(int memory, int iterations, int parallelism, byte[] salt, byte[] hash) {
    return "$argon2id$v=19$m=" + memory + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(hash);
  }

  /** Argon2id over the password's UTF-8 bytes (the reference implementation's input). */
  static byte[] derive(char[] password, byte[] salt, int memory, int iterations, int parallelism, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memory).withIterations(iterations)
        .withParallelism(parallelism).withSalt(salt).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[bb.remaining()];
    bb.get(bytes);
    try {
      byte[] out = new byte[length];
      generator.generateBytes(bytes, out);
      return out;
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (bb.hasArray()) Arrays.fill(bb.array(), (byte) 0);
    }
  }
}
