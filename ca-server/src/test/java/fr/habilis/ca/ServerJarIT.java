package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run contract, checked on the packaged jar exactly as an operator starts it. */
class ServerJarIT {
  @TempDir Path work;

  record Run(int exit, String stdout, String stderr) {}

  @Test
  void badConfigurationValueExitsNonZeroWithOneLine() throws Exception {
    Run r = run(Map.of("HABILIS_HTTPS_PORT", "70000"), 30);
    assertEquals(2, r.exit());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("HABILIS_HTTPS_PORT") && r.stderr().contains("70000"), r.stderr());
    assertFalse(Files.exists(work.resolve("habilis-data")), "nothing created");
  }

  @Test
  void unknownConfigurationKeyInFileExitsNonZero() throws Exception {
    Files.writeString(work.resolve("habilis.yaml"), "environment: test\nhttpPort: 0\nbogusKey: 1\n");
    Run r = run(Map.of(), 30, "--config", work.resolve("habilis.yaml").toString());
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains("unknown configuration key 'bogusKey'"), r.stderr());
  }

  @Test
  void occupiedPortExitsNonZeroNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run r = run(Map.of("HABILIS_HTTP_PORT", Integer.toString(taken.getLocalPort()), "HABILIS_HTTPS_PORT", "0"), 30);
      assertEquals(2, r.exit());
      assertTrue(r.stderr().contains(Integer.toString(taken.getLocalPort())), r.stderr());
      assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    }
  }

  @Test
  void productionWithoutCaMaterialExitsNonZero() throws Exception {
    Map<String, String> env = productionEnv();
    Run r = run(env, 30);
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains("no CA material configured"), r.stderr());
  }

  @Test
  void productionOnTheTestPolicyOidExitsWithOneLineAndCreatesNothing() throws Exception {
    Map<String, String> env = productionEnv();
    env.remove("HABILIS_POLICY_OID");
    Run r = run(env, 30);
    assertEquals(2, r.exit());
    assertEquals("habilis: error: production environment: policyOid (HABILIS_POLICY_OID) is the test certificate policy"
        + " 1.2.250.1.213.1.7.2.1.1.1.1; set the production policy OID", r.stderr().strip());
    assertFalse(Files.exists(work.resolve("habilis-data")), "nothing created");
  }

  /** Every guarded production setting, as environment variables (config/ProductionGuardsTest). */
  private static Map<String, String> productionEnv() {
    Map<String, String> env = new HashMap<>(Map.of("HABILIS_HTTP_PORT", "0", "HABILIS_HTTPS_PORT", "0"));
    fr.habilis.ca.config.ProductionGuardsTest.production()
        .forEach((k, v) -> env.put(fr.habilis.ca.config.Setting.byKey(k).envName(), v));
    return env;
  }

  @Test
  void aSecondProcessOnADataDirectoryInUseFailsBeforeWritingAnything() throws Exception {
    Map<String, String> env = Map.of("HABILIS_HTTP_PORT", "0", "HABILIS_HTTPS_PORT", "0", "HABILIS_CA_KEY_ALGORITHM", "EC-P384");
    Process first = start(env);
    try {
      awaitReady(first);
      Path data = work.resolve("habilis-data");
      java.util.Map<Path, java.nio.file.attribute.FileTime> before = new java.util.HashMap<>();
      try (var files = Files.walk(data)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          if (!f.getFileName().toString().startsWith("habilis.")) before.put(f, Files.getLastModifiedTime(f));
        }
      }
      Thread.sleep(1100); // a rewrite would show in the modification times
      Run second = run(env, 60);
      assertEquals(2, second.exit(), second.stderr());
      assertTrue(second.stderr().contains("cannot open database"), second.stderr());
      for (var f : before.entrySet()) {
        assertEquals(f.getValue(), Files.getLastModifiedTime(f.getKey()), f.getKey() + " was rewritten by the second process");
      }
    } finally {
      first.destroy();
      first.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void embeddedDefaultStartsPrintsTheBlockAndSurvivesAKill() throws Exception {
    Map<String, String> env = Map.of("HABILIS_HTTP_PORT", "0", "HABILIS_HTTPS_PORT", "0", "HABILIS_CA_KEY_ALGORITHM", "EC-P384");
    Process p = start(env);
    Path endpoints = work.resolve("habilis-data/endpoints.json");
    String banner = awaitReady(p);
    assertTrue(banner.contains("ACME directory") && banner.contains("/acme/directory"), banner);
    JsonObject first = new JsonObject(Files.readString(endpoints));
    String root = Files.readString(Path.of(first.getString("trustPem")));
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    Process again = start(env);
    awaitReady(again);
    assertEquals(root, Files.readString(Path.of(new JsonObject(Files.readString(endpoints)).getString("trustPem"))));
    again.destroy();
    again.waitFor(30, TimeUnit.SECONDS);

    Run audit = run(Map.of(), 60, "verify-audit");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
    assertTrue(audit.stdout().startsWith("audit chain intact"), audit.stdout());
  }

  /**
   * Issue 17: with logFormat=json the jar writes one JSON object per line on stderr (Logback's
   * JsonEncoder, shaded in), libraries and JUL included; each request has its access line with
   * the route pattern; /metrics answers Prometheus text from the fat jar.
   */
  @Test
  void jsonLogFormatWritesOneObjectPerLineWithAnAccessLinePerRequest() throws Exception {
    Path stderrFile = work.resolve("json.stderr");
    ProcessBuilder pb = new ProcessBuilder(command()).directory(work.toFile()).redirectError(stderrFile.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("HABILIS_"));
    pb.environment().putAll(Map.of("HABILIS_HTTP_PORT", "0", "HABILIS_HTTPS_PORT", "0", "HABILIS_CA_KEY_ALGORITHM", "EC-P384",
        "HABILIS_LOG_FORMAT", "json"));
    Process p = pb.start();
    try {
      awaitReady(p);
      JsonObject endpoints = new JsonObject(Files.readString(work.resolve("habilis-data/endpoints.json")));
      HttpClient http = HttpClient.newBuilder().sslContext(TestServer.sslContextTrusting(Path.of(endpoints.getString("trustPem"))))
          .build();
      HttpResponse<String> metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoints.getString("metricsUrl")))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("habilis_jvm_memory_used_bytes"), metrics.body());
      assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoints.getString("directoryUrl")))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    } finally {
      p.destroy(); // SIGTERM: the drain logs too
      p.waitFor(60, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(stderrFile).stream().filter(l -> !l.isBlank()).toList();
    List<JsonObject> events = new ArrayList<>();
    for (String line : lines) {
      JsonObject e = new JsonObject(line); // fails on any line that is not one JSON object
      assertTrue(e.containsKey("level") && e.containsKey("loggerName") && e.containsKey("formattedMessage"), line);
      events.add(e);
    }
    assertTrue(events.stream().anyMatch(e -> e.getString("loggerName").startsWith("fr.habilis")), lines.toString());
    List<JsonObject> access = events.stream().filter(e -> "habilis.access".equals(e.getString("loggerName"))).toList();
    assertTrue(access.stream().anyMatch(e -> e.getString("formattedMessage").startsWith("GET /metrics 200 ")
        && e.encode().contains("\"route\":\"/metrics\"")), access.toString());
    assertTrue(access.stream().anyMatch(e -> e.getString("formattedMessage").startsWith("GET /acme/directory 200 ")), access.toString());
  }

  /**
   * Issue 15 item 8 with a real kill -9: finalize committed the order's move to processing (the
   * test switch stops it there), the process is killed (SIGKILL), and the jar started again on the
   * same data directory and ports signs the order with its reserved serial: the client's polling
   * ends valid and the certificate downloads.
   */
  @Test
  void orderOfAProcessKilledAfterFinalizeCommittedEndsValidAfterRestart() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("HABILIS_HTTP_PORT", Integer.toString(freePort()),
        "HABILIS_HTTPS_PORT", Integer.toString(freePort()), "HABILIS_CA_KEY_ALGORITHM", "EC-P384",
        "HABILIS_TEST_STOP_AFTER_PROCESSING", "true", "HABILIS_PROCESSING_RECOVERY_AFTER", "PT1H"));
    String approver = approverToken();
    Process p = start(env);
    awaitReady(p);
    // The running server holds the H2 file: the operator commands say so in one line.
    Run inUse = run(Map.of(), 60, "operator", "list");
    assertEquals(2, inUse.exit(), inUse.stderr());
    assertTrue(inUse.stderr().strip().startsWith("habilis: error: the database in ") && inUse.stderr().contains("is in use by"
        + " a running server"), inUse.stderr());
    assertEquals(1, inUse.stderr().strip().lines().count(), inUse.stderr());
    JsonObject endpoints = new JsonObject(Files.readString(work.resolve("habilis-data/endpoints.json")));
    HttpClient http = HttpClient.newBuilder().sslContext(TestServer.sslContextTrusting(Path.of(endpoints.getString("trustPem"))))
        .build();
    RaFixture ra = new RaFixture(http, endpoints.getString("raUrl"), Files.readString(Path.of(endpoints.getString("raTokenFile"))).strip(),
        () -> approver);
    RawAcmeClient acme = new RawAcmeClient(http, endpoints.getString("directoryUrl"));
    RawAcmeClient.expect(acme.register(ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("killed.test"))),
        201, "newAccount");
    HttpResponse<String> order = acme.post(acme.url("newOrder"), new JsonObject().put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "dns").put("value", "www.killed.test"))).encode(), false);
    RawAcmeClient.expect(order, 201, "newOrder");
    String orderUrl = order.headers().firstValue("Location").orElseThrow();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = ec.generateKeyPair();
    HttpResponse<String> fin = acme.post(new JsonObject(order.body()).getString("finalize"),
        RawAcmeClient.csrPayload(csr(key, "www.killed.test")), false);
    RawAcmeClient.expect(fin, 200, "finalize");
    assertEquals("processing", new JsonObject(fin.body()).getString("status"), fin.body());

    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: nothing after the committed finalize runs
    env.remove("HABILIS_TEST_STOP_AFTER_PROCESSING");
    env.put("HABILIS_PROCESSING_RECOVERY_AFTER", "PT1S");
    Process again = start(env);
    try {
      awaitReady(again);
      JsonObject o = new JsonObject(acme.post(orderUrl, "", false).body());
      for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          "processing".equals(o.getString("status")) && System.nanoTime() < deadline; ) {
        Thread.sleep(200);
        o = new JsonObject(acme.post(orderUrl, "", false).body());
      }
      assertEquals("valid", o.getString("status"), o.encode());
      HttpResponse<String> pem = acme.post(o.getString("certificate"), "", false);
      RawAcmeClient.expect(pem, 200, "certificate");
      X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
      assertTrue(o.getString("certificate").endsWith("/" + String.format("%032x", leaf.getSerialNumber())), o.encode());
      assertEquals(key.getPublic(), leaf.getPublicKey());
    } finally {
      again.destroy();
      again.waitFor(30, TimeUnit.SECONDS);
    }
    Run audit = run(Map.of(), 60, "verify-audit");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
  }

  /** One order of the SIGTERM test: its client, URL and key, what finalize answered (status, or the client's error). */
  record Placed(int worker, String url, KeyPair key, String finalized) {}

  /**
   * Issue 17: SIGTERM in the middle of an issuance load (four ACME clients ordering and finalizing
   * in a loop). The process drains and exits 0, and nothing is half-issued: started again with the
   * recovery of processing orders out of reach (PT1H), every order a client created is valid with
   * its certificate (always so when finalize was answered) or still ready, never processing; the
   * audit chain verifies.
   */
  @Test
  void sigtermDuringIssuanceLoadDrainsAndExitsZeroWithNoHalfIssuedOrder() throws Exception {
    // HTTP/1.1: JDK 17's HTTP/2 client closes the connection on the server's GOAWAY, failing the
    // streams the server is still answering ("Connection closed"); see protocol-spec/operations.md.
    String stderr = sigtermUnderLoad(HttpClient.Version.HTTP_1_1, 0);
    assertFalse(stderr.contains("cut"), stderr);
  }

  /**
   * The same over HTTP/2 with JDK 17's client, which drops its connections on the GOAWAY: the
   * requests it gave up count as cut (exit 1), but their finalizations still end before the pool
   * closes, so that no order is left processing.
   */
  @Test
  void sigtermWithClientsDroppingTheirConnectionsLeavesNoOrderProcessing() throws Exception {
    sigtermUnderLoad(HttpClient.Version.HTTP_2, -1);
  }

  /** Runs the load, sends SIGTERM, checks the exit code (-1: 0 or 1) and every order after a restart; returns stderr. */
  private String sigtermUnderLoad(HttpClient.Version version, int exit) throws Exception {
    Map<String, String> env = Map.of("HABILIS_HTTP_PORT", Integer.toString(freePort()),
        "HABILIS_HTTPS_PORT", Integer.toString(freePort()), "HABILIS_CA_KEY_ALGORITHM", "EC-P384",
        "HABILIS_PROCESSING_RECOVERY_AFTER", "PT1H", "HABILIS_SHUTDOWN_GRACE", "PT20S");
    String approver = approverToken();
    Path stderrFile = work.resolve("first.stderr"); // Process.destroy() closes the pipes: stderr goes to a file
    ProcessBuilder first = new ProcessBuilder(command()).directory(work.toFile()).redirectError(stderrFile.toFile());
    first.environment().keySet().removeIf(k -> k.startsWith("HABILIS_"));
    first.environment().putAll(env);
    Process p = first.start();
    awaitReady(p);
    JsonObject endpoints = new JsonObject(Files.readString(work.resolve("habilis-data/endpoints.json")));
    HttpClient http = HttpClient.newBuilder().version(version)
        .sslContext(TestServer.sslContextTrusting(Path.of(endpoints.getString("trustPem")))).build();
    RaFixture ra = new RaFixture(http, endpoints.getString("raUrl"), Files.readString(Path.of(endpoints.getString("raTokenFile"))).strip(),
        () -> approver);
    RaFixture.Credential admin = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("drain.test"));
    int workers = 4;
    List<RawAcmeClient> clients = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      RawAcmeClient c = new RawAcmeClient(http, endpoints.getString("directoryUrl"));
      RawAcmeClient.expect(c.register(i == 0 ? admin : ra.newCredential(admin.cardNumber(), admin.nationalId())), 201, "newAccount");
      clients.add(c);
    }
    java.util.Queue<Placed> placed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicInteger finalized = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService load = java.util.concurrent.Executors.newFixedThreadPool(workers);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      RawAcmeClient acme = clients.get(w);
      int worker = w;
      running.add(load.submit(() -> {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        for (int n = 0; ; n++) {
          String name = "w" + worker + "-" + n + ".drain.test";
          HttpResponse<String> order;
          try {
            order = acme.post(acme.url("newOrder"), new JsonObject().put("identifiers", new JsonArray()
                .add(new JsonObject().put("type", "dns").put("value", name))).encode(), false);
          } catch (IOException stopped) {
            return null;
          }
          if (order.statusCode() != 201) return null; // refused while stopping: the loop ends
          KeyPair key = ec.generateKeyPair();
          String outcome;
          try {
            HttpResponse<String> fin = acme.post(new JsonObject(order.body()).getString("finalize"),
                RawAcmeClient.csrPayload(csr(key, name)), false);
            outcome = fin.statusCode() == 200 ? new JsonObject(fin.body()).getString("status") : "HTTP " + fin.statusCode();
            if (fin.statusCode() == 200) finalized.incrementAndGet();
          } catch (IOException cut) {
            outcome = "no answer";
          }
          placed.add(new Placed(worker, order.headers().firstValue("Location").orElseThrow(), key, outcome));
          if (outcome.equals("no answer")) return null;
        }
      }));
    }
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); finalized.get() < 12 && System.nanoTime() < deadline; ) {
      Thread.sleep(20);
    }
    assertTrue(finalized.get() >= 12, "the load did not get going: " + placed);
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of SIGTERM");
    for (var r : running) r.get(60, TimeUnit.SECONDS);
    load.shutdown();
    String stderr = Files.readString(stderrFile);
    if (exit >= 0) assertEquals(exit, p.exitValue(), stderr);
    else assertTrue(p.exitValue() == 0 || p.exitValue() == 1, p.exitValue() + " " + stderr);
    // The stop compacts the H2 file into a new one: it must stay owner-only (a production start
    // refuses a data directory others can read; the compacted file was 644 before).
    try (var files = Files.list(work.resolve("habilis-data"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
            f + " after the graceful stop");
      }
    }

    Process again = start(env);
    try {
      awaitReady(again);
      Map<String, Integer> statuses = new HashMap<>();
      for (Placed o : placed) {
        RawAcmeClient owner = clients.get(o.worker());
        HttpResponse<String> now = owner.post(o.url(), "", false);
        RawAcmeClient.expect(now, 200, "order " + o.url());
        JsonObject state = new JsonObject(now.body());
        String status = state.getString("status");
        statuses.merge(o.finalized() + " -> " + status, 1, Integer::sum);
        if (o.finalized().equals("valid")) assertEquals("valid", status, o + " " + state.encode());
        assertTrue(status.equals("valid") || status.equals("ready"), "half-issued: " + o + " " + state.encode());
        if (status.equals("valid")) {
          HttpResponse<String> pem = owner.post(state.getString("certificate"), "", false);
          RawAcmeClient.expect(pem, 200, "certificate of " + o.url());
          X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
          assertEquals(o.key().getPublic(), leaf.getPublicKey(), o.url());
        }
      }
      System.out.println("SIGTERM under load over " + version + ": exit " + p.exitValue()
          + ", finalize answer -> status after restart: " + statuses);
    } finally {
      again.destroy();
      again.waitFor(60, TimeUnit.SECONDS);
    }
    assertEquals(0, again.exitValue(), "an idle server drains at once");
    Run audit = run(Map.of(), 60, "verify-audit");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
    return stderr;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static byte[] csr(KeyPair kp, String name) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
    return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + name), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
  }

  private String awaitReady(Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    StringBuilder out = new StringBuilder();
    var reader = p.inputReader(StandardCharsets.UTF_8);
    String line;
    while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
      out.append(line).append('\n');
      if (line.contains("endpoints.json")) return out.toString();
    }
    p.destroyForcibly();
    throw new AssertionError("server did not become ready: " + out + new String(p.getErrorStream().readAllBytes()));
  }

  /**
   * Four-eyes needs a second principal to approve what the shared RA token records: an approver
   * made with the jar's own {@code operator} commands, on the stopped server's data directory
   * (before its first start, as an operator creates the first accounts); the token they print.
   */
  private String approverToken() throws Exception {
    Path pw = work.resolve("approver.pw");
    Files.writeString(pw, "a long approver password\n");
    Run add = run(Map.of(), 60, "operator", "add", "--login", "approver", "--name", "Approver IT",
        "--email", "approver@ra.example.test", "--role", "approver", "--password-file", pw.toString());
    assertEquals(0, add.exit(), add.stderr());
    Run token = run(Map.of(), 60, "operator", "token", "create", "approver", "--name", "jar IT");
    assertEquals(0, token.exit(), token.stderr());
    assertTrue(token.stdout().strip().startsWith("hbo_"), token.stdout());
    return token.stdout().strip();
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(args)).directory(work.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("HABILIS_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private Run run(Map<String, String> env, int timeoutSeconds, String... args) throws Exception {
    Process p = start(env, args);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not exit within " + timeoutSeconds + "s");
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("habilis.jar")));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
