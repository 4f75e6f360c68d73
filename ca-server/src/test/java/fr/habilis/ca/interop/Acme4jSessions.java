package fr.habilis.ca.interop;

import fr.habilis.ca.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/** acme4j (4.0, unmodified) sessions on a test server, trusting its root, for the interop tests. */
public final class Acme4jSessions {
  private Acme4jSessions() {}

  /** acme4j's generic provider with an HTTP client that trusts the test hierarchy's root. */
  private static final class TrustingProvider extends GenericAcmeProvider {
    private final TestServer server;

    TrustingProvider(TestServer server) {
      this.server = server;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
      try {
        return HttpClient.newBuilder().sslContext(TestServer.sslContextTrusting(server.trustPem()))
            .connectTimeout(Duration.ofSeconds(10)).build();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static Session session(TestServer server) {
    return new Session(URI.create(server.endpoints().directoryUrl()), new TrustingProvider(server));
  }

  public static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}
