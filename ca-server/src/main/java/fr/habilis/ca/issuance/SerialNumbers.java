package fr.habilis.ca.issuance;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Draws certificate serial numbers and reserves them in the database before anything is signed.
 *
 * <p>RFC 5280 §4.1.2.2: positive, unique per issuer, at most 20 octets; CA/B Forum BR §7.1 asks
 * for at least 64 bits from a CSPRNG so that serials are unpredictable (which defeats chosen-prefix
 * collision attacks on the signed TBS). We draw 128 bits and clear the top one: 127 random bits,
 * always positive, DER-encoded in at most 16 octets.
 *
 * <p>The reservation ({@code IssuanceService.prepare}) commits before signing, so a crash after
 * signing can never lead to a second certificate with the same serial; the primary key of
 * {@code serials} guarantees uniqueness even across server instances, and a collision
 * (probability ~n²/2¹²⁸) fails that transaction instead of being retried.
 */
public final class SerialNumbers {
  private static final int BYTES = 16;

  private final SecureRandom random;

  public SerialNumbers(SecureRandom random) {
    this.random = random;
  }

  /** A fresh random serial, not yet reserved (also used by the benchmark, which has no database). */
  public BigInteger draw() {
    byte[] b = new byte[BYTES];
    BigInteger serial;
    do {
      random.nextBytes(b);
      b[0] &= 0x7f;
      serial = new BigInteger(1, b);
    } while (serial.signum() == 0);
    return serial;
  }

  /**
   * The canonical text form used as key in every table and API: lowercase hex, zero-padded to
   * 32 digits (our serials are below 2¹²⁷). Other modules must use this for lookups, e.g. of
   * a serial taken from an OCSP request or a revocation request.
   */
  public static String toHex(BigInteger serial) {
    if (serial.signum() <= 0) throw new IllegalArgumentException("serial must be positive");
    String hex = serial.toString(16);
    return hex.length() >= 2 * BYTES ? hex : "0".repeat(2 * BYTES - hex.length()) + hex;
  }

  public static BigInteger fromHex(String hex) {
    return new BigInteger(hex, 16);
  }
}
