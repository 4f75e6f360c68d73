package fr.habilis.ca.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.issuance.OpenSsl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 1: a PRO certificate names the professional the RA recorded under the
 * habilitation's PRO offer (RPPS/ADELI, names, e-mail), in the IGC-Santé form
 * {@code <national id>/<FAMILY NAME> <Given name>}, accents as UTF8String; a CSR naming someone
 * else is refused. Over real HTTPS (RA API and ACME), checked with OpenSSL strict mode.
 */
class ProfessionalCertificateTest {
  private static final String RPPS = "10001234565"; // Luhn-valid
  private static final String EXPECTED_CN = "810001234565/LEFÈVRE Anne-Sophie";
  private static TestServer server;
  private static RaFixture ra;
  private static RaFixture.Credential admin;
  private static String reference;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ra = RaFixture.of(server);
    admin = ra.habilitate("18751275100020", "0123456789", new JsonArray()
        .add(new JsonObject().put("offer", "PRO").put("mailDomain", "cabinet.test").put("restricted", true))
        .add(new JsonObject().put("offer", "ORG")));
    reference = server.context().db().txBlocking(c -> {
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

  static JsonObject professional(String idType, String idValue, String last, String first, String email) {
    return new JsonObject().put("idType", idType).put("idValue", idValue).put("lastName", last).put("firstName", first)
        .put("email", email);
  }

  static HttpResponse<String> ra(String method, String path, JsonObject body) throws Exception {
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + server.raToken()).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject invalidField(HttpResponse<String> r, String field) {
    assertEquals(400, r.statusCode(), r.body());
    JsonObject p = new JsonObject(r.body());
    assertEquals("urn:habilis:ra:error:invalidRequest", p.getString("type"));
    assertEquals(field, p.getJsonArray("invalidFields").getJsonObject(0).getString("field"), r.body());
    return p;
  }

  static RawAcmeClient account() throws Exception {
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(ra.newCredential(admin.cardNumber(), admin.nationalId())), 201, "newAccount");
    return c;
  }

  static String proOrder(String profile, String... emails) {
    JsonArray ids = new JsonArray();
    for (String e : emails) ids.add(new JsonObject().put("type", "email").put("value", e));
    return new JsonObject().put("identifiers", ids).put("profile", profile).encode();
  }

  /** A CSR for one mailbox, with the given CN (null: none). */
  static byte[] csr(KeyPair kp, String cn, String email) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    if (cn != null) subject.addRDN(BCStyle.CN, cn);
    return new JcaPKCS10CertificationRequestBuilder(subject.build(), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
  }

  static List<X509Certificate> chain(String pem) throws Exception {
    List<X509Certificate> list = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      list.add((X509Certificate) c);
    }
    return list;
  }

