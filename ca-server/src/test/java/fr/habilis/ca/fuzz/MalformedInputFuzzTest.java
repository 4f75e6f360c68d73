package fr.habilis.ca.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Issue 15's class fix, proven by volume: thousands of malformed inputs generated from a seeded
 * random — mutated JWS and payloads, CSRs at finalize, OCSP requests (GET and POST), RA bodies —
 * sent over real HTTP to one running server. No answer may be a 5xx; every error is a problem
 * document (or an OCSP error status other than internalError); nothing is created by a refused
 * request. A failure names the seed: replay with {@code -Dhabilis.fuzz.seed=N} (and
 * {@code -Dhabilis.fuzz.scale=K} for K times more inputs).
 */
class MalformedInputFuzzTest {
  private static final long SEED = Long.getLong("habilis.fuzz.seed", new SecureRandom().nextLong());
  private static final int SCALE = Integer.getInteger("habilis.fuzz.scale", 1);
  private static TestServer server;
  private static RaFixture ra;
  private static RaFixture.Credential admin;
  private static RawAcmeClient acme;
  private static HttpClient plain;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    acme = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(acme.register(ra.newCredential(admin.cardNumber(), admin.nationalId())), 201, "newAccount");
    plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** The failures of one test, each with the input that caused it; reported with the seed. */
  private static final class Findings {
    final long seed;
    final List<String> failures = new ArrayList<>();
    int requests;

    Findings(TestInfo info) {
      this.seed = SEED ^ info.getDisplayName().hashCode();
    }

    void check(HttpResponse<String> r, String input) {
      requests++;
      String why = verdict(r);
      if (why != null && failures.size() < 20) {
        failures.add(why + " <- " + r.request().method() + " " + r.request().uri() + " " + shorten(input) + " -> " + shorten(r.body()));
      }
    }

    void fail(String what) {
      if (failures.size() < 20) failures.add(what);
    }

    void assertNone() {
      assertEquals(List.of(), failures, "seed " + SEED + " (replay: -Dhabilis.fuzz.seed=" + SEED + "), "
          + requests + " requests");
    }
  }

  /** Why the answer breaks the rules, or null. */
  static String verdict(HttpResponse<String> r) {
    if (r.statusCode() >= 500) return "status " + r.statusCode();
    if (r.statusCode() < 400) return null;
    if (!r.headers().firstValue("Content-Type").orElse("").equals("application/problem+json")) {
      return "status " + r.statusCode() + " without a problem document";
    }
    try {
      JsonObject p = new JsonObject(r.body());
      if (!(p.getValue("type") instanceof String) || !(p.getValue("detail") instanceof String)
          || !Integer.valueOf(r.statusCode()).equals(p.getValue("status"))) {
        return "incomplete problem document";
      }
    } catch (RuntimeException e) {
      return "problem document is not JSON";
    }
    return null;
  }

  private static String shorten(String s) {
    String oneLine = s == null ? "null" : s.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() > 240 ? oneLine.substring(0, 240) + "…(" + oneLine.length() + ")" : oneLine;
  }

