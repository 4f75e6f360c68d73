package fr.habilis.ca.operators;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Per-operator RA API tokens: {@code hbo_} and 256 random bits in base64url. Only their SHA-256 is
 * stored: with that much entropy no dictionary applies, so a slow password hash would only slow
 * every RA call; the database (or a backup) never holds a usable token. The prefix lets secret
 * scanners and the RA's authentication tell these tokens from the shared one.
 */
public final class ApiTokens {
  public static final String PREFIX = "hbo_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiTokens() {}

  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Hex SHA-256 of the token's UTF-8 bytes: the stored form and the lookup key. */
  public static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Cheap syntax check before any database read: prefix and 43 base64url characters. */
  public static boolean looksLikeToken(String s) {
    return s != null && s.length() == PREFIX.length() + 43 && s.startsWith(PREFIX)
        && s.substring(PREFIX.length()).chars().allMatch(ch -> Character.isLetterOrDigit(ch) && ch < 128 || ch == '-' || ch == '_');
  }
}
