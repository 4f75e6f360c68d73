package fr.habilis.client;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
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
 * for the mail domain example.test.
 */
public final class CaFixture implements AutoCloseable {
  public static final String SIRET = "18751275100020";
  public static final String NATIONAL_ID = "318751275100020";
  public static final String CARD = "0123456789";

  /** The running server; replaced by {@link #replaceServer} after a restart test. */
  public volatile TestServer server;
  private final java.nio.file.Path dataDir;
  public final RaFixture ra;
  public final Map<String, String> settings;
  private RaFixture.Credential first;

  private CaFixture(TestServer server, Map<String, String> settings) {
    this.server = server;
    this.dataDir = server.dataDir();
    this.settings = settings;
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

  /** Adopts a server restarted on the same data directory and ports. */
  public void replaceServer(TestServer restarted) {
    this.server = restarted;
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      TestServer.deleteRecursively(dataDir);
    }
  }
}