  static long count(String sql) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (ResultSet rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A flattened JWS over arbitrary protected-header and payload text, validly signed by {@code key}. */
  private static String jws(String protectedJson, String payload, ECKey key) throws Exception {
    String h = b64(protectedJson.getBytes(StandardCharsets.UTF_8));
    String p = b64(payload.getBytes(StandardCharsets.UTF_8));
    Base64URL sig = new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256), (h + "." + p).getBytes(StandardCharsets.US_ASCII));
    return new JsonObject().put("protected", h).put("payload", p).put("signature", sig.toString()).encode();
  }

  private static JsonObject orderPayload(String... names) {
    JsonArray ids = new JsonArray();
    for (String n : names) ids.add(new JsonObject().put("type", "dns").put("value", n));
    return new JsonObject().put("identifiers", ids);
  }

  @Test
  void malformedJwsAndPayloadsAreRefusedPreciselyAndCreateNothing(TestInfo info) throws Exception {
    Findings f = new Findings(info);
    Mutator m = new Mutator(f.seed);
    ECKey key = (ECKey) acme.key;
    ECKey stranger = new ECKeyGenerator(Curve.P_256).generate();
    long ordersBefore = count("SELECT COUNT(*) FROM acme_orders");
    long accountsBefore = count("SELECT COUNT(*) FROM acme_accounts");
    long certificatesBefore = count("SELECT COUNT(*) FROM certificates");
    int ordersCreated = 0;
    List<String> urls = List.of(acme.url("newOrder"), acme.url("newOrder"), acme.url("newOrder"), acme.url("newAccount"),
        acme.url("revokeCert"), acme.url("keyChange"), acme.url("newAuthz"), acme.accountUrl, acme.accountUrl + "/orders",
        server.endpoints().acmeBase() + "/order/1/finalize", server.endpoints().acmeBase() + "/cert/01");
    for (int i = 0; i < 1500 * SCALE; i++) {
      String url = m.pick(urls);
      String nonce = acme.freshOrCurrentNonce();
      JsonObject header = new JsonObject().put("alg", "ES256").put("nonce", nonce).put("url", url).put("kid", acme.accountUrl);
      JsonObject payload = orderPayload("n" + i + ".example.test");
      String body;
      String input;
      switch (m.random.nextInt(6)) {
        case 0 -> { // the whole body mutated
          body = m.text(jws(header.encode(), payload.encode(), key));
          input = "body";
        }
        case 1 -> { // the body's JSON mutated
          body = m.json(new JsonObject(jws(header.encode(), payload.encode(), key)));
          input = "body json";
        }
        case 2 -> { // the protected header mutated, then validly signed
          String h = m.random.nextInt(3) == 0 ? m.json(withKeyInstead(header, m)) : m.json(header);
          body = jws(h, payload.encode(), key);
          input = "header " + h;
        }
        case 3 -> { // the payload mutated, then validly signed
          String p = m.json(payload);
          body = jws(header.encode(), p, key);
          input = "payload " + p;
        }
        case 4 -> { // a member's base64url made wrong
          JsonObject j = new JsonObject(jws(header.encode(), payload.encode(), key));
          String member = m.pick(List.of("protected", "payload", "signature"));
          j.put(member, m.base64url(Base64.getUrlDecoder().decode(j.getString(member))));
          body = j.encode();
          input = "base64url of " + member;
        }
        default -> { // a key or algorithm that does not fit: wrong alg, foreign or odd jwk, signed by another key
          JsonObject h = withKeyInstead(header, m);
          h.put("alg", m.pick(List.of("ES256", "ES384", "RS256", "EdDSA", "HS256", "none", "", "es256")));
          body = jws(h.encode(), payload.encode(), m.random.nextBoolean() ? key : stranger);
          input = "header " + h.encode();
        }
      }
      HttpResponse<String> r = acme.send(url, body, m.random.nextInt(20) == 0 ? "application/json" : "application/jose+json");
      f.check(r, input);
      if (r.statusCode() == 201 && url.equals(acme.url("newOrder"))) ordersCreated++;
    }
    assertEquals(ordersBefore + ordersCreated, count("SELECT COUNT(*) FROM acme_orders"), "seed " + SEED + ": only accepted new-orders create orders");
    assertEquals(accountsBefore, count("SELECT COUNT(*) FROM acme_accounts"), "seed " + SEED + ": no account from a mutated request");
    assertEquals(certificatesBefore, count("SELECT COUNT(*) FROM certificates"), "seed " + SEED);
    f.assertNone();
  }

  /** The header with a jwk instead of the kid: the account's, a foreign one, or one with odd members. */
  private static JsonObject withKeyInstead(JsonObject header, Mutator m) throws Exception {
    JsonObject h = header.copy();
    h.remove("kid");
    JsonObject jwk = new JsonObject(acme.key.toPublicJWK().toJSONObject());
    switch (m.random.nextInt(5)) {
      case 0 -> jwk.put("x", m.pick(List.of("", "AA", "_-_-", b64(new byte[33]), b64(new byte[31]))));
      case 1 -> jwk.put("crv", m.pick(List.of("P-384", "P-521", "Ed25519", "X25519", "secp256k1", "")));
      case 2 -> jwk = new JsonObject().put("kty", m.pick(List.of("OKP", "RSA", "oct", "EC", ""))).put("crv", "Ed25519")
          .put("x", b64(new byte[m.random.nextInt(40)])).put("n", "AQAB").put("e", "AQAB").put("k", "c2VjcmV0");
      case 3 -> jwk.put("d", b64(new byte[32])); // a private key
      default -> { }
    }
    return h.put("jwk", jwk);
  }

  @Test
  void malformedCsrsAtFinalizeAreBadCsrAndTheOrderStaysReady(TestInfo info) throws Exception {
    Findings f = new Findings(info);
    Mutator m = new Mutator(f.seed);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    String name = "csr-fuzz.example.test";
    byte[] valid = csr(g.generateKeyPair(), name);
    long certificatesBefore = count("SELECT COUNT(*) FROM certificates");
    int issued = 0;
    List<String> orders = new ArrayList<>();
    String finalize = null;
    for (int i = 0; i < 300 * SCALE; i++) {
      if (finalize == null) {
        HttpResponse<String> o = acme.post(acme.url("newOrder"), orderPayload(name).encode(), false);
        RawAcmeClient.expect(o, 201, "newOrder");
        orders.add(o.headers().firstValue("Location").orElseThrow());
        finalize = new JsonObject(o.body()).getString("finalize");
      }
      String payload;
      String input;
      switch (m.random.nextInt(4)) {
        case 0 -> {
          payload = new JsonObject().put("csr", m.base64url(valid)).encode();
          input = "base64url";
        }
        case 1 -> {
          payload = m.json(new JsonObject().put("csr", b64(valid)));
          input = "payload";
        }
        case 2 -> {
          byte[] odd = oddCsr(m, g.generateKeyPair(), name);
          payload = new JsonObject().put("csr", b64(odd)).encode();
          input = "odd csr " + b64(odd);
        }
        default -> {
          byte[] mutated = m.bytes(valid);
          payload = new JsonObject().put("csr", b64(mutated)).encode();
          input = "csr " + b64(mutated);
        }
      }
      HttpResponse<String> r = acme.post(finalize, payload, false);
      f.check(r, input);
      if (r.statusCode() == 200) { // a mutation that is still a fine request: issued, next order
        issued++;
        finalize = null;
      } else if (r.statusCode() != 400) {
        f.fail("finalize answered " + r.statusCode() + " (expected badCSR or malformed 400) <- " + shorten(input) + " -> " + shorten(r.body()));
      }
    }
    for (String order : orders.subList(0, orders.size() - (finalize == null ? 0 : 1))) {
      waitForValid(order, f);
    }
    if (finalize != null) {
      String status = new JsonObject(acme.post(orders.get(orders.size() - 1), "", false).body()).getString("status");
      if (!"ready".equals(status)) f.fail("the order is " + status + " after refused finalizes; it must stay ready");
    }
    // Each certificate is one of the accepted finalizes; a refused CSR signed nothing.
    assertEquals(certificatesBefore + issued, count("SELECT COUNT(*) FROM certificates"), "seed " + SEED);
    assertEquals(0, count("SELECT COUNT(*) FROM acme_orders WHERE status IN ('invalid', 'processing')"), "seed " + SEED);
    f.assertNone();
  }

  private static void waitForValid(String orderUrl, Findings f) throws Exception {
    for (int i = 0; i < 200; i++) {
      String status = new JsonObject(acme.post(orderUrl, "", false).body()).getString("status");
      if ("valid".equals(status)) return;
      if (!"processing".equals(status)) {
        f.fail("an accepted finalize left its order " + status);
        return;
      }
      Thread.sleep(20);
    }
    f.fail("an accepted finalize never completed: " + orderUrl);
  }

  static byte[] csr(KeyPair kp, String name) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
    return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + name), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
  }

  /** A correctly signed CSR with an odd subject or extension: wrong SAN shapes, names, critical junk. */
  private static byte[] oddCsr(Mutator m, KeyPair kp, String name) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    byte[] junk = new byte[m.random.nextInt(64)];
    m.random.nextBytes(junk);
    switch (m.random.nextInt(6)) {
      case 0 -> ext.addExtension(Extension.subjectAlternativeName, false, new DEROctetString(junk));
      case 1 -> {
        int tag = m.pick(List.of(GeneralName.iPAddress, GeneralName.uniformResourceIdentifier, GeneralName.rfc822Name, GeneralName.dNSName));
        String value = tag == GeneralName.iPAddress ? "10.0.0.1"
            : m.pick(List.of("http://x", "a@b", "UPPER.example.test", "*.example.test", "é.example.test", name));
        ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(tag, value)));
      }
      case 2 -> ext.addExtension(Extension.basicConstraints, true, new DEROctetString(junk));
      case 3 -> ext.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.3." + m.random.nextInt(1000)), true,
          new DEROctetString(junk));
      case 4 -> ext.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, "x".repeat(m.random.nextInt(400)) + ".example.test")));
      default -> ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
    }
    String cn = m.pick(List.of(name, "", "x".repeat(65), "CN with spaces", "a,b=c+d", name.toUpperCase()));
    X500Principal subject = cn.isEmpty() ? new X500Principal("") : new X500Principal("CN=\"" + cn.replace("\"", "") + "\"");
    return new JcaPKCS10CertificationRequestBuilder(subject, kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder(m.pick(List.of("SHA256withECDSA", "SHA384withECDSA"))).build(kp.getPrivate())).getEncoded();
  }

  @Test
  void mutatedOcspRequestsGetAnOcspStatusNeverInternalError(TestInfo info) throws Exception {
    Findings f = new Findings(info);
    Mutator m = new Mutator(f.seed);
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new X509CertificateHolder(server.context().ca().issuingCas().get(0).certificate().getEncoded()), BigInteger.TEN);
    byte[] valid = new OCSPReqBuilder().addRequest(id).build().getEncoded();
    String base = server.endpoints().ocspUrl();
    for (int i = 0; i < 1000 * SCALE; i++) {
      byte[] request = m.bytes(valid);
      HttpResponse<byte[]> r;
      String input = b64(request);
      if (m.random.nextBoolean()) {
        r = plain.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(30))
            .header("Content-Type", m.random.nextInt(10) == 0 ? "text/plain" : "application/ocsp-request")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
      } else {
        String encoded = Base64.getEncoder().encodeToString(request);
        String path = switch (m.random.nextInt(4)) {
          case 0 -> URLEncoder.encode(encoded, StandardCharsets.UTF_8);
          case 1 -> encoded.replace("+", "%2B"); // slashes left as path separators
          case 2 -> URLEncoder.encode(m.text(encoded), StandardCharsets.UTF_8);
          default -> URLEncoder.encode(encoded, StandardCharsets.UTF_8).replace("%", m.pick(List.of("%", "%%", "%2", "%zz")));
        };
        URI uri;
        try {
          uri = URI.create(base + "/" + path);
        } catch (IllegalArgumentException notAUri) {
          continue; // the client cannot even send it
        }
        input = path;
        r = plain.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      }
      f.requests++;
      if (r.statusCode() >= 400) {
        f.check(asString(r), input);
        continue;
      }
      try {
        if (!r.headers().firstValue("Content-Type").orElse("").equals("application/ocsp-response")) {
          f.fail("OCSP answer " + r.statusCode() + " without application/ocsp-response <- " + shorten(input));
        } else if (new OCSPResp(r.body()).getStatus() == OCSPResp.INTERNAL_ERROR) {
          f.fail("internalError <- " + shorten(input));
        }
      } catch (java.io.IOException | RuntimeException e) {
        f.fail("unreadable OCSP answer (" + e + ") <- " + shorten(input));
      }
    }
    f.assertNone();
  }

  private static HttpResponse<String> asString(HttpResponse<byte[]> r) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    return new HttpResponse<>() {
      public int statusCode() { return r.statusCode(); }
      public HttpRequest request() { return r.request(); }
      public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
      public java.net.http.HttpHeaders headers() { return r.headers(); }
      public String body() { return body; }
      public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
      public URI uri() { return r.uri(); }
      public HttpClient.Version version() { return r.version(); }
    };
  }

  @Test
  void malformedRaBodiesAreInvalidRequestsAndCreateNothing(TestInfo info) throws Exception {
    Findings f = new Findings(info);
    Mutator m = new Mutator(f.seed);
    String raUrl = server.endpoints().raUrl();
    JsonObject structure = new JsonObject().put("idType", "SIRET").put("idValue", "18751275100038").put("name", "CLINIQUE FUZZ")
        .put("department", "75").put("environment", "test");
    JsonObject habilitation = new JsonObject().put("form", "414").put("structure", admin.nationalId())
        .put("signatory", new JsonObject().put("role", "LEGAL_REPRESENTATIVE").put("lastName", "DUPONT").put("firstName", "MARIE")
            .put("email", "direction@example.test"))
        .put("administrators", new JsonArray().add(new JsonObject().put("cardNumber", "0123456780").put("cardType", "CPA")
            .put("lastName", "MARTIN").put("firstName", "PAUL").put("email", "admin@example.test").put("phone", "0102030405")))
        .put("offers", RaFixture.servSsl("fuzz.test")).put("usage", "fuzz").put("editor", "HABILIS").put("solution", "tests");
    JsonObject incident = new JsonObject().put("scope", "structure").put("value", admin.nationalId()).put("reason", "fuzz");
    JsonObject revoke = new JsonObject().put("reason", "superseded");
    JsonObject admins = new JsonObject().put("cardNumber", "0123456781").put("cardType", "CPA").put("lastName", "DURAND")
        .put("firstName", "ANNE").put("email", "anne@example.test");
    record Target(String path, JsonObject sample) {}
    List<Target> targets = List.of(new Target("/v1/structures", structure), new Target("/v1/habilitations", habilitation),
        new Target("/v1/incidents", incident), new Target("/v1/certificates/0A/revoke", revoke),
        new Target("/v1/habilitations/HAB-0/admins", admins), new Target("/v1/admins/0123456789/replace",
            new JsonObject().put("newCardNumber", "0123456782")), new Target("/v1/habilitations/HAB-0/revoke", new JsonObject()));
    List<String> gets = List.of("/v1/habilitations?status=", "/v1/habilitations?limit=", "/v1/certificates?expiresBefore=",
        "/v1/certificates?status=", "/v1/notices?kind=", "/v1/notices?serial=", "/v1/certificates/", "/v1/notices/", "/v1/incidents/",
        "/v1/structures/", "/v1/habilitations/", "/v1/certificates?limit=", "/v1/certificates?cursor=", "/v1/pending-actions/", "/v1/pending-actions?state=");
    long structures = count("SELECT COUNT(*) FROM structures");
    long habilitations = count("SELECT COUNT(*) FROM habilitations");
    int structuresCreated = 0;
    int habilitationsCreated = 0;
    for (int i = 0; i < 1000 * SCALE; i++) {
      HttpResponse<String> r;
      String input;
      if (m.random.nextInt(4) == 0) {
        String value = URLEncoder.encode(m.text(m.pick(List.of("10", "ACTIVE", "2027-01-31T00:00:00Z", "0A", "1", "abc"))),
            StandardCharsets.UTF_8);
        input = m.pick(gets) + value;
        r = server.httpClient().send(HttpRequest.newBuilder(URI.create(raUrl + input)).header("Authorization", "Bearer " + server.raToken())
            .GET().build(), HttpResponse.BodyHandlers.ofString());
      } else {
        Target t = m.pick(targets);
        input = m.json(t.sample());
        r = server.httpClient().send(HttpRequest.newBuilder(URI.create(raUrl + t.path()))
            .header("Authorization", "Bearer " + server.raToken())
            .header("Content-Type", m.random.nextInt(10) == 0 ? "text/plain" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(input)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201 && t.path().equals("/v1/structures")) structuresCreated++;
        if (r.statusCode() == 201 && t.path().equals("/v1/habilitations")) habilitationsCreated++;
      }
      f.check(r, input);
    }
    assertEquals(structures + structuresCreated, count("SELECT COUNT(*) FROM structures"), "seed " + SEED);
    assertEquals(habilitations + habilitationsCreated, count("SELECT COUNT(*) FROM habilitations"), "seed " + SEED);
    assertTrue(f.requests > 0);
    f.assertNone();
  }
}
