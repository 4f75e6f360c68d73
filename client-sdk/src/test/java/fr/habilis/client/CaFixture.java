package fr.habilis.client;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real CA for the SDK's tests (free loopback ports, fresh data directory) with an administrator
 * habilitated for every offer: ORG for the structure, SERV_SSL for example.test, SERV_SMIME and PRO
 * for the mail domain example.test, with one professional recorded under PRO ({@link #PRO_EMAIL}). {@link #stop()}, {@link #startAgain(Map)} and {@link #restart()}
 * stop and start it again on the same data directory and ports (account, orders, nonce key survive).
 */
public final class CaFixture implements AutoCloseable {
  public static final String SIRET = "18751275100020";
  public static final String NATIONAL_ID = "318751275100020";
  public static final String CARD = "0123456789";
  /** The professional the RA records under the PRO offer, and the CN their certificates carry. */
  public static final String PRO_EMAIL = "jeanne.dupont@example.test";
  public static final String PRO_CN = "810001234565/DUPONT Hélène";

  /** The running server (a new instance after each restart). */
  public volatile TestServer server;
  public volatile RaFixture ra;
  /** The settings the server runs with (those of the last start). */
  public volatile Map<String, String> settings;
  private final TestServer original;
  private RaFixture.Credential first;

  private CaFixture(TestServer server, Map<String, String> settings) {
    this.server = server;
    this.original = server;
    this.settings = Map.copyOf(settings);
    this.ra = RaFixture.of(server);
  }

  public static CaFixture start() throws Exception {
    return start(Map.of());
  }

  /** Starts the CA with extra settings (e.g. certificateValidity, testNonceRejectPercent). */
  public static CaFixture start(Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>(settings);
    CaFixture f = new CaFixture(TestServer.start(all), all);
    JsonArray offers = RaFixture.servSsl("example.test")
        .add(new JsonObject().put("offer", "ORG"))
        .add(new JsonObject().put("offer", "SERV_SMIME").put("mailDomain", "example.test").put("restricted", false))
        .add(new JsonObject().put("offer", "PRO").put("mailDomain", "example.test").put("restricted", false));
    f.first = f.ra.habilitate(SIRET, CARD, offers);
    String reference = f.ra.get("/habilitations?structure=" + NATIONAL_ID).getJsonArray("habilitations").getJsonObject(0)
        .getString("reference");
    f.ra.post("/habilitations/" + reference + "/professionals", new JsonObject().put("idType", "RPPS")
        .put("idValue", "10001234565").put("lastName", "Dupont").put("firstName", "Hélène").put("email", PRO_EMAIL), 201);
    return f;
  }

  public URI directory() {
    return URI.create(server.endpoints().directoryUrl());
  }

  public Trust trust() throws Exception {
    return Trust.withPem(server.trustPem());
  }

  /** A fresh EAB credential for the habilitated administrator (each binds one account). */
  public EabCredential credential() throws Exception {
    RaFixture.Credential c;
    if (first != null) {
      c = first;
      first = null;
    } else {
      c = ra.newCredential(CARD, NATIONAL_ID);
    }
    return EabCredential.of(c.eabKid(), c.eabHmacKey());
  }

  public HabilisClient client() throws Exception {
    return HabilisClient.connect(directory(), trust());
  }

  public HabilisAccount newAccount() throws Exception {
    return client().register(credential(), KeyType.EC_P256.generate(), List.of("admin@example.test"));
  }

  public X509Certificate root() throws Exception {
    try (InputStream in = Files.newInputStream(server.trustPem())) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** Java's PKIX validator, revocation off: the chain leads to the test root. */
  public void validate(List<X509Certificate> chain) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }

  public int httpsPort() {
    return server.context().config().getInt(Setting.HTTPS_PORT);
  }

  public int httpPort() {
    return server.context().config().getInt(Setting.HTTP_PORT);
  }

  public Path dataDir() {
    return server.dataDir();
  }

  /** Stops the server, keeping its data directory and remembering its ports. */
  public synchronized void stop() throws Exception {
    server.stop();
  }

  /** Starts the stopped server again on the same data and ports, with the same settings. */
  public void startAgain() throws Exception {
    startAgain(Map.of());
  }

  /**
   * Starts the stopped server again on the same data directory and ports, with the settings of
   * the last start overridden by {@code overrides} (e.g. testNonceRejectPercent, publicUrl).
   */
  public synchronized void startAgain(Map<String, String> overrides) throws Exception {
    TestServer stopped = server;
    Map<String, String> all = new HashMap<>(settings);
    all.putAll(overrides);
    all.put("dataDir", stopped.dataDir().toString());
    all.put("httpsPort", Integer.toString(stopped.context().config().getInt(Setting.HTTPS_PORT)));
    all.put("httpPort", Integer.toString(stopped.context().config().getInt(Setting.HTTP_PORT)));
    TestServer started = TestServer.start(all);
    all.remove("dataDir");
    all.remove("httpsPort");
    all.remove("httpPort");
    settings = Map.copyOf(all);
    server = started;
    ra = RaFixture.of(started);
  }

  /** Stops and starts again on the same data and ports. */
  public void restart() throws Exception {
    restart(Map.of());
  }

  public synchronized void restart(Map<String, String> overrides) throws Exception {
    stop();
    startAgain(overrides);
  }

  /** Stops the server and deletes the data directory (the first instance created it). */
  @Override
  public synchronized void close() throws Exception {
    try {
      server.close();
    } finally {
      original.close();
    }
  }
}
