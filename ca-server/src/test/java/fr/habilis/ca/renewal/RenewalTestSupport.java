package fr.habilis.ca.renewal;

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
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.shredzone.acme4j.toolbox.AcmeUtils;

/** ACME and RA calls shared by the renewal tests: raw, so that they can send what they like. */
final class RenewalTestSupport {
  private RenewalTestSupport() {}

  static RawAcmeClient account(TestServer server, RaFixture.Credential admin) throws Exception {
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(RaFixture.of(server).newCredential(admin.cardNumber(), admin.nationalId())), 201,
        "newAccount");
    return c;
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A CSR for DNS names (SERV_SSL) or, with no name, for a service applicatif CN (ORG_*). */
  static byte[] csr(String cn, String... dnsNames) throws Exception {
    KeyPair kp = ecKey();
    JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + cn),
        kp.getPublic());
    if (dnsNames.length > 0) {
      ExtensionsGenerator ext = new ExtensionsGenerator();
      GeneralName[] gn = new GeneralName[dnsNames.length];
      for (int i = 0; i < dnsNames.length; i++) gn[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
      ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
      b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
    }
    return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
  }

  static JsonObject dnsOrder(String name) {
    return new JsonObject().put("identifiers", new JsonArray().add(new JsonObject().put("type", "dns").put("value", name)));
  }

  static JsonObject orgOrder(String nationalId, String profile) {
    return new JsonObject().put("identifiers", new JsonArray().add(new JsonObject().put("type", "structure")
        .put("value", nationalId))).put("profile", profile);
  }

  /** Orders, finalizes and downloads; the leaf certificate. */
  static X509Certificate issue(RawAcmeClient client, JsonObject order, byte[] csr) throws Exception {
    String pem = client.issue(order, csr);
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  static X509Certificate serverCertificate(RawAcmeClient client, String name) throws Exception {
    return issue(client, dnsOrder(name), csr(name, name));
  }

  /** The identifier as an independent implementation computes it (acme4j). */
  static String ariId(X509Certificate cert) {
    return AcmeUtils.getRenewalUniqueIdentifier(cert);
  }

  static String serialHex(X509Certificate cert) {
    return fr.habilis.ca.issuance.SerialNumbers.toHex(cert.getSerialNumber());
  }

  static HttpResponse<String> get(TestServer server, String url) throws Exception {
    return server.httpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> renewalInfo(TestServer server, String id) throws Exception {
    return get(server, server.endpoints().acmeBase() + "/renewal-info/" + id);
  }
}
