package fr.habilis.client.renewal;

import fr.habilis.client.IssuedCertificate;
import fr.habilis.client.ProgressListener;
import java.time.Duration;

/**
 * Told what the renewal manager did. {@link #alert} is the one to wire to a pager or an e-mail: a
 * certificate is close to expiry and its renewal keeps failing. Called from the renewal threads.
 */
public interface RenewalListener {
  /** A listener that ignores everything (the manager logs anyway). */
  RenewalListener NONE = new RenewalListener() { };

  /** A step of an order in progress for the certificate {@code name}. */
  default void progress(String name, ProgressListener.Step step, String message) { }

  default void renewed(ManagedCertificate previous, IssuedCertificate issued) { }

  /** An attempt failed; {@code willRetry} when another attempt of this run follows. */
  default void failed(ManagedCertificate entry, Exception error, boolean willRetry) { }

  /** Less than the alert margin is left and the renewal failed. */
  default void alert(ManagedCertificate entry, Duration left, Exception error) { }

  /** The deploy hook failed (the new certificate is written and recorded nevertheless). */
  default void hookFailed(ManagedCertificate entry, Exception error) { }
}
