package fr.habilis.ca.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seven inputs of the hardening campaign (issue 15, items 1 to 7) that were answered 500: each
 * now gets its precise problem or OCSP status.
 */
class BadInputRegressionTest {
  private static TestServer server;
  private static RaFixture ra;
  private static RaFixture.Credential admin;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static RawAcmeClient account() throws Exception {
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(ra.newCredential(admin.cardNumber(), admin.nationalId())), 201, "newAccount");
    return c;
  }

  @Test
  void emptyBodyOnASignedRouteIsMalformed() throws Exception {
    RawAcmeClient c = account();
    JsonObject p = AcmeProtocolTest.problem(c.send(c.url("newOrder"), "", "application/jose+json"), 400, "malformed");
    assertTrue(p.getString("detail").contains("empty"), p.encode());
  }

  @Test
  void aProtectedHeaderOfAnImpossibleBase64urlLengthIsMalformed() throws Exception {
    // Found by MalformedInputFuzzTest: 4n+1 characters of the right alphabet passed the alphabet
    // check, then the decoder threw (500).
    RawAcmeClient c = account();
    JsonObject jws = new JsonObject(c.sign(c.url("newOrder"), "{}", false, c.freshNonce()));
    String p = jws.getString("protected");
    while (p.length() % 4 != 1) p += "A";
    jws.put("protected", p);
    JsonObject problem = AcmeProtocolTest.problem(c.send(c.url("newOrder"), jws.encode(), "application/jose+json"), 400, "malformed");
    assertTrue(problem.getString("detail").contains("base64url"), problem.encode());
  }

  @Test
  void aStructureNameTooLongForTheSubjectIsRejectedIdentifierNotBadCsr() throws Exception {
    // Issue 15, one finalize path: a subject's O holds 64 characters (RFC 5280 A.1). The RA now
    // refuses such a structure without a certificate name (issue 16), but a record from before V17
    // (legal name over 64, no certificate name) may sit under an approved habilitation. The client's
    // CSR is fine; the RA's record must be corrected.
    String name = "CENTRE HOSPITALIER INTERCOMMUNAL DES DEUX RIVES ET DU PLATEAU DE SACLAY";
    assertTrue(name.length() > 64);
    RaFixture.Credential longName = ra.habilitate("18751275100038", "0123456788", RaFixture.servSsl("long-name.test"));
    server.context().db().txBlocking(c -> {
      try (var ps = c.prepareStatement("UPDATE structures SET name = ?, certificate_name = NULL WHERE national_id = ?")) {
        ps.setString(1, name);
        ps.setString(2, longName.nationalId());
        return ps.executeUpdate();
      }
    });
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(ra.newCredential(longName.cardNumber(), longName.nationalId())), 201, "newAccount");
    HttpResponse<String> order = c.post(c.url("newOrder"), AcmeProtocolTest.order("www.long-name.test"), false);
    RawAcmeClient.expect(order, 201, "newOrder");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    String finalizeUrl = new JsonObject(order.body()).getString("finalize");
    JsonObject p = AcmeProtocolTest.problem(c.post(finalizeUrl,
        RawAcmeClient.csrPayload(AcmeProtocolTest.csr(g.generateKeyPair(), "www.long-name.test")), false), 403, "rejectedIdentifier");
    assertTrue(p.getString("detail").contains("RA must correct"), p.encode());
    assertEquals("ready", new JsonObject(c.post(order.headers().firstValue("Location").orElseThrow(), "", false).body())
        .getString("status"));
  }

  @Test
  void aCsrWhoseSubjectRdnIsNotASequenceIsBadCsr() throws Exception {
    // Found by MalformedInputFuzzTest: the CN's AttributeTypeAndValue re-tagged [0] parsed as a
    // CSR, then failed where finalize read the subject (500).
    RawAcmeClient c = account();
    HttpResponse<String> order = c.post(c.url("newOrder"), AcmeProtocolTest.order("rdn.example.test"), false);
    RawAcmeClient.expect(order, 201, "newOrder");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] csr = AcmeProtocolTest.csr(g.generateKeyPair(), "rdn.example.test");
    byte[] cnOid = {0x06, 0x03, 0x55, 0x04, 0x03};
    int at = indexOf(csr, cnOid);
    assertEquals(0x30, csr[at - 2], "the CN's AttributeTypeAndValue SEQUENCE");
    csr[at - 2] = (byte) 0x80;
    String finalizeUrl = new JsonObject(order.body()).getString("finalize");
    JsonObject p = AcmeProtocolTest.problem(c.post(finalizeUrl, RawAcmeClient.csrPayload(csr), false), 400, "badCSR");
    assertTrue(p.getString("detail").contains("not a DER PKCS#10"), p.encode());
    assertEquals("ready", new JsonObject(c.post(order.headers().firstValue("Location").orElseThrow(), "", false).body())
        .getString("status"));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new IllegalArgumentException("not found");
  }

  @Test
  void ed25519KeyWithAShortXIsABadPublicKey() throws Exception {
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    for (String x : List.of("AAAA", "", Base64URL.encode(new byte[31]).toString())) {
      String header = new JsonObject().put("alg", "EdDSA").put("nonce", c.freshNonce()).put("url", c.url("newAccount"))
          .put("jwk", new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("x", x)).encode();
      String body = new JsonObject().put("protected", Base64URL.encode(header).toString())
          .put("payload", Base64URL.encode("{}").toString()).put("signature", Base64URL.encode(new byte[64]).toString()).encode();
      HttpResponse<String> r = c.send(c.url("newAccount"), body, "application/jose+json");
      assertNotEquals(500, r.statusCode(), r.body());
      assertEquals(400, r.statusCode(), r.body());
      String type = new JsonObject(r.body()).getString("type");
      assertTrue(type.endsWith(":badPublicKey") || type.endsWith(":malformed"), x + " → " + r.body());
    }
  }

  @Test
  void revokingACertificateWithSerialZeroIsNotFound() throws Exception {
    for (BigInteger serial : List.of(BigInteger.ZERO, BigInteger.valueOf(-5))) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      X500Principal name = new X500Principal("CN=not issued here");
      byte[] der = new JcaX509v3CertificateBuilder(name, serial, new Date(), new Date(System.currentTimeMillis() + 86_400_000L),
          name, kp.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
      RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
      ECKey jwk = new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) kp.getPublic())
          .privateKey(kp.getPrivate()).build();
      c.useKey(jwk, JWSAlgorithm.ES256, new ECDSASigner(jwk));
      String payload = new JsonObject().put("certificate", Base64URL.encode(der).toString()).encode();
      HttpResponse<String> r = c.post(c.url("revokeCert"), payload, true);
      AcmeProtocolTest.problem(r, 404, "malformed");
    }
  }

  @Test
  void csrWhoseSubjectAltNameIsNotGeneralNamesIsABadCsrAndTheOrderStaysReady() throws Exception {
    RawAcmeClient c = account();
    HttpResponse<String> created = c.post(c.url("newOrder"), AcmeProtocolTest.order("san.example.test"), false);
    RawAcmeClient.expect(created, 201, "newOrder");
    JsonObject order = new JsonObject(created.body());
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    // subjectAltName whose value is a UTF8String, not a SEQUENCE OF GeneralName.
    Extensions ext = new Extensions(new Extension(Extension.subjectAlternativeName, false,
        new DEROctetString(new DERUTF8String("san.example.test"))));
    byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=san.example.test"), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext)
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
    AcmeProtocolTest.problem(c.post(order.getString("finalize"), RawAcmeClient.csrPayload(csr), false), 400, "badCSR");
    HttpResponse<String> after = c.post(created.headers().firstValue("Location").orElseThrow(), "", false);
    assertEquals("ready", new JsonObject(after.body()).getString("status"));
  }

  @Test
  void ocspGetWithoutARequestIsMalformed() throws Exception {
    String base = server.endpoints().ocspUrl();
    for (String url : List.of(base, base + "/", base + "/%%%")) {
      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.replace("%%%", "%25"))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode(), url);
      assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(r.body()).getStatus(), url);
    }
  }

  @Test
  void ocspGetWithACertIdOfAnUnexpectedShapeIsMalformed() throws Exception {
    // A valid request, then its CertID's hashAlgorithm (an AlgorithmIdentifier SEQUENCE) replaced by
    // an OCTET STRING or a SET of the same length: Bouncy Castle accepts the request and fails only
    // when the request list is read.
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new org.bouncycastle.cert.X509CertificateHolder(server.context().ca().issuingCas().get(0).certificate().getEncoded()),
        BigInteger.TEN);
    byte[] good = new OCSPReqBuilder().addRequest(id).build().getEncoded();
    byte[] algId = new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1,
        org.bouncycastle.asn1.DERNull.INSTANCE).getEncoded();
    List<byte[]> bad = List.of(replace(good, algId, java.util.HexFormat.of().parseHex("0409000000000000000000")),
        replace(good, algId, java.util.HexFormat.of().parseHex("3109060500000000000500")));
    for (byte[] request : bad) {
      String url = server.endpoints().ocspUrl() + "/" + java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(request), "UTF-8");
      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode());
      assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(r.body()).getStatus());
    }
  }

  @Test
  void concurrentRequestsWithOneNonceGetOneAnswerAndBadNonceForTheRest() throws Exception {
    RawAcmeClient c = account();
    for (int round = 0; round < 5; round++) {
      String signed = c.sign(c.url("newOrder"), AcmeProtocolTest.order("race" + round + ".example.test"), false, c.freshNonce());
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        all.add(server.httpClient().sendAsync(HttpRequest.newBuilder(URI.create(c.url("newOrder")))
            .header("Content-Type", "application/jose+json").POST(HttpRequest.BodyPublishers.ofString(signed)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      int created = 0;
      for (CompletableFuture<HttpResponse<String>> f : all) {
        HttpResponse<String> r = f.get();
        if (r.statusCode() == 201) {
          created++;
        } else {
          AcmeProtocolTest.problem(r, 400, "badNonce");
        }
      }
      assertEquals(1, created, "exactly one request spent the nonce");
    }
  }

  @Test
  void aNonceHeldByAnUncommittedRequestIsAReplayNotALockTimeout() throws Exception {
    // The losing side of a same-nonce race waited on the winner's row lock and got H2's lock timeout
    // (a 500): it is now told the nonce is used. The winner holds its transaction open for longer
    // than the lock timeout here, as a slow finalize would.
    java.time.Instant expires = java.time.Instant.now().plusSeconds(600);
    java.util.concurrent.CountDownLatch inserted = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Boolean> winner = CompletableFuture.supplyAsync(() -> {
      try {
        return server.context().db().txBlocking(c -> {
          boolean fresh = Nonces.use(c, "held-nonce", expires);
          inserted.countDown();
          Thread.sleep(2000);
          return fresh;
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    inserted.await();
    boolean loserFresh = server.context().db().txBlocking(c -> Nonces.use(c, "held-nonce", expires));
    assertEquals(false, loserFresh, "the same nonce is never fresh twice");
    assertEquals(true, winner.get());
  }

  @Test
  void aKidIsExactlyAnAccountUrl() throws Exception {
    RawAcmeClient c = account();
    String real = c.accountUrl;
    int slash = real.lastIndexOf('/');
    for (String kid : List.of(real.substring(0, slash + 1) + "+" + real.substring(slash + 1),
        real.substring(0, slash + 1) + "0" + real.substring(slash + 1), real + " ")) {
      c.accountUrl = kid;
      AcmeProtocolTest.problem(c.send(c.url("newOrder"), c.sign(c.url("newOrder"), AcmeProtocolTest.order("kid.example.test"),
          false, c.freshNonce()), "application/jose+json"), 400, "accountDoesNotExist");
    }
    c.accountUrl = real;
    assertEquals(201, c.post(c.url("newOrder"), AcmeProtocolTest.order("kid.example.test"), false).statusCode());
  }

  @Test
  void anEabWhosePayloadIsAPrivateKeyIsRefused() throws Exception {
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RaFixture.Credential eab = ra.newCredential(admin.cardNumber(), admin.nationalId());
    com.nimbusds.jose.JWSObject binding = new com.nimbusds.jose.JWSObject(new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.HS256)
        .keyID(eab.eabKid()).customParam("url", c.url("newAccount")).build(),
        new com.nimbusds.jose.Payload(c.key.toJSONObject())); // the private JWK, d included
    binding.sign(new com.nimbusds.jose.crypto.MACSigner(Base64.getUrlDecoder().decode(eab.eabHmacKey())));
    JsonObject payload = new JsonObject().put("termsOfServiceAgreed", true)
        .put("externalAccountBinding", new JsonObject(RawAcmeClient.flattened(binding)));
    JsonObject p = AcmeProtocolTest.problem(c.post(c.url("newAccount"), payload.encode(), true), 400, "malformed");
    assertTrue(p.getString("detail").contains("private"), p.encode());
    // The credential was not consumed: the right binding still works.
    RawAcmeClient.expect(c.register(eab), 201, "newAccount");
  }

  @Test
  void paddedBase64AndDuplicateMemberNamesAreMalformed() throws Exception {
    RawAcmeClient c = account();
    String url = c.url("newOrder");
    JsonObject good = new JsonObject(c.sign(url, AcmeProtocolTest.order("strict.example.test"), false, c.freshNonce()));
    JsonObject padded = good.copy().put("signature", good.getString("signature") + "==");
    AcmeProtocolTest.problem(c.send(url, padded.encode(), "application/jose+json"), 400, "malformed");
    // The protected header with "url" twice: which one counts would be the parser's choice.
    String header = "{\"alg\":\"ES256\",\"kid\":\"" + c.accountUrl + "\",\"nonce\":\"" + c.freshNonce()
        + "\",\"url\":\"" + url + "\",\"url\":\"" + c.url("newAccount") + "\"}";
    String twice = new JsonObject().put("protected", Base64URL.encode(header).toString())
        .put("payload", Base64URL.encode(AcmeProtocolTest.order("strict.example.test")).toString())
        .put("signature", Base64URL.encode(new byte[64]).toString()).encode();
    JsonObject p = AcmeProtocolTest.problem(c.send(url, twice, "application/jose+json"), 400, "malformed");
    assertTrue(p.getString("detail").contains("twice"), p.encode());
    // A payload with a member twice, properly signed.
    String dupPayload = "{\"identifiers\":[{\"type\":\"dns\",\"value\":\"strict.example.test\"}],"
        + "\"identifiers\":[{\"type\":\"dns\",\"value\":\"other.example.test\"}]}";
    JsonObject q = AcmeProtocolTest.problem(c.post(url, dupPayload, false), 400, "malformed");
    assertTrue(q.getString("detail").contains("twice"), q.encode());
  }

  @Test
  void anOcspRequestWithTrailingBytesIsMalformed() throws Exception {
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new org.bouncycastle.cert.X509CertificateHolder(server.context().ca().issuingCas().get(0).certificate().getEncoded()),
        BigInteger.TEN);
    byte[] good = new OCSPReqBuilder().addRequest(id).build().getEncoded();
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 3);
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().ocspUrl()))
        .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(trailing)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(r.body()).getStatus());
    HttpResponse<byte[]> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().ocspUrl()))
        .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(good)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(OCSPResp.SUCCESSFUL, new OCSPResp(ok.body()).getStatus(), "the same request without the trailing bytes");
  }

  private static byte[] replace(byte[] in, byte[] what, byte[] with) {
    for (int i = 0; i + what.length <= in.length; i++) {
      boolean match = true;
      for (int j = 0; j < what.length && match; j++) match = in[i + j] == what[j];
      if (match) {
        byte[] out = in.clone();
        System.arraycopy(with, 0, out, i, with.length);
        return out;
      }
    }
    throw new IllegalStateException("pattern not found");
  }
}
