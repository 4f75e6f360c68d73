package fr.habilis.ca.acme;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;

/**
 * A deliberately low-level ACME client for tests and the load generator: it signs exactly what it
 * is told, so tests can also send what a well-behaved client never would.
 */
public final class RawAcmeClient {
  public final HttpClient http;
  public final JsonObject directory;
  public JWK key;
  public JWSSigner signer;
  public JWSAlgorithm alg;
  public String accountUrl;
  public String nonce;

  public RawAcmeClient(HttpClient http, String directoryUrl) throws Exception {
    this(http, directoryUrl, new ECKeyGenerator(Curve.P_256).generate());
  }

  public RawAcmeClient(HttpClient http, String directoryUrl, ECKey key) throws Exception {
    this.http = http;
    HttpResponse<String> d = http.send(HttpRequest.newBuilder(URI.create(directoryUrl)).build(),
        HttpResponse.BodyHandlers.ofString());
    this.directory = new JsonObject(d.body());
    useKey(key, JWSAlgorithm.ES256, new ECDSASigner(key));
  }

  public void useKey(JWK key, JWSAlgorithm alg, JWSSigner signer) {
    this.key = key;
    this.alg = alg;
    this.signer = signer;
  }

  public String url(String resource) {
    return directory.getString(resource);
  }

  /** newAccount with an External Account Binding over the current key. */
  public HttpResponse<String> register(RaFixture.Credential eab) throws Exception {
    HttpResponse<String> r = post(url("newAccount"), newAccountPayload(eab).encode(), true);
    if (r.statusCode() == 201 || r.statusCode() == 200) accountUrl = r.headers().firstValue("Location").orElseThrow();
    return r;
  }

  public JsonObject newAccountPayload(RaFixture.Credential eab) throws Exception {
    JsonObject payload = new JsonObject().put("termsOfServiceAgreed", true)
        .put("contact", new JsonArray().add("mailto:admin@example.test"));
    if (eab != null) payload.put("externalAccountBinding", eabJws(eab, url("newAccount"), key));
    return payload;
  }

  public static Map<String, Object> eabJws(RaFixture.Credential eab, String url, JWK accountKey) throws Exception {
    JWSObject binding = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(eab.eabKid())
        .customParam("url", url).build(), new Payload(accountKey.toPublicJWK().toJSONObject()));
    binding.sign(new MACSigner(Base64.getUrlDecoder().decode(eab.eabHmacKey())));
    return flattened(binding);
  }

  /** Orders, finalizes with the CSR, waits for the certificate and downloads it; returns the PEM chain. */
  public String issue(JsonObject orderPayload, byte[] csr) throws Exception {
    HttpResponse<String> order = post(url("newOrder"), orderPayload.encode(), false);
    expect(order, 201, "newOrder");
    String orderUrl = order.headers().firstValue("Location").orElseThrow();
    JsonObject o = new JsonObject(order.body());
    HttpResponse<String> fin = post(o.getString("finalize"), csrPayload(csr), false);
    expect(fin, 200, "finalize");
    o = new JsonObject(fin.body());
    while (!"valid".equals(o.getString("status"))) {
      if ("invalid".equals(o.getString("status"))) throw new IllegalStateException("order invalid: " + o);
      Thread.sleep(5);
      HttpResponse<String> poll = post(orderUrl, "", false);
      expect(poll, 200, "order");
      o = new JsonObject(poll.body());
    }
    HttpResponse<String> cert = post(o.getString("certificate"), "", false);
    expect(cert, 200, "certificate");
    if (!cert.body().startsWith("-----BEGIN CERTIFICATE-----")) throw new IllegalStateException("not a PEM chain");
    return cert.body();
  }

  public static String csrPayload(byte[] csr) {
    return new JsonObject().put("csr", Base64.getUrlEncoder().withoutPadding().encodeToString(csr)).encode();
  }

  public static void expect(HttpResponse<String> r, int status, String what) {
    if (r.statusCode() != status) throw new IllegalStateException(what + ": " + r.statusCode() + " " + r.body());
  }

  /** Signs and posts, with jwk (account creation) or the account's kid; retries a badNonce. */
  public HttpResponse<String> post(String url, String payload, boolean withJwk) throws Exception {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> r = send(url, sign(url, payload, withJwk, freshOrCurrentNonce()), "application/jose+json");
      if (r.statusCode() == 400 && r.body().contains("badNonce") && attempt < 3) continue;
      return r;
    }
  }

  public String freshOrCurrentNonce() throws Exception {
    if (nonce == null) nonce = freshNonce();
    return nonce;
  }

  public String sign(String url, String payload, boolean withJwk, String nonce) throws Exception {
    JWSHeader.Builder h = new JWSHeader.Builder(alg).customParam("nonce", nonce).customParam("url", url);
    if (withJwk) h.jwk(key.toPublicJWK());
    else h.keyID(accountUrl);
    JWSObject jws = new JWSObject(h.build(), new Payload(payload));
    jws.sign(signer);
    return new JsonObject(flattened(jws)).encode();
  }

  public HttpResponse<String> send(String url, String body, String contentType) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    nonce = r.headers().firstValue("Replay-Nonce").orElse(null);
    return r;
  }

  public String freshNonce() throws Exception {
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url("newNonce")))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    return r.headers().firstValue("Replay-Nonce").orElseThrow();
  }

  public static Map<String, Object> flattened(JWSObject jws) {
    String[] parts = jws.serialize().split("\\.", -1);
    return Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2]);
  }
}
