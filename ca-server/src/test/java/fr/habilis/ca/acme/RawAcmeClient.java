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
import java.time.Duration;
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

  /**
   * Orders, finalizes with the CSR, waits for the certificate and downloads it; returns the PEM
   * chain. A generic flow: against a server whose authorizations are pending (e.g. Pebble with
   * validation switched off, for the benchmark's baseline) it answers each one's http-01 challenge
   * and polls until it is valid; Habilis creates them valid, so it goes straight to finalize.
   */
  public String issue(JsonObject orderPayload, byte[] csr) throws Exception {
    HttpResponse<String> order = post(url("newOrder"), orderPayload.encode(), false);
    expect(order, 201, "newOrder");
    String orderUrl = order.headers().firstValue("Location").orElseThrow();
    JsonObject o = new JsonObject(order.body());
    if ("pending".equals(o.getString("status"))) {
      for (Object authz : o.getJsonArray("authorizations")) authorize((String) authz);
      o = pollWhile(orderUrl, o, "pending", "order");
    }
    HttpResponse<String> fin = post(o.getString("finalize"), csrPayload(csr), false);
    expect(fin, 200, "finalize");
    o = pollWhile(orderUrl, new JsonObject(fin.body()), "processing", "order");
    if (!"valid".equals(o.getString("status"))) throw new IllegalStateException("order not valid: " + o);
    HttpResponse<String> cert = post(o.getString("certificate"), "", false);
    expect(cert, 200, "certificate");
    if (!cert.body().startsWith("-----BEGIN CERTIFICATE-----")) throw new IllegalStateException("not a PEM chain");
    return cert.body();
  }

  /** Answers a pending authorization's http-01 challenge and waits until the authorization is valid. */
  private void authorize(String authzUrl) throws Exception {
    HttpResponse<String> r = post(authzUrl, "", false);
    expect(r, 200, "authorization");
    JsonObject a = new JsonObject(r.body());
    if (!"pending".equals(a.getString("status"))) return;
    JsonObject pending = a;
    JsonObject http01 = a.getJsonArray("challenges").stream().map(JsonObject.class::cast)
        .filter(ch -> "http-01".equals(ch.getString("type"))).findFirst()
        .orElseThrow(() -> new IllegalStateException("no http-01 challenge: " + pending));
    expect(post(http01.getString("url"), "{}", false), 200, "challenge");
    a = pollWhile(authzUrl, a, "pending", "authorization");
    if (!"valid".equals(a.getString("status"))) throw new IllegalStateException("authorization not valid: " + a);
  }

  /** Polls (POST-as-GET) while the resource has the given status, honouring Retry-After up to 1 s. */
  private JsonObject pollWhile(String url, JsonObject current, String status, String what) throws Exception {
    long retryMillis = 1;
    for (int i = 0; status.equals(current.getString("status")); i++) {
      if (i == 10_000) throw new IllegalStateException(what + " still " + status + ": " + current);
      Thread.sleep(retryMillis);
      HttpResponse<String> poll = post(url, "", false);
      expect(poll, 200, what);
      current = new JsonObject(poll.body());
      retryMillis = poll.headers().firstValue("Retry-After").map(RawAcmeClient::retryMillis).orElse(1L);
    }
    return current;
  }

  private static long retryMillis(String retryAfter) {
    try {
      return Math.min(1000, Long.parseLong(retryAfter.trim()) * 1000);
    } catch (NumberFormatException httpDate) {
      return 1000;
    }
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
    // A server that stops answering fails the flow instead of hanging the test or the benchmark.
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
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
