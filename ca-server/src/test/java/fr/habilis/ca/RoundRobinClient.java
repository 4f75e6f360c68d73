package fr.habilis.ca;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A load balancer in a test's client: requests to the public base URLs (what every instance is
 * configured with, and puts in its directory and Location headers) go, in turn, to each
 * instance's real listener. Each request goes to the next instance, whatever the connection.
 */
public final class RoundRobinClient extends HttpClient {
  private final HttpClient delegate;
  private final String publicHttps;
  private final String publicHttp;
  private final List<TestServer> instances;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger[] served;
  private final AtomicInteger failures = new AtomicInteger();

  public RoundRobinClient(HttpClient delegate, String publicHttps, String publicHttp, List<TestServer> instances) {
    this.delegate = delegate;
    this.publicHttps = publicHttps;
    this.publicHttp = publicHttp;
    this.instances = instances;
    this.served = new AtomicInteger[instances.size()];
    for (int i = 0; i < served.length; i++) served[i] = new AtomicInteger();
  }

  /** Responses with a 4xx or 5xx status (a badNonce the ACME client retried silently among them). */
  public int failures() {
    return failures.get();
  }

  /** Requests sent to instance {@code i}. */
  public int served(int i) {
    return served[i].get();
  }

  private HttpRequest route(HttpRequest request) {
    int i = Math.floorMod(next.getAndIncrement(), instances.size());
    served[i].incrementAndGet();
    TestServer target = instances.get(i);
    String uri = request.uri().toString();
    String rewritten = uri.startsWith(publicHttps) ? "https://127.0.0.1:" + target.server().endpointsJson().getInteger("httpsPort")
        + uri.substring(publicHttps.length())
        : uri.startsWith(publicHttp) ? "http://127.0.0.1:" + target.server().endpointsJson().getInteger("httpPort")
        + uri.substring(publicHttp.length()) : uri;
    return HttpRequest.newBuilder(request, (name, value) -> true).uri(URI.create(rewritten)).build();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    HttpResponse<T> r = delegate.send(route(request), handler);
    if (r.statusCode() >= 400) failures.incrementAndGet();
    return r;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return delegate.sendAsync(route(request), handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> push) {
    return delegate.sendAsync(route(request), handler, push);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
