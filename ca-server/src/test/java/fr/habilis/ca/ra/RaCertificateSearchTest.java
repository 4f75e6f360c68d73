package fr.habilis.ca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestCerts;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.revocation.RevocationFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.toolbox.AcmeUtils;

/**
 * The RA's certificate search and detail over real HTTPS, on certificates issued through ACME:
 * every filter, the expiry window's bounds, pages, the detail's chain and OCSP status (compared
 * with the real responder's answer), the renewal links, and the administrator's orders.
 */
class RaCertificateSearchTest {
  private static TestServer server;
  private static RevocationFixture fixture;
  private static String structureA;
  private static String structureB;
  private static RevocationFixture.Issued www;
  private static RevocationFixture.Issued api;
  private static RevocationFixture.Issued other;
  private static X509Certificate renewed;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    fixture = new RevocationFixture(server);
    RaFixture.Credential a = fixture.ra.habilitate("55210055400013", "0720000001", RaFixture.servSsl("a.example.test"));
    RaFixture.Credential b = fixture.ra.habilitate("55210055400021", "0720000002", RaFixture.servSsl("b.example.test"));
    structureA = a.nationalId();
    structureB = b.nationalId();
    RawAcmeClient clientA = fixture.account(a);
    www = fixture.issue(clientA, "www.a.example.test");
    api = fixture.issue(clientA, "api.a.example.test");
    other = fixture.issue(fixture.account(b), "www.b.example.test");
    assertEquals(200, fixture.raPost("/certificates/" + api.serialHex() + "/revoke",
        new JsonObject().put("reason", "keyCompromise")).statusCode());
    // An RFC 9773 renewal of www.
    KeyPair key = TestCerts.ecKey();
    renewed = TestCerts.chain(clientA.issue(new JsonObject().put("identifiers", new JsonArray()
            .add(new JsonObject().put("type", "dns").put("value", "www.a.example.test")))
        .put("replaces", AcmeUtils.getRenewalUniqueIdentifier(www.certificate())),
        TestCerts.dnsCsr(key, "www.a.example.test"))).get(0);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static JsonObject get(String path) throws Exception {
    HttpResponse<String> r = raw(path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return new JsonObject(r.body());
  }

  static HttpResponse<String> raw(String path) throws Exception {
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + server.raToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<String> serials(String path) throws Exception {
    List<String> s = new ArrayList<>();
    get(path).getJsonArray("certificates").forEach(c -> s.add(((JsonObject) c).getString("serial")));
    return s;
  }

  static String hex(X509Certificate c) {
    return SerialNumbers.toHex(c.getSerialNumber());
  }

  static String at(Instant i) {
    return URLEncoder.encode(i.toString(), StandardCharsets.UTF_8);
  }

  @Test
  void everyFilterNarrowsTheSearch() throws Exception {
    Set<String> ofA = Set.of(www.serialHex(), api.serialHex(), hex(renewed));
    assertEquals(ofA, Set.copyOf(serials("/certificates?structure=" + structureA)));
    assertEquals(List.of(other.serialHex()), serials("/certificates?structure=" + structureB));
    assertEquals(ofA, Set.copyOf(serials("/certificates?admin=0720000001")));
    assertEquals(List.of(), serials("/certificates?admin=0729999999"));
    assertEquals(List.of(api.serialHex()), serials("/certificates?structure=" + structureA + "&status=revoked"));
    assertEquals(Set.of(www.serialHex(), hex(renewed)),
        Set.copyOf(serials("/certificates?structure=" + structureA + "&status=valid")));
    assertEquals(List.of(), serials("/certificates?structure=" + structureA + "&status=expired"));
    assertEquals(ofA, Set.copyOf(serials("/certificates?structure=" + structureA + "&offer=SERV_SSL")));
    assertEquals(ofA, Set.copyOf(serials("/certificates?structure=" + structureA + "&profile=serv_ssl")));
    assertEquals(List.of(), serials("/certificates?structure=" + structureA + "&offer=ORG"));
    assertEquals(List.of(), serials("/certificates?structure=" + structureA + "&profile=SERV_SSL&offer=PRO"));
  }

  @Test
  void theExpiryWindowIncludesItsStartAndExcludesItsEnd() throws Exception {
    Instant notAfter = other.certificate().getNotAfter().toInstant();
    String base = "/certificates?structure=" + structureB;
    assertEquals(List.of(other.serialHex()), serials(base + "&expiresAfter=" + at(notAfter) + "&expiresBefore="
        + at(notAfter.plusSeconds(1))));
    assertEquals(List.of(), serials(base + "&expiresAfter=" + at(notAfter.plusSeconds(1))));
    assertEquals(List.of(), serials(base + "&expiresBefore=" + at(notAfter)));
    assertEquals(List.of(other.serialHex()), serials(base + "&expiresBefore=" + at(notAfter.plusSeconds(1))));
    HttpResponse<String> inverted = raw(base + "&expiresAfter=" + at(notAfter) + "&expiresBefore=" + at(notAfter));
    assertEquals(400, inverted.statusCode());
    assertTrue(inverted.body().contains("\"field\":\"expiresBefore\""), inverted.body());
  }

  @Test
  void pagesFollowTheExpiryOrder() throws Exception {
    String base = "/certificates?admin=0720000001&limit=2";
    JsonObject first = get(base);
    JsonObject second = get(base + "&offset=2");
    assertTrue(first.getBoolean("hasMore"));
    assertFalse(second.getBoolean("hasMore"));
    List<JsonObject> all = new ArrayList<>();
    first.getJsonArray("certificates").forEach(c -> all.add((JsonObject) c));
    second.getJsonArray("certificates").forEach(c -> all.add((JsonObject) c));
    assertEquals(3, all.size());
    List<String> notAfters = all.stream().map(c -> c.getString("notAfter")).toList();
    assertEquals(notAfters.stream().sorted().toList(), notAfters, "soonest expiry first");
  }

  @Test
  void badParametersAreRefusedNamingThem() throws Exception {
    for (String[] bad : new String[][] {{"status=live", "status"}, {"offer=SERV", "offer"}, {"profile=SSL", "profile"},
        {"admin=07", "admin"}, {"structure=" + URLEncoder.encode("3'1", StandardCharsets.UTF_8), "structure"},
        {"expiresBefore=tomorrow", "expiresBefore"}, {"expiresAfter=2027-13-01T00:00:00Z", "expiresAfter"},
        {"limit=0", "limit"}, {"offset=x", "offset"}, {"status=valid&status=revoked", "status"}}) {
      HttpResponse<String> r = raw("/certificates?" + bad[0]);
      assertEquals(400, r.statusCode(), bad[0] + ": " + r.body());
      JsonObject p = new JsonObject(r.body());
      assertEquals(bad[1], p.getJsonArray("invalidFields").getJsonObject(0).getString("field"), r.body());
    }
    assertEquals(400, raw("/certificates/xyz").statusCode());
    assertEquals(404, raw("/certificates/00ff").statusCode());
  }

  @Test
  void theDetailHasTheChainTheResponderStatusAndTheRenewalLinks() throws Exception {
    JsonObject valid = get("/certificates/" + www.serialHex());
    List<X509Certificate> chain = TestCerts.chain(valid.getString("chain"));
    assertEquals(2, chain.size());
    assertEquals(www.issuer(), chain.get(0));
    www.certificate().verify(chain.get(0).getPublicKey());
    chain.get(0).verify(chain.get(1).getPublicKey());
    assertEquals(chain.get(1).getSubjectX500Principal(), chain.get(1).getIssuerX500Principal(), "then the root");
    assertEquals(www.certificate().getIssuerX500Principal().getName(), valid.getString("issuer"));
    assertEquals(www.certificate(), TestCerts.chain(valid.getString("pem")).get(0));
    assertEquals("good", valid.getJsonObject("ocsp").getString("status"));
    assertEquals(server.endpoints().ocspUrl(), valid.getJsonObject("ocsp").getString("responder"));
    assertEquals(CertificateStatus.GOOD, responder(www).getCertStatus());
    assertEquals(hex(renewed), valid.getString("replacedBy"));
    assertEquals(server.endpoints().raUrl() + "/certificates/" + www.serialHex() + "/renewals",
        valid.getJsonObject("links").getString("renewals"));
    assertEquals(www.serialHex(), get("/certificates/" + hex(renewed)).getString("replaces"));
    assertTrue(valid.getLong("order") > 0);

    JsonObject revoked = get("/certificates/" + api.serialHex());
    assertEquals("revoked", revoked.getString("status"));
    JsonObject ocsp = revoked.getJsonObject("ocsp");
    assertEquals("revoked", ocsp.getString("status"));
    assertEquals("keyCompromise", ocsp.getString("revocationReason"));
    RevokedStatus real = assertInstanceOf(RevokedStatus.class, responder(api).getCertStatus());
    assertEquals(real.getRevocationTime().toInstant(), Instant.parse(ocsp.getString("revokedAt")).truncatedTo(
        java.time.temporal.ChronoUnit.SECONDS));
    assertEquals(1, real.getRevocationReason(), "keyCompromise, RFC 5280 code 1");
    assertNull(valid.getJsonObject("ocsp").getValue("revokedAt"));
  }

  @Test
  void theAdministratorsOrdersNameTheirCertificates() throws Exception {
    JsonObject page = get("/admins/0720000001/orders");
    JsonArray orders = page.getJsonArray("orders");
    assertEquals(3, orders.size(), orders.encode());
    assertEquals(List.of(hex(renewed), api.serialHex(), www.serialHex()),
        orders.stream().map(o -> ((JsonObject) o).getString("certificateSerial")).toList(), "newest first");
    JsonObject last = orders.getJsonObject(0);
    assertEquals("valid", last.getString("status"));
    assertEquals(www.serialHex(), last.getString("replaces"));
    assertEquals("www.a.example.test", last.getJsonArray("identifiers").getJsonObject(0).getString("value"));
    assertEquals(structureA, last.getString("structure"));
    assertTrue(last.getString("url").startsWith(server.endpoints().acmeBase() + "/order/"));
    assertEquals(3, get("/admins/0720000001/orders?status=valid").getJsonArray("orders").size());
    assertEquals(0, get("/admins/0720000001/orders?status=invalid").getJsonArray("orders").size());
    JsonObject one = get("/admins/0720000001/orders?limit=1&offset=2");
    assertEquals(www.serialHex(), one.getJsonArray("orders").getJsonObject(0).getString("certificateSerial"));
    assertFalse(one.getBoolean("hasMore"));
    assertEquals(List.of(other.serialHex()), get("/admins/0720000002/orders").getJsonArray("orders").stream()
        .map(o -> ((JsonObject) o).getString("certificateSerial")).toList());
  }

  /** What the server's OCSP responder says of the certificate, asked over HTTP. */
  private static org.bouncycastle.cert.ocsp.SingleResp responder(RevocationFixture.Issued cert) throws Exception {
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(cert.issuer()), cert.certificate().getSerialNumber());
    HttpResponse<byte[]> r = fixture.ocspPost(new OCSPReqBuilder().addRequest(id).build().getEncoded());
    OCSPResp resp = new OCSPResp(r.body());
    assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
    return ((BasicOCSPResp) resp.getResponseObject()).getResponses()[0];
  }
}
