package fr.habilis.ca.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 2: a structure whose legal name does not fit in a certificate's O (64 characters)
 * is recorded with a certificate name, or refused; a habilitation is never approved for a
 * structure whose certificates could not be issued. Over real HTTPS (RA API and ACME).
 */
class StructureNameTest {
  /** 78 characters: a legal name, too long for O. */
  private static final String LONG_NAME = "CENTRE HOSPITALIER INTERCOMMUNAL DE LA VALLEE DE LA HAUTE-SEINE ET DE SES ENVIRONS";
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> ra(String method, String path, JsonObject body) throws Exception {
    // Approvals as the approver operator: four-eyes refuses them to the shared token that recorded.
    String token = path.endsWith("/approve") ? server.approverToken() : server.raToken();
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject structure(String siret) {
    return new JsonObject().put("idType", "SIRET").put("idValue", siret).put("name", LONG_NAME).put("department", "75")
        .put("environment", "test");
  }

  static String habilitation(String nationalId, String card) throws Exception {
    HttpResponse<String> r = ra("POST", "/habilitations", new JsonObject().put("form", "414").put("structure", nationalId)
        .put("signatory", new JsonObject().put("role", "LEGAL_REPRESENTATIVE").put("lastName", "DUPONT")
            .put("firstName", "MARIE").put("email", "direction@example.test"))
        .put("administrators", new JsonArray().add(new JsonObject().put("cardNumber", card).put("cardType", "CPA")
            .put("lastName", "MARTIN").put("firstName", "PAUL").put("email", "admin@example.test")))
        .put("offers", new JsonArray().add(new JsonObject().put("offer", "ORG"))));
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("reference");
  }

  @Test
  void aNameLongerThanOHoldsNeedsACertificateName() throws Exception {
    assertTrue(LONG_NAME.length() > 64);
    HttpResponse<String> refused = ra("POST", "/structures", structure("18751275100046"));
    assertEquals(400, refused.statusCode(), refused.body());
    JsonObject p = new JsonObject(refused.body());
    assertEquals("certificateName", p.getJsonArray("invalidFields").getJsonObject(0).getString("field"), refused.body());
    HttpResponse<String> tooLong = ra("POST", "/structures", structure("18751275100046").put("certificateName", LONG_NAME));
    assertEquals(400, tooLong.statusCode(), tooLong.body());

    HttpResponse<String> created = ra("POST", "/structures", structure("18751275100046").put("certificateName", "CHI VALLEE HAUTE-SEINE"));
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(LONG_NAME, new JsonObject(created.body()).getString("name"));
    String nationalId = new JsonObject(created.body()).getString("nationalId");
    String reference = habilitation(nationalId, "0123456781");
    HttpResponse<String> approved = ra("POST", "/habilitations/" + reference + "/approve", new JsonObject());
    assertEquals(200, approved.statusCode(), approved.body());
    JsonObject cred = new JsonObject(approved.body()).getJsonArray("credentials").getJsonObject(0);

    // The approved habilitation is usable: an ORG certificate is issued, O is the certificate name.
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(new RaFixture.Credential("0123456781", cred.getString("eabKid"),
        cred.getString("eabHmacKey"), nationalId)), 201, "newAccount");
    var key = AcmeProtocolTest.ecKey();
    byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=DMP"), key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    String pem = c.issue(new JsonObject().put("profile", "ORG_AUTH_CLI").put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "structure").put("value", nationalId))), csr);
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    assertEquals("CHI VALLEE HAUTE-SEINE", subject.getRDNs(BCStyle.O)[0].getFirst().getValue().toString());
  }

  @Test
  void aStructureRecordedBeforeWithALongNameIsNotApprovedUntilItHasACertificateName() throws Exception {
    // As the V17 migration leaves a structure recorded earlier with a name over 64 characters.
    String nationalId = "318751275100053";
    server.context().db().txBlocking(c -> {
      try (var ps = c.prepareStatement("INSERT INTO structures (national_id, id_type, id_value, name, department,"
          + " environment, created_at) VALUES (?, 'SIRET', ?, ?, '75', 'test', CURRENT_TIMESTAMP)")) {
        ps.setString(1, nationalId);
        ps.setString(2, nationalId.substring(1));
        ps.setString(3, LONG_NAME);
        return ps.executeUpdate();
      }
    });
    String reference = habilitation(nationalId, "0123456782");
    HttpResponse<String> refused = ra("POST", "/habilitations/" + reference + "/approve", new JsonObject());
    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("certificateName"), refused.body());
    assertEquals("RECEIVED", new JsonObject(ra("GET", "/habilitations/" + reference, null).body()).getString("status"));

    HttpResponse<String> onlyThat = ra("PATCH", "/structures/" + nationalId, new JsonObject().put("name", "X"));
    assertEquals(400, onlyThat.statusCode(), onlyThat.body());
    HttpResponse<String> patched = ra("PATCH", "/structures/" + nationalId, new JsonObject().put("certificateName", "CHI VALLEE"));
    assertEquals(200, patched.statusCode(), patched.body());
    assertEquals("CHI VALLEE", new JsonObject(patched.body()).getString("certificateName"));
    assertEquals(200, ra("POST", "/habilitations/" + reference + "/approve", new JsonObject()).statusCode());
  }
}
