package fr.habilis.ca.registry;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.pki.CaSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts EAB HMAC keys for the database: AES-256-GCM under a key derived from the CA secret,
 * with the credential's kid as associated data, so a sealed key moved to another row does not
 * open. Stored as {@code version (1) | nonce (12) | ciphertext and tag}. A copy of the database
 * without the keystore reveals no key; the key is opened only to verify an EAB.
 */
public final class EabKeySealer {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKey key;

  public EabKeySealer(CaSecret secret) {
    this.key = secret.derive("eab-hmac-key-encryption/v1", "AES");
  }

  public byte[] seal(String kid, byte[] hmacKey) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher gcm = cipher(Cipher.ENCRYPT_MODE, nonce, kid);
      byte[] ct = gcm.doFinal(hmacKey);
      byte[] out = new byte[1 + NONCE_BYTES + ct.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
      System.arraycopy(ct, 0, out, 1 + NONCE_BYTES, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * The HMAC key; fails with an UNAUTHORIZED {@link DomainError} for another CA secret (a database
   * restored without its keystore), another kid or altered bytes: nothing can bind with it.
   */
  public byte[] open(String kid, byte[] sealed) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw unreadable(kid);
    }
    try {
      Cipher gcm = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES), kid);
      return gcm.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw unreadable(kid);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce, String kid) throws GeneralSecurityException {
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    gcm.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
    return gcm;
  }

  private static DomainError unreadable(String kid) {
    return DomainError.unauthorized("EAB credential " + kid + " cannot be verified by this CA (its key was sealed under"
        + " another CA secret, or altered); ask the RA for a new one");
  }
}
