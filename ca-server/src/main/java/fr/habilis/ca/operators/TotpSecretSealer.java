package fr.habilis.ca.operators;

import fr.habilis.ca.pki.CaSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals operators' TOTP secrets for the database as registry/EabKeySealer seals EAB keys:
 * AES-256-GCM under a key derived from the CA secret for this purpose only, the login as associated
 * data (a sealed secret copied to another operator's row does not open). A database copied without
 * the keystore does not give anyone the second factor.
 */
final class TotpSecretSealer {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKey key;

  TotpSecretSealer(CaSecret secret) {
    this.key = secret.derive("operator-totp-secret/v1", "AES");
  }

  byte[] seal(String login, byte[] secret) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] ct = run(Cipher.ENCRYPT_MODE, nonce, login, secret, 0, secret.length);
    byte[] out = new byte[1 + NONCE_BYTES + ct.length];
    out[0] = VERSION;
    System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
    System.arraycopy(ct, 0, out, 1 + NONCE_BYTES, ct.length);
    return out;
  }

  /** The secret; fails (IllegalStateException) under another CA secret, another login or altered bytes. */
  byte[] open(String login, byte[] sealed) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new IllegalStateException("the TOTP secret of " + login + " is unreadable");
    }
    return run(Cipher.DECRYPT_MODE, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES), login, sealed, 1 + NONCE_BYTES,
        sealed.length - 1 - NONCE_BYTES);
  }

  private byte[] run(int mode, byte[] nonce, String login, byte[] in, int off, int len) {
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      gcm.updateAAD(("operator:" + login).getBytes(StandardCharsets.UTF_8));
      return gcm.doFinal(in, off, len);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException("the TOTP secret of " + login + " was sealed under another CA secret, or altered");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }
}
