package fr.habilis.ca.pki;

import fr.habilis.ca.config.HabilisConfig;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;

/**
 * Where a renewed OCSP responder is kept: its issuing CA's OCSP entry in the CA keystore, so that
 * a restart serves it instead of renewing again. See {@link CaStore#renewResponder}.
 */
public final class ResponderStore {
  private final HabilisConfig config;
  private final char[] password;

  public ResponderStore(HabilisConfig config, char[] password) {
    this.config = config;
    this.password = password.clone();
  }

  /** Makes a new responder (new key, new certificate) for an issuing CA. */
  @FunctionalInterface
  public interface Renewer {
    IssuingCa renew(IssuingCa ca) throws GeneralSecurityException;
  }

  /** The issuing CA with the responder to serve; {@code renewedHere} is false when another instance had stored it. */
  public record Outcome(IssuingCa ca, boolean renewedHere) {}

  /**
   * Renews {@code served}'s responder and writes it into the keystore, or, when the keystore already
   * holds a different responder that is not {@code due} (another instance sharing the keystore renewed
   * first), returns that one. Blocking: keystore I/O and key generation, on a worker thread.
   */
  public Outcome renew(IssuingCa served, Predicate<X509Certificate> due, Renewer renewer)
      throws IOException, GeneralSecurityException {
    return CaStore.renewResponder(config, password, served, due, renewer);
  }

  /** {@code served} with the keystore's current responder entry, read again (another instance renewed it). */
  public IssuingCa reload(IssuingCa served) throws IOException, GeneralSecurityException {
    return CaStore.reloadResponder(config, password, served);
  }
}
