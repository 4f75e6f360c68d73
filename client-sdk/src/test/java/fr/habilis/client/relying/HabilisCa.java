package fr.habilis.client.relying;

import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.pki.IssuingCa;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * The real Habilis CA for these tests: started on free loopback ports, an administrator
 * habilitated for ORG through the RA API, and ORG_AUTH_CLI certificates obtained through acme4j
 * 3.5.1 (the SDK's ACME library) with External Account Binding.
 */
final class HabilisCa implements AutoCloseable {
  final TestServer server;
  final X509Certificate root;
  private final RaFixture ra;
  private final RaFixture.Credential admin;
  private final Login login;
  private final HttpClient plainHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A certificate as the client holds it: its key, and the chain leaf first. */
  record Issued(KeyPair key, List<X509Certificate> chain, org.shredzone.acme4j.Certificate acme) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    BigInteger serial() {
      return leaf().getSerialNumber();
    }
  }

  /** acme4j 3.5's generic provider with an HTTP client that trusts the test root. */
  static final class TrustingProvider extends GenericAcmeProvider {
    private final SSLContext ssl;

    TrustingProvider(SSLContext ssl) {
      this.ssl = ssl;
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
      return new HttpConnector(settings) {
        @Override
        public HttpClient.Builder createClientBuilder() {
          return super.createClientBuilder().sslContext(ssl);
        }
      };
    }
  }

  private HabilisCa(TestServer server) throws Exception {
    this.server = server;
    try (InputStream in = Files.newInputStream(server.trustPem())) {
      root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789", new JsonArray().add(new JsonObject().put("offer", "ORG")));
    Session session = new Session(URI.create(server.endpoints().directoryUrl()),
        new TrustingProvider(TestServer.sslContextTrusting(server.trustPem())));
    login = new AccountBuilder().agreeToTermsOfService().addEmail("admin@example.test").useKeyPair(ecKey())
        .withKeyIdentifier(admin.eabKid(), admin.eabHmacKey()).createLogin(session);
  }

  static HabilisCa start(Map<String, String> settings) throws Exception {
    TestServer server = TestServer.start(settings);
    try {
      return new HabilisCa(server);
    } catch (Exception e) {
      server.close();
      throw e;
    }
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** An ORG_AUTH_CLI certificate (TLS client authentication) whose service applicatif (CN) is {@code cn}. */
  Issued issueAuthCli(String cn) throws Exception {
    KeyPair key = ecKey();
    Order order = login.newOrder().identifier(new Identifier("structure", admin.nationalId())).profile("ORG_AUTH_CLI").create();
    byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + cn), key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    order.execute(csr);
    assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)));
    org.shredzone.acme4j.Certificate cert = order.getCertificate();
    return new Issued(key, cert.getCertificateChain(), cert);
  }

  /** RFC 8555 §7.6 revocation by the ordering account. */
  void revokeThroughAcme(Issued issued, RevocationReason reason) throws Exception {
    issued.acme().revoke(reason);
  }

  /** The RA operator's revocation, {@code reason} an RFC 5280 name such as {@code affiliationChanged}. */
  void revokeThroughRa(Issued issued, String reason) throws Exception {
    HttpResponse<String> r = server.httpClient().send(HttpRequest.newBuilder(
            URI.create(server.endpoints().raUrl() + "/certificates/" + issued.serial().toString(16) + "/revoke"))
        .header("Authorization", "Bearer " + server.raToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("reason", reason).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  IssuingCa orgCa() {
    return server.context().ca().org();
  }

  URI ocspUrl() {
    return URI.create(server.endpoints().ocspUrl());
  }

  URI orgCrlUrl() {
    return URI.create(server.endpoints().crlUrl("org"));
  }

  /** The port of the plain-HTTP listener, where CRLs and OCSP are served. */
  int httpPort() {
    return ocspUrl().getPort();
  }

  byte[] get(URI url) throws Exception {
    HttpResponse<byte[]> r = plainHttp.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url.toString());
    return r.body();
  }

  /** The served org CRL, once it lists every one of {@code serials} (the CA coalesces revocations briefly). */
  byte[] orgCrlListing(BigInteger... serials) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      byte[] der = get(orgCrlUrl());
      X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
      boolean all = true;
      for (BigInteger s : serials) all &= crl.getRevokedCertificate(s) != null;
      if (all) return der;
      if (System.nanoTime() > deadline) throw new AssertionError("the CRL does not list the revoked certificates");
      Thread.sleep(100);
    }
  }

  /** The responder's answer to the request a RevocationChecker sends (SHA-1 CertID, no nonce). */
  byte[] ocspResponse(Issued issued) throws Exception {
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(issued.chain().get(1)), issued.serial());
    byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
    HttpResponse<byte[]> r = plainHttp.send(HttpRequest.newBuilder(ocspUrl())
        .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  /** Stops the CA but keeps the in-memory key material readable (for crafting responses). */
  void stop() throws Exception {
    server.stop();
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
