package fr.habilis.ca.issuance;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider signs certificates and verifies CSRs, per key family, chosen from
 * measurements rather than defaults (SignatureProviderBenchmark, run by ca-server/bench/issuance.sh).
 *
 * <p>Figures on this machine (2 shared cores, JDK 17.0.15, BC 1.87; JMH ops/s on one thread,
 * 600-byte message, noisy because other builds shared the CPU):
 * <pre>
 *                    sign BC   sign JDK   verify BC   verify JDK
 *   RSA-4096 (2 runs)  148/135   155/146       7 931       8 396
 *   RSA-2048 (2 runs)  869/862   937/959      22 653      27 735
 *   EC P-384             1 300       755       1 482         389
 *   EC P-256             3 273     1 711       3 663         864
 * </pre>
 * RSA: the JDK's SunRsaSign is 5–10 % faster in every run (its BigInteger Montgomery
 * multiplication is an intrinsic). EC: Bouncy Castle signs 1.7–1.9× and verifies 3.8–4.2× faster
 * than SunEC. Hence RSA → SunRsaSign, EC → Bouncy Castle. Whole certificates (IssuanceBenchmark:
 * build + sign, certificates/s, BC vs JDK): RSA-4096 139 vs 150, RSA-2048 876 vs 957,
 * P-384 1 162 vs 750.
 *
 * <p>The Bouncy Castle instance is private and never registered with {@code Security.addProvider}:
 * the choice made here changes nothing for other code (TLS, JOSE).
 */
public final class CryptoProviders {
  public static final Provider BC = new BouncyCastleProvider();

  private CryptoProviders() {}

  /** The measured choice for keys of {@code keyAlgorithm} ("RSA" or "EC", as {@code Key.getAlgorithm()}). */
  public static Provider forAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "RSA" -> jdk("RSA");
      case "EC", "ECDSA" -> BC;
      default -> throw new IllegalArgumentException("no provider choice for " + keyAlgorithm + " keys");
    };
  }

  /** The JDK's own provider for a key family, named explicitly so provider order cannot change it. */
  public static Provider jdk(String keyAlgorithm) {
    String name = keyAlgorithm.equals("RSA") ? "SunRsaSign" : "SunEC";
    Provider p = Security.getProvider(name);
    if (p == null) throw new IllegalStateException("JDK provider " + name + " is not available");
    return p;
  }
}
