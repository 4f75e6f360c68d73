package fr.habilis.ca.acme;

import fr.habilis.ca.store.NonceRepository;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Anti-replay nonces that every instance sharing the database accepts. A nonce is 16 random bytes
 * and an expiry time, authenticated with a MAC whose key lives in the database: handing one out
 * costs no I/O (every response carries one). Using one inserts it into a table of used nonces,
 * whose primary key makes it single-use across instances; rows are purged once expired.
 */
final class Nonces {
  private static final String SECRET_NAME = "nonce-mac";
  private static final int RANDOM = 16;
  private static final int MAC = 16;
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private final SecureRandom random = new SecureRandom();
  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration lifetime;

  Nonces(byte[] key, Clock clock, Duration lifetime) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** The instances' shared MAC key, created by whichever instance starts first. */
  static byte[] sharedKey(Connection c) throws SQLException {
    Optional<byte[]> stored = NonceRepository.secret(c, SECRET_NAME);
    if (stored.isPresent()) return stored.get();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    NonceRepository.insertSecret(c, SECRET_NAME, key);
    return key;
  }

  String next() {
    ByteBuffer b = ByteBuffer.allocate(RANDOM + 8 + MAC);
    byte[] r = new byte[RANDOM];
    random.nextBytes(r);
    b.put(r).putLong(clock.millis() + lifetime.toMillis());
    b.put(mac(b.array(), RANDOM + 8), 0, MAC);
    return ENC.encodeToString(b.array());
  }

  /** The nonce's expiry when it is authentic and unexpired; null otherwise. */
  Instant check(String nonce) {
    if (nonce == null || nonce.length() != 54) return null;
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (raw.length != RANDOM + 8 + MAC) return null;
    byte[] expected = mac(raw, RANDOM + 8);
    byte[] given = new byte[MAC];
    System.arraycopy(raw, RANDOM + 8, given, 0, MAC);
    byte[] truncated = new byte[MAC];
    System.arraycopy(expected, 0, truncated, 0, MAC);
    if (!MessageDigest.isEqual(truncated, given)) return null;
    long expires = ByteBuffer.wrap(raw, RANDOM, 8).getLong();
    return expires > clock.millis() ? Instant.ofEpochMilli(expires) : null;
  }

  /** Records the nonce as used; false when it already was (a replay). */
  static boolean use(Connection c, String nonce, Instant expires) throws SQLException {
    return NonceRepository.use(c, nonce, expires);
  }

  static int purge(Connection c, Instant now) throws SQLException {
    return NonceRepository.purge(c, now);
  }

  private byte[] mac(byte[] data, int length) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      m.update(data, 0, length);
      return m.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