  @Test
  void theRaValidatesProfessionals() throws Exception {
    String path = "/habilitations/" + reference + "/professionals";
    invalidField(ra("POST", path, professional("RPPS", "10001234567", "Martin", "Paul", "p.martin@cabinet.test")), "idValue");
    invalidField(ra("POST", path, professional("ADELI", "75123456", "Martin", "Paul", "p.martin@cabinet.test")), "idValue");
    invalidField(ra("POST", path, professional("CPS", "751234567", "Martin", "Paul", "p.martin@cabinet.test")), "idType");
    invalidField(ra("POST", path, professional("ADELI", "751234567", "Dr House 2", "Paul", "p.martin@cabinet.test")), "lastName");
    // Restricted scope: only x@cabinet.test.
    JsonObject out = invalidField(ra("POST", path, professional("ADELI", "751234567", "Martin", "Paul", "p.martin@sub.cabinet.test")), "email");
    assertTrue(out.getString("detail").contains("PRO @cabinet.test (restricted)"), out.encode());
    // 12 + 1 + 1 + 51 characters: the CN would not fit in 64.
    JsonObject tooLong = invalidField(ra("POST", path, professional("RPPS", RPPS, "DE LA TOUR D'AUVERGNE-LAURAGUAIS-MONTMORENCY",
        "Marie-Hélène", "long@cabinet.test")), "lastName");
    assertTrue(tooLong.getString("detail").contains("64"), tooLong.encode());

    HttpResponse<String> created = ra("POST", path, professional("ADELI", "2A1234567", "Martin", "Paul", "p.martin@cabinet.test"));
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("02A1234567/MARTIN Paul", new JsonObject(created.body()).getString("commonName"));
    assertEquals(server.endpoints().raUrl() + path + "/02A1234567", created.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> again = ra("POST", path, professional("ADELI", "2A1234567", "Martin", "Pierre", "pierre@cabinet.test"));
    assertEquals(409, again.statusCode(), again.body());
    HttpResponse<String> sameMail = ra("POST", path, professional("ADELI", "751234567", "Durand", "Paul", "p.martin@cabinet.test"));
    assertEquals(409, sameMail.statusCode(), sameMail.body());
    JsonArray list = new JsonObject(ra("GET", path, null).body()).getJsonArray("professionals");
    assertTrue(list.stream().map(JsonObject.class::cast).anyMatch(p -> p.getString("nationalId").equals("02A1234567")), list.encode());
    assertEquals(200, ra("DELETE", path + "/02A1234567", null).statusCode());
    assertEquals(404, ra("DELETE", path + "/02A1234567", null).statusCode());
    invalidField(ra("DELETE", path + "/12345", null), "nationalId");
    assertEquals(404, ra("POST", "/habilitations/HAB-2000-999999/professionals",
        professional("ADELI", "751234567", "Martin", "Paul", "p.martin@cabinet.test")).statusCode());
  }

  @Test
  void aHabilitationWithoutProOfferRecordsNoProfessional() throws Exception {
    RaFixture.Credential other = ra.habilitate("18751275100038", "0123456780", new JsonArray().add(new JsonObject().put("offer", "ORG")));
    String ref = server.context().db().txBlocking(c -> {
      try (var ps = c.prepareStatement("SELECT reference FROM habilitations WHERE structure_id = ?")) {
        ps.setString(1, other.nationalId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    });
    HttpResponse<String> r = ra("POST", "/habilitations/" + ref + "/professionals",
        professional("ADELI", "751234567", "Martin", "Paul", "p.martin@cabinet.test"));
    assertEquals(409, r.statusCode(), r.body());
    assertTrue(r.body().contains("no PRO offer"), r.body());
  }

  @Test
  void aProCertificateNamesTheRecordedProfessionalWithAccents() throws Exception {
    String email = "anne-sophie.lefevre@cabinet.test";
    RawAcmeClient c = account();
    // Not recorded yet: refused at order time, saying why.
    JsonObject refused = AcmeProtocolTest.problem(c.post(c.url("newOrder"), proOrder("PRO_SIGN", email), false), 403,
        "rejectedIdentifier");
    assertTrue(refused.encode().contains("not a professional recorded"), refused.encode());

    // Decomposed accents from the operator are stored composed (NFC).
    HttpResponse<String> added = ra("POST", "/habilitations/" + reference + "/professionals", professional("RPPS", RPPS,
        Normalizer.normalize("Lefèvre", Normalizer.Form.NFD), "Anne-Sophie", email));
    assertEquals(201, added.statusCode(), added.body());
    assertEquals(EXPECTED_CN, new JsonObject(added.body()).getString("commonName"));

    HttpResponse<String> order = c.post(c.url("newOrder"), proOrder("PRO_SIGN", email), false);
    assertEquals(201, order.statusCode(), order.body());
    String finalizeUrl = new JsonObject(order.body()).getString("finalize");
    KeyPair key = AcmeProtocolTest.ecKey();
    // Two identities in one certificate are refused before anything else.
    JsonObject two = AcmeProtocolTest.problem(c.post(c.url("newOrder"), proOrder("PRO_AUTH", email, "other@cabinet.test"), false),
        403, "rejectedIdentifier");
    assertTrue(two.encode().contains("one professional"), two.encode());
    // Someone else's name in the CSR: refused, the order stays ready.
    JsonObject house = AcmeProtocolTest.problem(c.post(finalizeUrl, RawAcmeClient.csrPayload(csr(key, "Dr Gregory HOUSE", email)), false),
        400, "badCSR");
    assertTrue(house.getString("detail").contains(EXPECTED_CN) && house.getString("detail").contains("Dr Gregory HOUSE"),
        house.encode());
    // No CN: the registry's.
    HttpResponse<String> fin = c.post(finalizeUrl, RawAcmeClient.csrPayload(csr(key, null, email)), false);
    assertEquals(200, fin.statusCode(), fin.body());
    String orderUrl = order.headers().firstValue("Location").orElseThrow();
    JsonObject o = new JsonObject(fin.body());
    for (int i = 0; i < 200 && !"valid".equals(o.getString("status")); i++) {
      Thread.sleep(50);
      o = new JsonObject(c.post(orderUrl, "", false).body());
    }
    assertEquals("valid", o.getString("status"), o.encode());
    List<X509Certificate> chain = chain(c.post(o.getString("certificate"), "", false).body());
    X509Certificate leaf = chain.get(0);
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    var cn = subject.getRDNs(BCStyle.CN)[0].getFirst().getValue();
    assertInstanceOf(ASN1UTF8String.class, cn, "accented names need UTF8String");
    assertEquals(EXPECTED_CN, cn.toString());
    assertTrue(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253).startsWith("CN=" + EXPECTED_CN + ","));

    Path root = server.trustPem();
    Path issuing = OpenSsl.writePem(dir, "pro-issuing.pem", chain.get(1));
    Path leafPem = OpenSsl.writePem(dir, "pro-leaf.pem", leaf);
    OpenSsl.Result verify = OpenSsl.run("verify", "-x509_strict", "-purpose", "smimesign", "-CAfile", root.toString(),
        "-untrusted", issuing.toString(), leafPem.toString());
    assertEquals(0, verify.exitCode(), verify.output());
    String shown = OpenSsl.run("x509", "-in", leafPem.toString(), "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus").output();
    assertTrue(shown.contains("CN=" + EXPECTED_CN), shown);

    // The exact CN (even decomposed) is accepted too; a removed professional gets nothing more.
    HttpResponse<String> second = c.post(c.url("newOrder"), proOrder("PRO_AUTH", email), false);
    assertEquals(201, second.statusCode(), second.body());
    HttpResponse<String> fin2 = c.post(new JsonObject(second.body()).getString("finalize"), RawAcmeClient.csrPayload(
        csr(AcmeProtocolTest.ecKey(), Normalizer.normalize(EXPECTED_CN, Normalizer.Form.NFD), email)), false);
    assertEquals(200, fin2.statusCode(), fin2.body());
    assertEquals(200, ra("DELETE", "/habilitations/" + reference + "/professionals/8" + RPPS, null).statusCode());
    AcmeProtocolTest.problem(c.post(c.url("newOrder"), proOrder("PRO_CONF", email), false), 403, "rejectedIdentifier");
    assertTrue(Files.exists(leafPem));
  }
}
