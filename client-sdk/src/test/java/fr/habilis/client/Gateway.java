package fr.habilis.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A reverse proxy in front of the CA, as nginx or a load balancer is in production (the CA's
 * {@code publicUrl} points at it), that can be told to fail the next requests to a path: answer
 * 503 without forwarding (maintenance), forward and then lose the answer (504 Gateway Timeout, or
 * the connection dropped: the client cannot know whether the server acted), or answer a 200 HTML
 * maintenance page. It serves the CA's own TLS certificate, so clients trust it as the CA.
 */
final class Gateway implements AutoCloseable {
  enum Fault {
    /** 503 Service Unavailable (HTML), the request not forwarded. */
    UNAVAILABLE,
    /** Forwarded; the server's successful (2xx) answer replaced by 504 Gateway Timeout (HTML). */
    LOST_RESPONSE,
    /** Forwarded; the server's successful (2xx) answer dropped: the connection closes without any. */
    DROPPED_RESPONSE,
    /** 200 with an HTML maintenance page, the request not forwarded. */
    MAINTENANCE_PAGE
  }

  /** What went through: method, path, the server's status (0 when not forwarded) and the fault applied. */
  record Exchange(String method, String path, int upstreamStatus, Fault fault) {}

  private record Rule(Pattern path, Fault fault, int[] remaining) {}

  private static final Set<String> REQUEST_HEADERS = Set.of("content-type", "accept", "accept-language", "user-agent", "authorization");
  private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
      "date", "server");

  private final HttpsServer server;
  private final ExecutorService executor;
  private final HttpClient upstreamClient;
  private volatile URI upstream;
  private final List<Rule> rules = Collections.synchronizedList(new ArrayList<>());
  private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());

  private Gateway(HttpsServer server, ExecutorService executor, HttpClient upstreamClient) {
    this.server = server;
    this.executor = executor;
    this.upstreamClient = upstreamClient;
  }

  /** Listens on a free loopback port with the CA's TLS key and chain; forwards to {@link #upstream(URI)}. */
  static Gateway start(Path tlsChainPem, Path tlsKeyPem, SSLContext upstreamTrust) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers(tlsChainPem, tlsKeyPem), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "gateway");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    HttpClient client = HttpClient.newBuilder().sslContext(upstreamTrust).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    Gateway g = new Gateway(server, executor, client);
    server.createContext("/", g::handle);
    server.start();
    return g;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The public base URL to give the CA ({@code publicUrl}). */
  String publicUrl() {
    return "https://localhost:" + port();
  }

  /** The CA's own listener, e.g. {@code https://localhost:8443}. */
  void upstream(URI base) {
    this.upstream = base;
  }

  /** Applies {@code fault} to the next {@code times} requests whose path matches {@code pathRegex} (whole path). */
  void fail(String pathRegex, Fault fault, int times) {
    rules.add(new Rule(Pattern.compile(pathRegex), fault, new int[] {times}));
  }

  void clearFaults() {
    rules.clear();
  }

  /** No fault armed, nothing recorded. */
  void reset() {
    rules.clear();
    exchanges.clear();
  }

  List<Exchange> exchanges() {
    synchronized (exchanges) {
      return List.copyOf(exchanges);
    }
  }

  /** The exchanges whose path matches {@code pathRegex}, in order. */
  List<Exchange> exchanges(String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    List<Exchange> out = new ArrayList<>();
    for (Exchange e : exchanges()) if (p.matcher(e.path()).matches()) out.add(e);
    return out;
  }

  /**
   * The fault for this request, consumed. UNAVAILABLE and MAINTENANCE_PAGE are taken before
   * forwarding; the lost-answer faults only once the server has acted ({@code upstreamStatus} 2xx),
   * so that a request the server refused anyway (a badNonce) does not use them up.
   */
  private Fault take(String path, int upstreamStatus) {
    synchronized (rules) {
      for (Rule r : rules) {
        if (r.remaining()[0] <= 0 || !r.path().matcher(path).matches()) continue;
        boolean lost = r.fault() == Fault.LOST_RESPONSE || r.fault() == Fault.DROPPED_RESPONSE;
        if (upstreamStatus == 0 ? lost : !lost || upstreamStatus / 100 != 2) continue;
        r.remaining()[0]--;
        return r.fault();
      }
    }
    return null;
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    Fault fault = take(path, 0);
    try {
      if (fault == Fault.UNAVAILABLE) {
        exchanges.add(new Exchange(method, path, 0, fault));
        html(ex, 503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
        return;
      }
      if (fault == Fault.MAINTENANCE_PAGE) {
        exchanges.add(new Exchange(method, path, 0, fault));
        html(ex, 200, "<html><body><h1>Maintenance en cours</h1></body></html>");
        return;
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(path + (query == null ? "" : "?" + query)))
          .timeout(Duration.ofSeconds(30))
          .method(method, body.length == 0 && !method.equals("POST") ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      ex.getRequestHeaders().forEach((name, values) -> {
        if (REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) for (String v : values) b.header(name, v);
      });
      HttpResponse<byte[]> r;
      try {
        r = upstreamClient.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        exchanges.add(new Exchange(method, path, 0, null));
        html(ex, 502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        return;
      }
      fault = take(path, r.statusCode());
      exchanges.add(new Exchange(method, path, r.statusCode(), fault));
      if (fault == Fault.LOST_RESPONSE) {
        html(ex, 504, "<html><body><h1>504 Gateway Time-out</h1></body></html>");
        return;
      }
      if (fault == Fault.DROPPED_RESPONSE) {
        // No status line at all: the client sees the connection closed under its request.
        throw new IOException("response dropped by the test gateway");
      }
      r.headers().map().forEach((name, values) -> {
        String n = name.toLowerCase(Locale.ROOT);
        if (!n.startsWith(":") && !HOP_BY_HOP.contains(n)) ex.getResponseHeaders().put(name, values);
      });
      byte[] out = r.body();
      boolean noBody = method.equals("HEAD") || r.statusCode() == 204 || r.statusCode() == 304;
      ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : out.length == 0 ? -1 : out.length);
      if (!noBody && out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      if (fault != Fault.DROPPED_RESPONSE) ex.close();
    }
  }

  private static void html(HttpExchange ex, int status, String page) throws IOException {
    byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static javax.net.ssl.KeyManager[] keyManagers(Path chainPem, Path keyPem) throws Exception {
    List<Certificate> chain = new ArrayList<>();
    try (InputStream in = Files.newInputStream(chainPem)) {
      chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    PrivateKey key;
    try (Reader r = Files.newBufferedReader(keyPem); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      key = o instanceof PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate() : conv.getPrivateKey((PrivateKeyInfo) o);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "gateway".toCharArray();
    ks.setKeyEntry("tls", key, pw, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    return kmf.getKeyManagers();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
