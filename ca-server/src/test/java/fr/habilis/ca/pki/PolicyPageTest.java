package fr.habilis.ca.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.PolicyQualifierId;
import org.bouncycastle.asn1.x509.PolicyQualifierInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 7: the CPS URI in every certificate is derived from the public HTTP URL and the
 * server answers there (it was a fixed http://localhost/habilis/pc, a dead link). Real server.
 */
class PolicyPageTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void theCertificatesCpsLinkLeadsToThePolicyPage() throws Exception {
    RaFixture.Credential admin = RaFixture.of(server).habilitate("18751275100020", "0123456789",
        new JsonArray().add(new JsonObject().put("offer", "ORG")));
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(admin), 201, "newAccount");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    var key = g.generateKeyPair();
    byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=DMP"), key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    String pem = c.issue(new JsonObject().put("profile", "ORG_SIGN").put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "structure").put("value", admin.nationalId()))), csr);
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));

    CertificatePolicies policies = CertificatePolicies.getInstance(
        ASN1OctetString.getInstance(leaf.getExtensionValue("2.5.29.32")).getOctets());
    PolicyQualifierInfo q = PolicyQualifierInfo.getInstance(policies.getPolicyInformation()[0].getPolicyQualifiers().getObjectAt(0));
    assertEquals(PolicyQualifierId.id_qt_cps, q.getPolicyQualifierId());
    String cps = DERIA5String.getInstance(q.getQualifier()).getString();
    assertEquals(server.endpoints().httpBase() + "/pc", cps);

    HttpResponse<String> page = server.httpClient().send(HttpRequest.newBuilder(URI.create(cps)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertTrue(page.body().contains("Policy OID: 1.2.250.1.213.1.7.2.1.1.1.1"), page.body());
    assertTrue(page.body().contains(server.endpoints().crlUrl("org")), page.body());
    HttpResponse<String> post = server.httpClient().send(HttpRequest.newBuilder(URI.create(cps))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }
}
