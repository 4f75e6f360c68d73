package fr.habilis.ca.renewal;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * What renewal decisions need to know about one issued certificate (a narrow row of
 * {@code certificates}: no DER). {@code issuedAt} is when it was stored, which incidents compare
 * with; {@code replacedBy} is its successor's serial once one was issued.
 */
public record RenewalFacts(String serialHex, String caId, String profile, String structureId, Long accountId,
    Instant notBefore, Instant notAfter, Instant issuedAt, String status, Instant revokedAt, String replacedBy) {

  public BigInteger serial() {
    return new BigInteger(serialHex, 16);
  }

  public Duration lifetime() {
    return Duration.between(notBefore, notAfter);
  }

  public boolean isRevoked() {
    return "revoked".equals(status);
  }
}
