package fr.habilis.client.renewal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.client.CaFixture;
import fr.habilis.client.CertificateRequest;
import fr.habilis.client.ClientSettings;
import fr.habilis.client.HabilisAccount;
import fr.habilis.client.HabilisClient;
import fr.habilis.client.IssuedCertificate;
import fr.habilis.client.KeyType;
import fr.habilis.client.Product;
import fr.habilis.client.output.PemFiles;
import fr.habilis.client.output.Pkcs12Format;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renewal end to end against a CA issuing 24-second certificates (a test-environment setting; no
 * clock is faked): the CA's ARI window (scaled to the lifetime) opens 16 s after issuance, the
 * manager renews with a new key, writes the files, records the succession and runs the hook.
 */
class RenewalTest {
  private static final Duration LIFETIME = Duration.ofSeconds(24);
  private static CaFixture ca;
  private static HabilisAccount account;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    ca = CaFixture.start(Map.of("certificateValidity", "PT24S"));
    HabilisClient client = HabilisClient.connect(ca.directory(), ca.trust(),
        ClientSettings.defaults().withOperationTimeout(Duration.ofSeconds(4)).withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    account = client.register(ca.credential(), KeyType.EC_P256.generate(), List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    ca.close();
  }

  private RenewalManager manager(RenewalSettings settings) throws Exception {
    return new RenewalManager(account, StateDirectory.open(dir.resolve("state")), settings);
  }

  private static RenewalSettings quick() {
    return RenewalSettings.defaults().withAttempts(3, Duration.ofSeconds(1)).withAlertBefore(Duration.ofSeconds(2));
  }

  private Outputs p12Outputs() throws Exception {
    Path pw = dir.resolve("p12.pw");
    Files.writeString(pw, "s3cret-pass\n");
    return Outputs.pkcs12(dir.resolve("out/insi.p12"), pw, Pkcs12Format.MODERN, "INSI-AUTO");
  }

  private static CertificateRequest insi() {
    return CertificateRequest.of(Product.ORG_AUTH_CLI).structure(CaFixture.NATIONAL_ID).commonName("INSI-AUTO")
        .keyType(KeyType.EC_P256).build();
  }

  private static X509Certificate leafOf(Path p12) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "s3cret-pass".toCharArray());
    }
    return (X509Certificate) ks.getCertificate("INSI-AUTO");
  }

  @Test
  void renewsWhenTheWindowOpensWithANewKeyThenRunsTheHook() throws Exception {
    Path hookLog = dir.resolve("hook.log");
    List<IssuedCertificate> renewed = new CopyOnWriteArrayList<>();
    RenewalManager m = manager(quick()).withListener(new RenewalListener() {
      @Override
      public void renewed(ManagedCertificate previous, IssuedCertificate issued) {
        renewed.add(issued);
      }
    });
    ManagedCertificate first = m.obtain("insi", insi(), p12Outputs().andPem(dir.resolve("pem")),
        "echo \"$HABILIS_CERT_NAME $HABILIS_CERT_SERIAL\" >> '" + hookLog + "'");
    X509Certificate original = leafOf(dir.resolve("out/insi.p12"));
    assertEquals(first.serial(), original.getSerialNumber().toString(16));
    assertEquals(1, Files.readAllLines(hookLog).size(), "the hook ran after the first issuance");

    // Not due yet: nothing happens.
    RunReport early = m.runAll(false);
    assertEquals(RunReport.Outcome.NOT_DUE, early.lines().get(0).outcome());
    // The run asks to be woken at the CA's Retry-After (1 s for such short lifetimes), before the window.
    assertTrue(!early.nextWake().orElseThrow().isAfter(Instant.now().plusSeconds(2)), early.lines().toString());
    Instant due = m.window(first, original).pick(original.getSerialNumber().longValue());
    Instant notAfter = original.getNotAfter().toInstant();
    assertTrue(!due.isBefore(notAfter.minus(LIFETIME.dividedBy(3))) && due.isBefore(notAfter), due + " vs " + notAfter);

    // Once the window opened, the run renews.
    sleepUntil(due.plusMillis(200));
    RunReport r = m.runAll(false);
    assertEquals(RunReport.Outcome.RENEWED, r.lines().get(0).outcome(), r.lines().toString());
    X509Certificate next = leafOf(dir.resolve("out/insi.p12"));
    assertNotEquals(original.getSerialNumber(), next.getSerialNumber());
    assertNotEquals(original.getPublicKey(), next.getPublicKey(), "a new key at each renewal");
    assertTrue(next.getNotAfter().after(original.getNotAfter()));
    assertEquals(next, PemFiles.readCertificates(dir.resolve("pem/cert.pem")).get(0), "PEM output renewed too");
    assertEquals(1, renewed.size());

    ManagedCertificate entry = m.state().load("insi");
    assertEquals(next.getSerialNumber().toString(16), entry.serial());
    assertEquals(1, entry.history().size());
    assertEquals(original.getSerialNumber().toString(16), entry.history().get(0).serial());
    assertEquals(entry.serial(), entry.history().get(0).replacedBy(), "the old certificate is recorded as replaced");
    List<String> hookRuns = Files.readAllLines(hookLog);
    assertEquals(2, hookRuns.size());
    assertEquals("insi " + entry.serial(), hookRuns.get(1));
  }

  @Test
  void aRunWhileTheServerIsDownRetriesThenSucceeds() throws Exception {
    RenewalManager m = manager(quick());
    m.obtain("down", insi(), Outputs.pem(dir.resolve("pem-down")), null);
    String before = m.state().load("down").serial();
    Restart restart = Restart.stop(ca);
    try {
      restart.startAgainAfter(Duration.ofSeconds(3));
      RunReport r = m.run(List.of("down"), true);
      assertEquals(RunReport.Outcome.RENEWED, r.lines().get(0).outcome(), r.lines().toString());
    } finally {
      restart.awaitStarted();
    }
    assertNotEquals(before, m.state().load("down").serial());
  }

  @Test
  void aFailingRenewalCloseToExpiryRaisesAnAlert() throws Exception {
    RenewalSettings settings = RenewalSettings.defaults().withAttempts(2, Duration.ofMillis(200))
        .withAlertBefore(Duration.ofDays(30));
    List<String> alerts = new CopyOnWriteArrayList<>();
    RenewalManager m = manager(settings).withListener(new RenewalListener() {
      @Override
      public void alert(ManagedCertificate entry, Duration left, Exception error) {
        alerts.add(entry.name());
      }
    });
    m.obtain("alert", insi(), Outputs.pem(dir.resolve("pem-alert")), null);
    Restart restart = Restart.stop(ca);
    try {
      RunReport r = m.run(List.of("alert"), true);
      assertEquals(RunReport.Outcome.ALERT, r.lines().get(0).outcome(), r.lines().toString());
      assertTrue(r.hasAlerts() && r.hasFailures());
      assertEquals(List.of("alert"), alerts);
      ManagedCertificate e = m.state().load("alert");
      assertEquals(1, e.failures());
      assertTrue(e.nextAttempt().orElseThrow().isAfter(Instant.now()), "backoff before the next run's attempt");
      // Without force, a run in the window respects the backoff.
      RenewalManager due = manager(settings.withRenewBefore(Duration.ofDays(1)));
      assertEquals(RunReport.Outcome.BACKING_OFF, due.run(List.of("alert"), false).lines().get(0).outcome());
    } finally {
      restart.startAgainAfter(Duration.ZERO);
      restart.awaitStarted();
    }
  }

  @Test
  void theDaemonWakesAtTheWindowAndRenews() throws Exception {
    List<IssuedCertificate> renewed = new CopyOnWriteArrayList<>();
    RenewalManager m = manager(quick().withMaxJitter(Duration.ofMillis(500))).withListener(new RenewalListener() {
      @Override
      public void renewed(ManagedCertificate previous, IssuedCertificate issued) {
        renewed.add(issued);
      }
    });
    m.obtain("daemon", CertificateRequest.of(Product.SERV_SSL).dns("daemon.example.test").keyType(KeyType.EC_P256).build(),
        Outputs.pem(dir.resolve("pem-daemon")), null);
    AtomicBoolean stop = new AtomicBoolean();
    Thread daemon = new Thread(() -> {
      try {
        m.runDaemon(stop::get);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    daemon.start();
    try {
      long deadline = System.currentTimeMillis() + 40_000;
      while (renewed.isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(200);
    } finally {
      stop.set(true);
      daemon.join(10_000);
    }
    assertFalse(renewed.isEmpty(), "the daemon renewed when the window opened");
    assertFalse(daemon.isAlive());
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) Thread.sleep(ms);
  }

  /** Stops the CA, then starts it again (same data and ports) from another thread. */
  static final class Restart {
    private final CaFixture ca;
    private Thread starter;
    private volatile Exception failure;

    private Restart(CaFixture ca) {
      this.ca = ca;
    }

    static Restart stop(CaFixture ca) throws Exception {
      ca.stop();
      return new Restart(ca);
    }

    void startAgainAfter(Duration delay) {
      starter = new Thread(() -> {
        try {
          Thread.sleep(delay.toMillis());
          ca.startAgain();
        } catch (Exception e) {
          failure = e;
        }
      });
      starter.start();
    }

    void awaitStarted() throws Exception {
      starter.join(120_000);
      if (failure != null) throw failure;
    }
  }
}
