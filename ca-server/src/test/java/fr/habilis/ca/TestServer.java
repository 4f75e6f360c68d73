package fr.habilis.ca;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.store.TestDatabases;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The real server for tests: 127.0.0.1, free ports, a fresh data directory, EC P-384 CA keys
 * (fast to generate; RSA is covered by the issuance tests), H2 in the data directory or, with
 * {@code -Dhabilis.test.db=postgres}, a fresh PostgreSQL database. Close it to stop and delete it.
 */
public final class TestServer implements AutoCloseable {
  private final Vertx vertx;
  private final HabilisServer server;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final HttpClient httpClient;
  private final Map<String, String> operatorTokens = new HashMap<>();
  private boolean stopped;

  private TestServer(Vertx vertx, HabilisServer server, Path dataDir, boolean ownsDataDir) throws Exception {
    this.vertx = vertx;
    this.server = server;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.httpClient = HttpClient.newBuilder().sslContext(sslContextTrusting(server.trustPem()))
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  public static TestServer start() throws Exception {
    return start(Map.of());
  }

  /** Starts with extra settings (config keys such as {@code caKeyAlgorithm}, {@code dataDir}). */
  public static TestServer start(Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>();
    boolean owns = !settings.containsKey("dataDir");
    Path dir = owns ? Files.createTempDirectory("habilis-test") : Path.of(settings.get("dataDir"));
    all.put("dataDir", dir.toString());
    all.put("httpPort", "0");
    all.put("httpsPort", "0");
    all.put("bindAddress", "127.0.0.1");
    all.put("caKeyAlgorithm", "EC-P384");
    all.put("dbPoolSize", "4");
    // -Dhabilis.test.db=postgres: a PostgreSQL database of the test cluster, one per data directory.
    String dbUrl = TestDatabases.urlForDataDir(dir);
    if (dbUrl != null) all.put("dbUrl", dbUrl);
    all.putAll(settings);
    Vertx vertx = Vertx.vertx();
    try {
      HabilisServer server = HabilisServer.start(vertx, HabilisConfig.of(all))
          .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      return new TestServer(vertx, server, dir, owns);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  /** A start that must fail on a configuration error (one line, exit code 2 from the command line): that error. */
  public static fr.habilis.ca.config.ConfigException startFails(Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>(Map.of("httpPort", "0", "httpsPort", "0", "caKeyAlgorithm", "EC-P384",
        "bindAddress", "127.0.0.1"));
    all.putAll(settings);
    Vertx vertx = Vertx.vertx();
    try {
      HabilisServer.start(vertx, HabilisConfig.of(all)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof fr.habilis.ca.config.ConfigException c) return c;
      throw new AssertionError("start failed with " + e.getCause(), e.getCause());
    } finally {
      vertx.close();
    }
    throw new AssertionError("the start did not fail");
  }

  public HabilisServer server() {
    return server;
  }

  public ServerContext context() {
    return server.context();
  }

  public Endpoints endpoints() {
    return server.endpoints();
  }

  public String raToken() {
    return server.raToken();
  }

  /**
   * An API token of operator {@code login} (created with {@code roles} if it does not exist yet;
   * one token per login and server instance). Four-eyes needs a second principal besides the
   * shared RA token to approve what the fixtures record: {@link #approverToken()}.
   */
  public synchronized String operatorToken(String login, Role... roles) throws Exception {
    String token = operatorTokens.get(login);
    if (token != null) return token;
    Operators ops = Operators.of(context());
    if (await(ops.find(login)).isEmpty()) {
      await(ops.create(new Operators.NewOperator(login, "Test " + login, login + "@ra.example.test",
          roles.length == 0 ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(Arrays.asList(roles))),
          ("pw-" + UUID.randomUUID()).toCharArray(), "test"));
    }
    token = await(ops.createToken(login, "test " + UUID.randomUUID(), "test")).token();
    operatorTokens.put(login, token);
    return token;
  }

  /** The token of operator {@code approver} (role approver): approves what the shared token recorded. */
  public String approverToken() throws Exception {
    return operatorToken("approver", Role.APPROVER);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public Path trustPem() {
    return server.trustPem();
  }

  public Path dataDir() {
    return dataDir;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** A java.net.http client that trusts the test root (HTTPS to 127.0.0.1 or localhost). */
  public HttpClient httpClient() {
    return httpClient;
  }

  /** Stops the server but keeps the data directory (for restart tests). */
  public void stop() throws Exception {
    if (stopped) return;
    stopped = true;
    server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      if (ownsDataDir) deleteRecursively(dataDir);
    }
  }

  public static SSLContext sslContextTrusting(Path pem) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ts.setCertificateEntry("ca" + i++, (X509Certificate) c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
    }
  }
}
