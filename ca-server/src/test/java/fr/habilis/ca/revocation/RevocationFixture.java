package fr.habilis.ca.revocation;

import fr.habilis.ca.TestCerts;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.issuance.SerialNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/** Issues real certificates through ACME and talks to the RA and the revocation endpoints. */
public final class RevocationFixture {
  /** An issued certificate with its key and the issuing CA certificate (from the served chain). */
  public record Issued(X509Certificate certificate, X509Certificate issuer, KeyPair key) {
    public String serialHex() {
      return SerialNumbers.toHex(certificate.getSerialNumber());
    }
  }

  public final TestServer server;
  public final RaFixture ra;

  public RevocationFixture(TestServer server) {
    this.server = server;
    this.ra = RaFixture.of(server);
  }

  /** A registered ACME account bound to the credential. */
  public RawAcmeClient account(RaFixture.Credential credential) throws Exception {
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(credential), 201, "newAccount");
    return c;
  }

  public Issued issue(RawAcmeClient client, String name) throws Exception {
    return issue(client, name, ecKey());
  }

  Issued issue(RawAcmeClient client, String name, KeyPair key) throws Exception {
    String pem = client.issue(new JsonObject().put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "dns").put("value", name))), csr(key, name));
    List<X509Certificate> chain = chain(pem);
    return new Issued(chain.get(0), chain.get(1), key);
  }

  static List<X509Certificate> chain(String pem) throws Exception {
    return TestCerts.chain(pem);
  }

  static KeyPair ecKey() throws Exception {
    return TestCerts.ecKey();
  }

  static byte[] csr(KeyPair kp, String name) throws Exception {
    return TestCerts.dnsCsr(kp, name);
  }

  public HttpResponse<String> raPost(String path, JsonObject body) throws Exception {
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + server.raToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> raGet(String path) throws Exception {
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + server.raToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<byte[]> httpGet(String url) throws Exception {
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<byte[]> ocspPost(byte[] request) throws Exception {
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().ocspUrl()))
        .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
