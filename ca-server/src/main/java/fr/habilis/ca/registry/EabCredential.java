package fr.habilis.ca.registry;

import java.time.Instant;

/**
 * An External Account Binding credential (RFC 8555 §7.3.4) minted for one administrator. It
 * binds exactly one ACME account, then is consumed. The key is shown once, at minting; read back,
 * it is the opened sealed key ({@link EabKeySealer}), null once the credential is consumed.
 */
public record EabCredential(String kid, byte[] hmacKey, String adminId, Instant expiresAt, Instant consumedAt, Long accountId) {
  @Override
  public String toString() {
    return "EabCredential[kid=" + kid + ", adminId=" + adminId + ", expiresAt=" + expiresAt + "]"; // never the key
  }
}
