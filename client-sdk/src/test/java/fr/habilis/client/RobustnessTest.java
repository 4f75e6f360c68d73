package fr.habilis.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.client.ProgressListener.Step;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.shredzone.acme4j.toolbox.JoseUtils;

/**
 * The SDK against a CA that misbehaves the way real ones do: nonces refused (the server's
 * testNonceRejectPercent switch, 30 % throughout), the server restarted or down in the middle of
 * an order, a finalize whose answer never comes back, and — behind a reverse proxy as in
 * production — gateway errors, lost answers and maintenance pages. The tests that do not need the
 * proxy talk to the CA directly and run first; the others restart the CA behind a {@link Gateway}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RobustnessTest {
  private static final String ACME = "urn:ietf:params:acme:error:";
  private static CaFixture ca;
  private static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    ca = CaFixture.start(Map.of("testNonceRejectPercent", "30"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (gateway != null) gateway.close();
    } finally {
      ca.close();
    }
  }

  /** Quick retries, so that a restart costs seconds, not tens of seconds. */
  static ClientSettings fast() {
    return ClientSettings.defaults().withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
        .withOperationTimeout(Duration.ofSeconds(30));
  }

  static HabilisAccount newAccount(ClientSettings settings) throws Exception {
    return HabilisClient.connect(ca.directory(), ca.trust(), settings)
        .register(ca.credential(), KeyType.EC_P256.generate(), List.of());
  }

  static CertificateRequest serverCertificate() {
    return OrderProductsTest.requestFor(Product.SERV_SSL).build();
  }

  /** Records the steps (and when they came) of an order. */
  static class Steps implements ProgressListener {
    final List<Step> steps = Collections.synchronizedList(new ArrayList<>());
    final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void progress(Step step, String message) {
      steps.add(step);
      messages.add(step + ": " + message);
      nanos.add(System.nanoTime());
    }

    long count(Step s) {
      synchronized (steps) {
        return steps.stream().filter(s::equals).count();
      }
    }

    @Override
    public String toString() {
      return String.join("\n", messages);
    }
  }

  // --- nonces refused ---------------------------------------------------------------------------

  @RepeatedTest(2)
  @Order(1)
  void wholeFlowCompletesWhileTheServerRejectsThirtyPercentOfNonces() throws Exception {
    HabilisAccount account = newAccount(fast());
    List<IssuedCertificate> issued = new ArrayList<>();
    for (Product p : Product.values()) {
      IssuedCertificate c = account.order(OrderProductsTest.requestFor(p).build());
      ca.validate(c.chain());
      assertEquals(p, c.product());
      issued.add(c);
    }
    assertEquals(10, issued.size());
    X509Certificate revoked = issued.get(3).certificate();
    account.revoke(revoked, RevocationReason.SUPERSEDED);
    // The revocation took effect: a second one is refused (its first attempt, not a retry).
    ServerProblemException again = assertThrows(ServerProblemException.class,
        () -> account.revoke(revoked, RevocationReason.SUPERSEDED));
    assertEquals("alreadyRevoked", again.type());
  }

  /**
   * Without it the test above proves nothing: correctly signed POST-as-GET requests, each with a
   * fresh nonce, sent without acme4j (which would retry a badNonce by itself), are refused about
   * 30 % of the time, with the switch's own detail, and otherwise answered.
   */
  @Test
  @Order(2)
  void serverReallyRejectsAboutThirtyPercentOfValidNonces() throws Exception {
    HabilisAccount account = newAccount(fast());
    HttpClient http = ca.server.httpClient();
    JsonObject directory = new JsonObject(http.send(HttpRequest.newBuilder(ca.directory()).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    URI newNonce = URI.create(directory.getString("newNonce"));
    int n = 100;
    int refused = 0;
    for (int i = 0; i < n; i++) {
      String nonce = http.send(HttpRequest.newBuilder(newNonce).method("HEAD", HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.discarding()).headers().firstValue("Replay-Nonce").orElseThrow();
      String jws = JoseUtils.createJoseRequest(account.location(), account.accountKey(), null, nonce,
          account.location().toString()).toString();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(account.location().toURI())
          .header("Content-Type", "application/jose+json").POST(HttpRequest.BodyPublishers.ofString(jws)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) continue;
      assertEquals(400, r.statusCode(), r.body());
      JsonObject problem = new JsonObject(r.body());
      assertEquals(ACME + "badNonce", problem.getString("type"), r.body());
      assertTrue(problem.getString("detail").contains("testNonceRejectPercent"), r.body());
      refused++;
    }
    // Binomial(100, 0.3): outside [12, 50] has a probability below 1e-4.
    assertTrue(refused >= 12 && refused <= 50, refused + " of " + n + " valid nonces refused");
  }

  // --- the server restarted in the middle of an order ---------------------------------------------

  @Test
  @Order(3)
  void orderCompletesWhenTheServerRestartsAfterTheOrderIsCreated() throws Exception {
    orderAcrossARestart(Step.ORDER_CREATED);
  }

  /**
   * Stopped when the SDK is about to send the CSR: finalize fails with the connection refused, its
   * outcome unknown to the SDK, which must resume (send it, or find the order already processed).
   */
  @Test
  @Order(4)
  void orderCompletesWhenTheServerRestartsAsTheCsrIsSent() throws Exception {
    orderAcrossARestart(Step.FINALIZING);
  }

  private void orderAcrossARestart(Step when) throws Exception {
    HabilisAccount account = newAccount(fast());
    AtomicReference<Throwable> restartFailure = new AtomicReference<>();
    Thread[] restarter = new Thread[1];
    Steps steps = new Steps() {
      @Override
      public void progress(Step step, String message) {
        super.progress(step, message);
        if (step != when || restarter[0] != null) return;
        try {
          ca.stop();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        restarter[0] = new Thread(() -> {
          try {
            Thread.sleep(2000);
            ca.startAgain();
          } catch (Throwable t) {
            restartFailure.set(t);
          }
        }, "restarter");
        restarter[0].start();
      }
    };
    long t0 = System.nanoTime();
    IssuedCertificate issued;
    try {
      issued = account.order(serverCertificate(), steps);
    } finally {
      if (restarter[0] != null) restarter[0].join(60_000);
    }
    assertNull(restartFailure.get(), "restart failed: " + restartFailure.get());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 2000, "completed in " + ms + " ms although the server was down 2 s");
    ca.validate(issued.chain());
    assertEquals(Step.ISSUED, steps.steps.get(steps.steps.size() - 1), steps.toString());
    int stoppedAt = steps.steps.indexOf(when);
    assertTrue(steps.steps.subList(stoppedAt, steps.steps.size()).contains(Step.RETRYING), steps.toString());
  }

  /**
   * The finalize request reaches the server, whose signers are busy for 4 s: the SDK's request
   * times out after 1 s (outcome unknown), the order is meanwhile processing. The SDK re-sends
   * the CSR, gets orderNotReady, re-reads the order instead of failing, then polls it at the
   * pace of the server's Retry-After (1 s), not its own default (0.5 s), until it is valid.
   */
  @Test
  @Order(5)
  void finalizeWhoseAnswerTimedOutIsResumedAndRetryAfterIsHonoured() throws Exception {
    HabilisAccount account = newAccount(fast().withRequestTimeout(Duration.ofSeconds(1)));
    Steps steps = new Steps() {
      @Override
      public void progress(Step step, String message) {
        super.progress(step, message);
        if (step == Step.FINALIZING) occupySigners(Duration.ofSeconds(4));
      }
    };
    IssuedCertificate issued = account.order(serverCertificate(), steps);
    ca.validate(issued.chain());
    String log = steps.toString();
    int finalizing = steps.steps.indexOf(Step.FINALIZING);
    assertTrue(steps.steps.subList(finalizing, steps.steps.size()).contains(Step.RETRYING), log);
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < steps.steps.size(); i++) {
      if (steps.steps.get(i) == Step.WAITING) {
        assertTrue(steps.messages.get(i).contains("processing"), log);
        waits.add(steps.nanos.get(i));
      }
    }
    assertTrue(waits.size() >= 2, "the order was seen processing at least twice:\n" + log);
    for (int i = 1; i < waits.size(); i++) {
      long gap = TimeUnit.NANOSECONDS.toMillis(waits.get(i) - waits.get(i - 1));
      assertTrue(gap >= 900, "polled " + gap + " ms after the previous poll, the server said Retry-After: 1\n" + log);
    }
  }

  /** Keeps every thread of the server's signing pool busy for {@code d} (issuance waits for one). */
  static void occupySigners(Duration d) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors()); // HabilisServer's pool size
    CountDownLatch started = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      ca.server.context().signers().executeBlocking(() -> {
        started.countDown();
        Thread.sleep(d.toMillis());
        return null;
      }, false);
    }
    try {
      assertTrue(started.await(5, TimeUnit.SECONDS), "the signing pool is larger than " + threads);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- the server down --------------------------------------------------------------------------

  @Test
  @Order(6)
  void serverDownLongerThanTheOperationTimeoutFailsWithServerUnreachable() throws Exception {
    Duration timeout = Duration.ofSeconds(3);
    HabilisAccount account = newAccount(fast().withOperationTimeout(timeout));
    ca.stop();
    try {
      Steps steps = new Steps();
      long t0 = System.nanoTime();
      ServerUnreachableException e = assertThrows(ServerUnreachableException.class,
          () -> account.order(serverCertificate(), steps));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // It keeps trying up to the deadline (not a backoff short of it), and stops there.
      assertTrue(ms >= timeout.toMillis() - 100 && ms <= timeout.toMillis() + 1500, "gave up after " + ms + " ms");
      assertTrue(e.getMessage().contains("could not be reached") && e.getMessage().contains("gave up after 3 s"),
          e.getMessage());
      assertTrue(e.getMessage().startsWith("ordering SERV_SSL: "), e.getMessage());
      assertTrue(steps.count(Step.RETRYING) >= 3, steps.toString());
      for (Step s : steps.steps) assertTrue(s == Step.KEY_GENERATED || s == Step.RETRYING, steps.toString());
    } finally {
      ca.startAgain();
    }
  }

  /** A server that accepts connections and never answers: each request ends at the request timeout. */
  @Test
  @Order(7)
  void serverThatNeverAnswersFailsWithinTheOperationTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      URI directory = URI.create("https://localhost:" + silent.getLocalPort() + "/acme/directory");
      ClientSettings settings = fast().withRequestTimeout(Duration.ofSeconds(1)).withOperationTimeout(Duration.ofSeconds(3));
      long t0 = System.nanoTime();
      ServerUnreachableException e = assertThrows(ServerUnreachableException.class,
          () -> HabilisClient.connect(directory, ca.trust(), settings));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms >= 2900 && ms <= 3000 + 1000 + 1000, "gave up after " + ms + " ms");
      assertTrue(e.getMessage().startsWith("connecting to " + directory), e.getMessage());
    }
  }

  /**
   * Every nonce refused: acme4j's ten attempts fail, the SDK's operation retries them as
   * transient, and at the deadline gives up with a timeout naming badNonce.
   */
  @Test
  @Order(8)
  void badNonceThatNeverEndsFailsAtTheDeadline() throws Exception {
    HabilisAccount account = newAccount(fast().withOperationTimeout(Duration.ofSeconds(3)));
    ca.restart(Map.of("testNonceRejectPercent", "100"));
    try {
      Steps steps = new Steps();
      long t0 = System.nanoTime();
      OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
          () -> account.order(serverCertificate(), steps));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms >= 2900 && ms <= 4500, "gave up after " + ms + " ms");
      assertTrue(e.getMessage().contains("nonce"), e.getMessage());
      assertTrue(steps.count(Step.RETRYING) >= 2, steps.toString());
    } finally {
      ca.restart(Map.of("testNonceRejectPercent", "30"));
    }
  }

  // --- behind a reverse proxy ---------------------------------------------------------------------

  /** The CA restarted with its publicUrl at a {@link Gateway} in front of it (once for the class). */
  static Gateway gateway() throws Exception {
    if (gateway == null) {
      Gateway g = Gateway.start(ca.dataDir().resolve("tls-chain.pem"), ca.dataDir().resolve("tls-key.pem"),
          TestServer.sslContextTrusting(ca.server.trustPem()));
      g.upstream(URI.create("https://localhost:" + ca.httpsPort()));
      ca.restart(Map.of("publicUrl", g.publicUrl()));
      gateway = g;
    }
    gateway.reset();
    return gateway;
  }

  /** Where the gateway applied {@code fault}: it must have (else the test proved nothing). */
  static int indexOf(List<Gateway.Exchange> exchanges, Gateway.Fault fault) {
    for (int i = 0; i < exchanges.size(); i++) if (exchanges.get(i).fault() == fault) return i;
    throw new AssertionError("the gateway never applied " + fault + ": " + exchanges);
  }

  /** Maintenance behind nginx: 503 pages (not ACME problems) for a while, then the CA answers again. */
  @Test
  @Order(20)
  void gatewayErrorsWhileTheCaIsUnavailableAreRetried() throws Exception {
    Gateway g = gateway();
    HabilisAccount account = newAccount(fast());
    g.fail(".*", Gateway.Fault.UNAVAILABLE, 3);
    Steps steps = new Steps();
    IssuedCertificate issued = account.order(serverCertificate(), steps);
    ca.validate(issued.chain());
    assertEquals(3, g.exchanges().stream().filter(x -> x.fault() == Gateway.Fault.UNAVAILABLE).count());
    assertTrue(steps.count(Step.RETRYING) >= 1, steps.toString());
    assertTrue(steps.toString().contains("503"), steps.toString());
  }

  /** new-account created the account but its answer was lost: retrying with the same key finds it. */
  @Test
  @Order(21)
  void registrationWhoseAnswerWasLostFindsTheAccountItCreated() throws Exception {
    Gateway g = gateway();
    HabilisClient client = HabilisClient.connect(ca.directory(), ca.trust(), fast());
    g.fail("/acme/new-account", Gateway.Fault.LOST_RESPONSE, 1);
    KeyPair key = KeyType.EC_P256.generate();
    HabilisAccount account = client.register(ca.credential(), key, List.of());
    List<Gateway.Exchange> sent = g.exchanges("/acme/new-account");
    int lost = indexOf(sent, Gateway.Fault.LOST_RESPONSE);
    assertEquals(201, sent.get(lost).upstreamStatus(), "the lost request created the account: " + sent);
    assertEquals(200, sent.get(sent.size() - 1).upstreamStatus(), "the retry found it: " + sent);
    assertEquals(account.location(), client.findAccount(key).location());
    ca.validate(account.order(serverCertificate()).chain());
  }

  /**
   * The certificate was issued but the connection dropped before finalize's answer: the SDK does
   * not fail on the orderNotReady its second finalize gets, it reads the order (valid) and
   * downloads the one certificate issued.
   */
  @Test
  @Order(22)
  void finalizeWhoseAnswerWasDroppedAfterIssuanceDownloadsTheIssuedCertificate() throws Exception {
    Gateway g = gateway();
    HabilisAccount account = newAccount(fast());
    g.fail("/acme/order/\\d+/finalize", Gateway.Fault.DROPPED_RESPONSE, 1);
    Steps steps = new Steps();
    IssuedCertificate issued = account.order(serverCertificate(), steps);
    ca.validate(issued.chain());
    List<Gateway.Exchange> finalizes = g.exchanges(Pattern.quote(issued.orderUrl().getPath() + "/finalize"));
    int dropped = indexOf(finalizes, Gateway.Fault.DROPPED_RESPONSE);
    assertEquals(200, finalizes.get(dropped).upstreamStatus(), "the dropped finalize issued: " + finalizes);
    assertTrue(finalizes.size() > dropped + 1, "finalize sent again: " + finalizes);
    for (Gateway.Exchange x : finalizes.subList(dropped + 1, finalizes.size())) {
      assertNotEquals(200, x.upstreamStatus(), "no second issuance: " + finalizes);
    }
    assertTrue(steps.count(Step.RETRYING) >= 1, steps.toString());
  }

  /** Finalize answered; the order's first read after it fails twice (503): retried, not thrown. */
  @Test
  @Order(23)
  void orderReadAfterFinalizeIsRetried() throws Exception {
    Gateway g = gateway();
    HabilisAccount account = newAccount(fast());
    Steps steps = new Steps() {
      @Override
      public void progress(Step step, String message) {
        super.progress(step, message);
        if (step == Step.FINALIZING) g.fail("/acme/order/\\d+", Gateway.Fault.UNAVAILABLE, 2);
      }
    };
    IssuedCertificate issued = account.order(serverCertificate(), steps);
    ca.validate(issued.chain());
    assertEquals(2, g.exchanges("/acme/order/\\d+").stream().filter(x -> x.fault() == Gateway.Fault.UNAVAILABLE).count());
    assertTrue(steps.count(Step.RETRYING) >= 2, steps.toString());
  }

  /** The revocation happened but its answer was lost: the retry's alreadyRevoked means success. */
  @Test
  @Order(24)
  void revocationWhoseAnswerWasLostIsNotReportedAsAlreadyRevoked() throws Exception {
    Gateway g = gateway();
    HabilisAccount account = newAccount(fast());
    X509Certificate cert = account.order(serverCertificate()).certificate();
    g.fail("/acme/revoke-cert", Gateway.Fault.LOST_RESPONSE, 1);
    account.revoke(cert, RevocationReason.KEY_COMPROMISE);
    List<Gateway.Exchange> sent = g.exchanges("/acme/revoke-cert");
    int lost = indexOf(sent, Gateway.Fault.LOST_RESPONSE);
    assertEquals(200, sent.get(lost).upstreamStatus(), "the lost request revoked: " + sent);
    assertTrue(sent.size() > lost + 1, "revocation sent again: " + sent);
    ServerProblemException again = assertThrows(ServerProblemException.class,
        () -> account.revoke(cert, RevocationReason.KEY_COMPROMISE));
    assertEquals("alreadyRevoked", again.type());
  }

  /** A maintenance page served with 200 instead of the directory: a HabilisException, not a RuntimeException. */
  @Test
  @Order(25)
  void maintenancePageInsteadOfTheDirectoryIsReportedAsAHabilisException() throws Exception {
    Gateway g = gateway();
    g.fail("/acme/directory", Gateway.Fault.MAINTENANCE_PAGE, 100);
    try {
      HabilisException e = assertThrows(HabilisException.class,
          () -> HabilisClient.connect(ca.directory(), ca.trust(), fast().withOperationTimeout(Duration.ofSeconds(3))));
      assertTrue(e.getMessage().startsWith("connecting to "), e.getMessage());
      assertTrue(e.getMessage().contains("text/html"), e.getMessage());
      assertFalse(e instanceof ServerProblemException, e.toString());
    } finally {
      g.clearFaults();
    }
  }
}
