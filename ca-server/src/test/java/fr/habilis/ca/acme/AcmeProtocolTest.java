package fr.habilis.ca.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ACME protocol's edges over real HTTPS: every bad request gets its exact problem and changes nothing. */
class AcmeProtocolTest {
  private static TestServer server;
  private static RaFixture ra;
  private static RaFixture.Credential admin;
  private static String habilitation;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("rateLimitOrdersPerAccount", "25"));
    ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    habilitation = server.context().db().txBlocking(c -> {
      try (ResultSet rs = c.createStatement().executeQuery("SELECT reference FROM habilitations")) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static RawAcmeClient client() throws Exception {
    return new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
  }

  static RawAcmeClient account() throws Exception {
    RawAcmeClient c = client();
    RawAcmeClient.expect(c.register(ra.newCredential(admin.cardNumber(), admin.nationalId())), 201, "newAccount");
    return c;
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static byte[] csr(KeyPair kp, String... names) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    GeneralName[] gn = new GeneralName[names.length];
    for (int i = 0; i < names.length; i++) gn[i] = new GeneralName(GeneralName.dNSName, names[i]);
    ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
    return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + names[0]), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
  }

  static String order(String... names) {
    JsonArray ids = new JsonArray();
    for (String n : names) ids.add(new JsonObject().put("type", "dns").put("value", n));
    return new JsonObject().put("identifiers", ids).encode();
  }

  static JsonObject problem(HttpResponse<String> r, int status, String type) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject p = new JsonObject(r.body());
    assertEquals("urn:ietf:params:acme:error:" + type, p.getString("type"), r.body());
    assertTrue(r.headers().firstValue("Replay-Nonce").isPresent(), "a fresh nonce even on errors");
    return p;
  }

  static long count(String sql) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (ResultSet rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void directoryAndNonces() throws Exception {
    HttpResponse<String> d = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().directoryUrl())).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonObject dir = new JsonObject(d.body());
    assertTrue(dir.getJsonObject("meta").getBoolean("externalAccountRequired"));
    assertEquals(10, dir.getJsonObject("meta").getJsonObject("profiles").size());
    for (String r : List.of("newNonce", "newAccount", "newOrder", "newAuthz", "keyChange")) assertTrue(dir.containsKey(r), r);
    assertTrue(d.headers().firstValue("Link").orElse("").contains("rel=\"index\""));
    assertEquals("public, max-age=3600", d.headers().firstValue("Cache-Control").orElse(""), "clients may cache the directory");
    HttpResponse<Void> head = server.httpClient().send(HttpRequest.newBuilder(URI.create(dir.getString("newNonce")))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());
    assertEquals("no-store", head.headers().firstValue("Cache-Control").orElse(""));
    HttpResponse<Void> get = server.httpClient().send(HttpRequest.newBuilder(URI.create(dir.getString("newNonce"))).build(),
        HttpResponse.BodyHandlers.discarding());
    assertEquals(204, get.statusCode());
    assertNotEquals(head.headers().firstValue("Replay-Nonce"), get.headers().firstValue("Replay-Nonce"));
  }

  @Test
  void aNonceIsUsedOnce() throws Exception {
    RawAcmeClient c = account();
    String nonce = c.freshNonce();
    String url = c.accountUrl;
    assertEquals(200, c.send(url, c.sign(url, "", false, nonce), "application/jose+json").statusCode());
    problem(c.send(url, c.sign(url, "", false, nonce), "application/jose+json"), 400, "badNonce");
    problem(c.send(url, c.sign(url, "", false, "AAAA"), "application/jose+json"), 400, "badNonce");
  }

  @Test
  void aReplayedNewOrderIsRefusedAndCreatesNothing() throws Exception {
    RawAcmeClient c = account();
    String signed = c.sign(c.url("newOrder"), order("replay.example.test"), false, c.freshNonce());
    assertEquals(201, c.send(c.url("newOrder"), signed, "application/jose+json").statusCode());
    problem(c.send(c.url("newOrder"), signed, "application/jose+json"), 400, "badNonce");
    long account = Long.parseLong(c.accountUrl.substring(c.accountUrl.lastIndexOf('/') + 1));
    assertEquals(1L, (long) server.context().db().txBlocking(conn -> {
      try (ResultSet rs = conn.createStatement().executeQuery("SELECT COUNT(*) FROM acme_orders WHERE account_id = " + account)) {
        rs.next();
        return rs.getLong(1);
      }
    }), "the nonce is spent in the transaction that created the order");
  }

  @Test
  void aReplayedPostAsGetIsBadNonceNotA500() throws Exception {
    // A read spends its nonce too, in its read transaction: on PostgreSQL the replay's failed
    // insert aborts that transaction, which must end as badNonce, not as a database error.
    RawAcmeClient c = account();
    HttpResponse<String> o = c.post(c.url("newOrder"), order("replay-get.example.test"), false);
    String orderUrl = o.headers().firstValue("Location").orElseThrow();
    String signed = c.sign(orderUrl, "", false, c.freshNonce());
    assertEquals(200, c.send(orderUrl, signed, "application/jose+json").statusCode());
    problem(c.send(orderUrl, signed, "application/jose+json"), 400, "badNonce");
  }

  @Test
  void theSignedUrlMustBeTheRequestUrl() throws Exception {
    RawAcmeClient c = account();
    problem(c.send(c.url("newOrder"), c.sign(c.accountUrl, order("www.example.test"), false, c.freshNonce()),
        "application/jose+json"), 403, "unauthorized");
  }

  @Test
  void mediaTypeMethodAndSize() throws Exception {
    RawAcmeClient c = account();
    HttpResponse<String> r = c.send(c.url("newOrder"), c.sign(c.url("newOrder"), order("www.example.test"), false,
        c.freshNonce()), "application/json");
    problem(r, 415, "malformed");
    HttpResponse<String> get = server.httpClient().send(HttpRequest.newBuilder(URI.create(c.url("newOrder"))).build(),
        HttpResponse.BodyHandlers.ofString());
    problem(get, 405, "malformed");
    String huge = "{\"x\":\"" + "a".repeat(70_000) + "\"}";
    problem(c.send(c.url("newOrder"), huge, "application/jose+json"), 413, "malformed");
    problem(c.send(c.url("newOrder"), "not json", "application/jose+json"), 400, "malformed");
  }

  @Test
  void onlyTheAcceptedAlgorithms() throws Exception {
    RawAcmeClient c = account();
    c.useKey(c.key, JWSAlgorithm.HS256, new MACSigner(new byte[32]));
    JsonObject p = problem(c.post(c.url("newOrder"), order("www.example.test"), false), 400, "badSignatureAlgorithm");
    assertEquals(new JsonArray(List.of("RS256", "PS256", "ES256", "ES384", "EdDSA")), p.getJsonArray("algorithms"));
  }

  @Test
  void everyAcceptedAlgorithmCanOpenAnAccountAndOrder() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
    g.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
    var ed = g.generateKeyPair();
    OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519,
        Base64URL.encode(((Ed25519PublicKeyParameters) ed.getPublic()).getEncoded())).build();
    Map<String, Object[]> keys = Map.of(
        "RS256", new Object[] {rsa, JWSAlgorithm.RS256, new RSASSASigner(rsa)},
        "PS256", new Object[] {rsa, JWSAlgorithm.PS256, new RSASSASigner(rsa)},
        "ES384", new Object[] {p384, JWSAlgorithm.ES384, new ECDSASigner(p384)},
        "EdDSA", new Object[] {okp, JWSAlgorithm.EdDSA, new BcEd25519Signer((Ed25519PrivateKeyParameters) ed.getPrivate())});
    for (var e : keys.entrySet()) {
      RawAcmeClient c = client();
      c.useKey((com.nimbusds.jose.jwk.JWK) e.getValue()[0], (JWSAlgorithm) e.getValue()[1], (JWSSigner) e.getValue()[2]);
      HttpResponse<String> r = c.register(ra.newCredential(admin.cardNumber(), admin.nationalId()));
      assertTrue(r.statusCode() == 201 || r.statusCode() == 200, e.getKey() + ": " + r.body());
      assertEquals(201, c.post(c.url("newOrder"), order(e.getKey().toLowerCase() + ".example.test"), false).statusCode(), e.getKey());
    }
  }

  @Test
  void accountsNeedAnUnusedCredential() throws Exception {
    RawAcmeClient c = client();
    problem(c.post(c.url("newAccount"), c.newAccountPayload(null).encode(), true), 403, "externalAccountRequired");
    problem(c.post(c.url("newAccount"), new JsonObject().put("onlyReturnExisting", true).encode(), true), 400, "accountDoesNotExist");
    RaFixture.Credential cred = ra.newCredential(admin.cardNumber(), admin.nationalId());
    JsonObject bad = c.newAccountPayload(cred).put("contact", new JsonArray().add("tel:+33102030405"));
    problem(c.post(c.url("newAccount"), bad.encode(), true), 400, "unsupportedContact");
    RaFixture.Credential forged = new RaFixture.Credential(cred.cardNumber(), cred.eabKid(),
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]), cred.nationalId());
    problem(c.post(c.url("newAccount"), c.newAccountPayload(forged).encode(), true), 403, "unauthorized");
    assertEquals(201, c.register(cred).statusCode());
    // The same key again: the existing account, whatever the credential.
    assertEquals(200, c.register(cred).statusCode());
    RawAcmeClient other = client();
    JsonObject reuse = problem(other.register(cred), 403, "unauthorized");
    assertTrue(reuse.getString("detail").contains("already bound"), reuse.getString("detail"));
  }

  @Test
  void anAccountNeverSeesAnotherAccountsResources() throws Exception {
    RawAcmeClient alice = account();
    RawAcmeClient bob = account();
    HttpResponse<String> o = alice.post(alice.url("newOrder"), order("alice.example.test"), false);
    String orderUrl = o.headers().firstValue("Location").orElseThrow();
    JsonObject order = new JsonObject(o.body());
    problem(bob.post(orderUrl, "", false), 404, "malformed");
    problem(bob.post(order.getJsonArray("authorizations").getString(0), "", false), 404, "malformed");
    problem(bob.post(order.getString("finalize"), RawAcmeClient.csrPayload(csr(ecKey(), "alice.example.test")), false), 404, "malformed");
    problem(bob.post(alice.accountUrl, "", false), 403, "unauthorized");
    String pem = alice.issue(new JsonObject(order("alice2.example.test")), csr(ecKey(), "alice2.example.test"));
    assertTrue(pem.contains("BEGIN CERTIFICATE"));
    String serial = count("SELECT COUNT(*) FROM certificates") > 0 ? server.context().db().txBlocking(c -> {
      try (ResultSet rs = c.createStatement().executeQuery(
          "SELECT serial FROM certificates WHERE common_name = 'alice2.example.test'")) {
        rs.next();
        return rs.getString(1);
      }
    }) : null;
    problem(bob.post(server.endpoints().acmeBase() + "/cert/" + serial, "", false), 404, "malformed");
  }

  @Test
  void concurrentFinalizeIssuesExactlyOnce() throws Exception {
    RawAcmeClient c = account();
    HttpResponse<String> o = c.post(c.url("newOrder"), order("race.example.test"), false);
    String finalizeUrl = new JsonObject(o.body()).getString("finalize");
    long orderId = Long.parseLong(o.headers().firstValue("Location").orElseThrow().replaceAll(".*/", ""));
    byte[] csr = csr(ecKey(), "race.example.test");
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 4; i++) bodies.add(c.sign(finalizeUrl, RawAcmeClient.csrPayload(csr), false, c.freshNonce()));
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (String body : bodies) {
      calls.add(c.http.sendAsync(HttpRequest.newBuilder(URI.create(finalizeUrl)).header("Content-Type", "application/jose+json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    for (var f : calls) {
      HttpResponse<String> r = f.get();
      if (r.statusCode() == 200) ok++;
      else problem(r, 403, "orderNotReady");
    }
    assertEquals(1, ok);
    assertEquals(1, count("SELECT COUNT(*) FROM certificates WHERE order_id = " + orderId));
  }

  @Test
  void concurrentFinalizesOfOrdersWithOneKeyCertifyItOnce() throws Exception {
    RawAcmeClient c = account();
    KeyPair key = ecKey();
    List<String> names = List.of("k1.example.test", "k2.example.test", "k3.example.test", "k4.example.test");
    List<String> urls = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    for (String name : names) {
      HttpResponse<String> o = c.post(c.url("newOrder"), order(name), false);
      assertEquals(201, o.statusCode(), o.body());
      String finalizeUrl = new JsonObject(o.body()).getString("finalize");
      urls.add(finalizeUrl);
      bodies.add(c.sign(finalizeUrl, RawAcmeClient.csrPayload(csr(key, name)), false, c.freshNonce()));
    }
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      calls.add(c.http.sendAsync(HttpRequest.newBuilder(URI.create(urls.get(i))).header("Content-Type", "application/jose+json")
          .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build(), HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    for (var f : calls) {
      HttpResponse<String> r = f.get();
      if (r.statusCode() == 200) ok++;
      else problem(r, 400, "badCSR");
    }
    assertEquals(1, ok, "four orders with one key: one live certificate");
    assertEquals(1, count("SELECT COUNT(*) FROM certificates WHERE common_name IN ('k1.example.test', 'k2.example.test',"
        + " 'k3.example.test', 'k4.example.test')"));
  }

  @Test
  void finalizeRechecksTheHabilitation() throws Exception {
    RaFixture.Credential other = ra.habilitate("18751275100038", "0123456790", RaFixture.servSsl("revoked.test"));
    RawAcmeClient c = client();
    c.register(other);
    HttpResponse<String> o = c.post(c.url("newOrder"), order("www.revoked.test"), false);
    assertEquals(201, o.statusCode(), o.body());
    String reference = server.context().db().txBlocking(conn -> {
      try (ResultSet rs = conn.createStatement().executeQuery(
          "SELECT habilitation_ref FROM acme_orders WHERE identifiers LIKE '%www.revoked.test%'")) {
        rs.next();
        return rs.getString(1);
      }
    });
    HttpResponse<String> revoke = server.httpClient().send(HttpRequest.newBuilder(
            URI.create(server.endpoints().raUrl() + "/habilitations/" + reference + "/revoke"))
        .header("Authorization", "Bearer " + server.raToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"contract ended\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, revoke.statusCode(), revoke.body());
    JsonObject p = problem(c.post(new JsonObject(o.body()).getString("finalize"),
        RawAcmeClient.csrPayload(csr(ecKey(), "www.revoked.test")), false), 403, "unauthorized");
    assertTrue(p.getString("detail").contains("revoked"), p.getString("detail"));
    JsonObject after = new JsonObject(c.post(o.headers().firstValue("Location").orElseThrow(), "", false).body());
    assertEquals("invalid", after.getString("status"));
    assertEquals(0, count("SELECT COUNT(*) FROM certificates WHERE common_name = 'www.revoked.test'"));
    problem(c.post(c.url("newOrder"), order("www2.revoked.test"), false), 403, "rejectedIdentifier");
  }

  @Test
  void csrRules() throws Exception {
    RawAcmeClient c = account();
    HttpResponse<String> o = c.post(c.url("newOrder"), order("csr.example.test"), false);
    String finalizeUrl = new JsonObject(o.body()).getString("finalize");
    JsonObject names = problem(c.post(finalizeUrl, RawAcmeClient.csrPayload(csr(ecKey(), "csr.example.test", "extra.example.test")), false),
        400, "badCSR");
    assertTrue(names.getString("detail").contains("not exactly the order's"), names.getString("detail"));
    problem(c.post(finalizeUrl, RawAcmeClient.csrPayload(new byte[] {1, 2, 3}), false), 400, "badCSR");
    // The account key may not be certified.
    ECKey accountKey = (ECKey) c.key;
    KeyPair same = new KeyPair(accountKey.toPublicKey(), accountKey.toPrivateKey());
    problem(c.post(finalizeUrl, RawAcmeClient.csrPayload(csr(same, "csr.example.test")), false), 400, "badCSR");
    // A key already certified elsewhere is refused as a CSR problem (badPublicKey is about the JWS key).
    KeyPair used = ecKey();
    c.issue(new JsonObject(order("used.example.test")), csr(used, "used.example.test"));
    JsonObject reused = problem(c.post(finalizeUrl, RawAcmeClient.csrPayload(csr(used, "csr.example.test")), false), 400, "badCSR");
    assertTrue(reused.getString("detail").contains("key"), reused.encode());
    // After refusals the order is still ready.
    assertEquals(200, c.post(finalizeUrl, RawAcmeClient.csrPayload(csr(ecKey(), "csr.example.test")), false).statusCode());
  }

  @Test
  void identifiersAndProfiles() throws Exception {
    RawAcmeClient c = account();
    JsonObject p = problem(c.post(c.url("newOrder"), new JsonObject(order("www.example.test")).put("profile", "GOLD").encode(), false),
        400, "malformed");
    assertTrue(p.getString("detail").contains("SERV_SSL"), p.getString("detail"));
    assertEquals(10, p.getJsonArray("profiles").size());
    problem(c.post(c.url("newOrder"), new JsonObject().put("identifiers", new JsonArray().add(
        new JsonObject().put("type", "ip").put("value", "127.0.0.1"))).encode(), false), 400, "unsupportedIdentifier");
    problem(c.post(c.url("newOrder"), order("*.example.test"), false), 400, "rejectedIdentifier");
    problem(c.post(c.url("newOrder"), new JsonObject().put("identifiers", new JsonArray()).encode(), false), 400, "malformed");
    JsonObject orgForDns = problem(c.post(c.url("newOrder"), new JsonObject(order("www.example.test")).put("profile", "ORG_AUTH_CLI").encode(), false),
        403, "rejectedIdentifier");
    assertEquals("urn:ietf:params:acme:error:unsupportedIdentifier", orgForDns.getJsonArray("subproblems").getJsonObject(0).getString("type"));
    HttpResponse<String> authz = c.post(c.url("newAuthz"), new JsonObject().put("identifier",
        new JsonObject().put("type", "dns").put("value", "pre.example.test")).encode(), false);
    assertEquals(201, authz.statusCode(), authz.body());
    assertEquals("valid", new JsonObject(authz.body()).getString("status"));
  }

  @Test
  void rateLimitedWithRetryAfter() throws Exception {
    RawAcmeClient c = account();
    HttpResponse<String> r = null;
    for (int i = 0; i < 26; i++) {
      r = c.post(c.url("newOrder"), order("rate" + i + ".example.test"), false);
      if (r.statusCode() != 201) break;
    }
    problem(r, 429, "rateLimited");
    // 25 per hour: after a burst of 25, one more every 144 s.
    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 144, "Retry-After " + retryAfter);
  }

  @Test
  void ordersListAndDeactivatedAuthorization() throws Exception {
    RawAcmeClient c = account();
    HttpResponse<String> o = c.post(c.url("newOrder"), order("list.example.test"), false);
    JsonObject account = new JsonObject(c.post(c.accountUrl, "", false).body());
    JsonObject list = new JsonObject(c.post(account.getString("orders"), "", false).body());
    assertEquals(List.of(o.headers().firstValue("Location").orElseThrow()), list.getJsonArray("orders").getList());
    String authz = new JsonObject(o.body()).getJsonArray("authorizations").getString(0);
    JsonObject deactivated = new JsonObject(c.post(authz, "{\"status\":\"deactivated\"}", false).body());
    assertEquals("deactivated", deactivated.getString("status"));
    assertFalse(Set.of("valid").contains(deactivated.getString("status")));
  }

  /** Ed25519 with Bouncy Castle (nimbus needs Tink for it). */
  static final class BcEd25519Signer implements JWSSigner {
    private final Ed25519PrivateKeyParameters key;

    BcEd25519Signer(Ed25519PrivateKeyParameters key) {
      this.key = key;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      Ed25519Signer s = new Ed25519Signer();
      s.init(true, key);
      s.update(signingInput, 0, signingInput.length);
      return Base64URL.encode(s.generateSignature());
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
      return new JCAContext();
    }
  }
}
