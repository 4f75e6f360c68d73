package fr.habilis.ca.bench;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.CertificateBuilder;
import fr.habilis.ca.issuance.CryptoProviders;
import fr.habilis.ca.issuance.IssuanceSettings;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.ProfileName;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.issuance.SubjectInfo;
import fr.habilis.ca.issuance.SubjectNames;
import fr.habilis.ca.pki.HierarchyGenerator;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.pki.KeyAlgorithm;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
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
 * Certificates per second on one thread: drawing a serial, building a SERV_SSL certificate with
 * every extension and signing it with the issuing CA's key. No database, no CSR checks: this is
 * the CA's CPU cost per certificate. {@code provider} compares Bouncy Castle with the JDK's own
 * providers (SunRsaSign, SunEC); the server uses the faster per key family ({@link CryptoProviders}:
 * JDK for RSA, BC for EC). Run with {@code ca-server/bench/issuance.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IssuanceBenchmark {
  @Param({"RSA-4096", "RSA-2048", "EC-P384"})
  public String caKey;

  /** SERVER: the server's own choice (EcdsaSigner for EC keys, the JDK for RSA); BC, JDK: through JCA. */
  @Param({"SERVER", "BC", "JDK"})
  public String provider;

  private CertificateBuilder builder;
  private CertificateBuilder.Leaf leaf;
  private IssuingCa issuer;
  private final SerialNumbers serials = new SerialNumbers(new SecureRandom());

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Endpoints endpoints = new Endpoints("https://localhost:8443", "http://localhost:8080");
    issuer = HierarchyGenerator.generate(KeyAlgorithm.fromSetting(caKey), Setting.ROOT_CA_NAME.defaultValue(),
        Setting.ORG_CA_NAME.defaultValue(), Setting.PRO_CA_NAME.defaultValue(), endpoints, Clock.systemUTC()).org();
    // The key as the server holds it: read back from PKCS#8 by the JDK, as its keystore gives it.
    PrivateKey asLoaded = KeyFactory.getInstance(issuer.privateKey().getAlgorithm())
        .generatePrivate(new PKCS8EncodedKeySpec(issuer.privateKey().getEncoded()));
    issuer = new IssuingCa(issuer.id(), issuer.certificate(), asLoaded, issuer.ocspCertificate(), issuer.ocspKey());
    builder = new CertificateBuilder(IssuanceSettings.from(HabilisConfig.of(Map.of()), endpoints),
        switch (provider) {
          case "SERVER" -> null;
          case "BC" -> CryptoProviders.BC;
          default -> CryptoProviders.jdk(issuer.privateKey().getAlgorithm());
        });
    Profile profile = Profiles.get(ProfileName.SERV_SSL);
    var leafKey = KeyAlgorithm.EC_P256.generate();
    leaf = new CertificateBuilder.Leaf(profile,
        SubjectNames.subject(profile, new SubjectInfo("CLINIQUE DE TEST", "Paris (75)", "1750000000", "api.test-clinique.fr")),
        SubjectPublicKeyInfo.getInstance(leafKey.getPublic().getEncoded()), Profile.KeyAlgorithm.EC,
        List.of("api.test-clinique.fr"), List.of());
  }

  @Benchmark
  public X509Certificate issue() {
    return builder.build(leaf, issuer, serials.draw(), Instant.now());
  }
}
