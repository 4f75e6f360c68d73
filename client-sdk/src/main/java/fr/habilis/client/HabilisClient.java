package fr.habilis.client;

import fr.habilis.client.internal.Operation;
import fr.habilis.client.internal.TrustingProvider;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Resource;

/**
 * The entry point: a connection to a Habilis CA's ACME directory.
 *
 * <pre>
 * HabilisClient client = HabilisClient.connect(URI.create("https://ca.example/acme/directory"),
 *     Trust.withPem(Path.of("root.pem")));
 * HabilisAccount account = client.register(EabCredential.of(kid, hmacKey), KeyType.EC_P256.generate(), List.of());
 * IssuedCertificate cert = account.order(CertificateRequest.of(Product.ORG_AUTH_CLI)
 *     .structure("318751275100020").serviceApplicatif("INSI-AUTO").build());
 * </pre>
 *
 * Thread-safe; one instance per CA is enough for a whole application.
 */
public final class HabilisClient {
  private final URI directory;
  private final TrustingProvider provider;
  private final ClientSettings settings;
  /**
   * acme4j's Session (nonce, directory cache) is not thread-safe: each thread gets its own, all
   * sharing one provider and so one HTTP client and its connections. Two threads on one session
   * would send the same nonce and waste a request on badNonce.
   */
  private final ThreadLocal<Session> sessions = ThreadLocal.withInitial(this::newSession);
  private volatile Boolean renewalInfo;

  private HabilisClient(URI directory, TrustingProvider provider, ClientSettings settings) {
    this.directory = directory;
    this.provider = provider;
    this.settings = settings;
  }

  private Session newSession() {
    Session s = new Session(directory, provider);
    s.networkSettings().setTimeout(settings.requestTimeout());
    return s;
  }

  /** This thread's acme4j session. */
  Session session() {
    return sessions.get();
  }

  /** Connects with default timeouts; see {@link #connect(URI, Trust, ClientSettings)}. */
  public static HabilisClient connect(URI directoryUrl, Trust trust) throws HabilisException {
    return connect(directoryUrl, trust, ClientSettings.defaults());
  }

  /**
   * Reads the CA's directory (retrying while the server is unreachable, up to the operation
   * timeout) and checks that it is a CA with External Account Binding.
   */
  public static HabilisClient connect(URI directoryUrl, Trust trust, ClientSettings settings) throws HabilisException {
    Objects.requireNonNull(directoryUrl, "directoryUrl");
    if (!"https".equalsIgnoreCase(directoryUrl.getScheme())) {
      throw new IllegalArgumentException("the ACME directory must be an https:// URL, not " + directoryUrl);
    }
    HabilisClient client = new HabilisClient(directoryUrl, new TrustingProvider(trust.sslContext()), settings);
    new Operation("connecting to " + directoryUrl, settings, ProgressListener.NONE)
        .call("reading the directory", () -> client.session().getMetadata());
    return client;
  }

  public URI directory() {
    return directory;
  }

  ClientSettings settings() {
    return settings;
  }

  /**
   * Creates the ACME account for {@code accountKey}, bound to the administrator the credential was
   * issued for. The credential is consumed: keep the key (and {@link HabilisAccount#location()}).
   */
  public HabilisAccount register(EabCredential eab, KeyPair accountKey, List<String> contactEmails) throws HabilisException {
    Operation op = new Operation("registering the account", settings, ProgressListener.NONE);
    Login login = op.call("creating the account", () -> {
      AccountBuilder b = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey)
          .withKeyIdentifier(eab.keyId(), eab.hmacKey());
      for (String e : contactEmails) b.addEmail(e);
      return b.createLogin(session());
    });
    return new HabilisAccount(this, login.getAccountLocation(), accountKey);
  }

  /** The existing account of {@code accountKey} (RFC 8555 §7.3.1 onlyReturnExisting). */
  public HabilisAccount findAccount(KeyPair accountKey) throws HabilisException {
    Operation op = new Operation("finding the account", settings, ProgressListener.NONE);
    Login login = op.call("looking the account up", () ->
        new AccountBuilder().onlyExisting().useKeyPair(accountKey).createLogin(session()));
    return new HabilisAccount(this, login.getAccountLocation(), accountKey);
  }

  /** The account at a known URL, without a request. */
  public HabilisAccount login(URL accountUrl, KeyPair accountKey) {
    return new HabilisAccount(this, accountUrl, accountKey);
  }

  /** True when the server offers renewalInfo (RFC 9773): windows and {@code replaces} then come from it. */
  public boolean offersRenewalInfo() throws HabilisException {
    Boolean known = renewalInfo;
    if (known == null) {
      known = new Operation("reading the directory", settings, ProgressListener.NONE)
          .call("reading the directory", () -> session().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent());
      renewalInfo = known;
    }
    return known;
  }

  /** The products (ACME profiles) the server issues. */
  public List<String> products() throws HabilisException {
    Metadata meta = new Operation("reading the directory", settings, ProgressListener.NONE)
        .call("reading the directory", () -> session().getMetadata());
    return new ArrayList<>(meta.getProfiles());
  }
}
