package fr.habilis.ca.bench;

import fr.habilis.ca.issuance.CryptoProviders;
import fr.habilis.ca.pki.KeyAlgorithm;
import java.security.KeyPair;
import java.security.Signature;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw signatures and verifications per second, Bouncy Castle vs the JDK default provider, for
 * the key types the CA signs with (certificates) and verifies (CSRs). The figures behind
 * {@link CryptoProviders}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SignatureProviderBenchmark {
  @Param({"RSA-4096", "RSA-2048", "EC-P384", "EC-P256"})
  public String key;

  @Param({"BC", "JDK"})
  public String provider;

  private Signature signer;
  private Signature verifier;
  private KeyPair keys;
  private final byte[] tbs = new byte[600];
  private byte[] signature;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    keys = KeyAlgorithm.fromSetting(key).generate();
    String alg = KeyAlgorithm.signatureAlgorithmFor(keys.getPrivate());
    var p = provider.equals("BC") ? CryptoProviders.BC : CryptoProviders.jdk(keys.getPrivate().getAlgorithm());
    signer = Signature.getInstance(alg, p);
    verifier = Signature.getInstance(alg, p);
    ThreadLocalRandom.current().nextBytes(tbs);
    signer.initSign(keys.getPrivate());
    signer.update(tbs);
    signature = signer.sign();
  }

  @Benchmark
  public byte[] sign() throws Exception {
    signer.initSign(keys.getPrivate());
    signer.update(tbs);
    return signer.sign();
  }

  @Benchmark
  public boolean verify() throws Exception {
    verifier.initVerify(keys.getPublic());
    verifier.update(tbs);
    return verifier.verify(signature);
  }
}
