package fr.habilis.client.internal;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider with the SDK's TLS trust and one shared HTTP client. acme4j 3.5 builds
 * a new java.net.http client for every request, which costs a TLS handshake and a selector thread
 * each time; sharing one keeps connections alive across the requests of a session.
 */
public final class TrustingProvider extends GenericAcmeProvider {
  private final SSLContext sslContext;
  private volatile HttpClient shared;

  public TrustingProvider(SSLContext sslContext) {
    this.sslContext = sslContext;
  }

  @Override
  protected HttpConnector createHttpConnector(NetworkSettings settings) {
    return new HttpConnector(settings) {
      @Override
      public HttpClient.Builder createClientBuilder() {
        HttpClient client = shared;
        if (client == null) {
          synchronized (TrustingProvider.this) {
            if (shared == null) shared = super.createClientBuilder().sslContext(sslContext).build();
            client = shared;
          }
        }
        return new Built(client);
      }
    };
  }

  /** A builder that hands out an already built client (acme4j only calls build()). */
  private static final class Built implements HttpClient.Builder {
    private final HttpClient client;

    Built(HttpClient client) {
      this.client = client;
    }

    @Override public HttpClient.Builder cookieHandler(CookieHandler h) { return this; }
    @Override public HttpClient.Builder connectTimeout(Duration d) { return this; }
    @Override public HttpClient.Builder sslContext(SSLContext c) { return this; }
    @Override public HttpClient.Builder sslParameters(SSLParameters p) { return this; }
    @Override public HttpClient.Builder executor(Executor e) { return this; }
    @Override public HttpClient.Builder followRedirects(HttpClient.Redirect r) { return this; }
    @Override public HttpClient.Builder version(HttpClient.Version v) { return this; }
    @Override public HttpClient.Builder priority(int p) { return this; }
    @Override public HttpClient.Builder proxy(ProxySelector s) { return this; }
    @Override public HttpClient.Builder authenticator(Authenticator a) { return this; }

    @Override
    public HttpClient build() {
      return client;
    }
  }
}
