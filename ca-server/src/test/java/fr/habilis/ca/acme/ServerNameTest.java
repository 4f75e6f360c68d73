package fr.habilis.ca.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.issuance.OpenSsl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
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
 * Issue 16 item 3: a SERV_SSL certificate's CN is the CSR's CN or else the order's first DNS name;
 * a name longer than a CN holds (64) leaves the certificate without CN — a legal FQDN of up to 253
 * characters can be ordered, and no other name is substituted. Over real HTTPS, checked with OpenSSL.
 */
class ServerNameTest {
  /** 73 characters, a legal DNS name (labels ≤ 63). */
  private static final String LONG = "x".repeat(60) + ".example.test";
  private static TestServer server;
  private static RawAcmeClient client;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    RaFixture ra = RaFixture.of(server);
    RaFixture.Credential admin = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    client = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(client.register(admin), 201, "newAccount");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static byte[] csr(KeyPair kp, String cn, String... names) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    GeneralName[] gn = new GeneralName[names.length];
    for (int i = 0; i < names.length; i++) gn[i] = new GeneralName(GeneralName.dNSName, names[i]);
    ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    if (cn != null) subject.addRDN(BCStyle.CN, cn);
    return new JcaPKCS10CertificationRequestBuilder(subject.build(), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
  }

  /** Orders the names (in this order) with a CSR carrying {@code cn}, returns leaf and issuing CA. */
  static List<X509Certificate> issue(String cn, String... names) throws Exception {
    JsonArray ids = new JsonArray();
    for (String n : names) ids.add(new JsonObject().put("type", "dns").put("value", n));
    String pem = client.issue(new JsonObject().put("identifiers", ids), csr(AcmeProtocolTest.ecKey(), cn, names));
    List<X509Certificate> chain = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      chain.add((X509Certificate) c);
    }
    return chain;
  }

  static String cn(X509Certificate cert) {
    var rdns = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
    return rdns.length == 0 ? null : rdns[0].getFirst().getValue().toString();
  }

  static void verifiesAsServer(List<X509Certificate> chain, String name) throws Exception {
    Path leaf = OpenSsl.writePem(dir, name + ".pem", chain.get(0));
    Path issuing = OpenSsl.writePem(dir, name + "-ca.pem", chain.get(1));
    OpenSsl.Result r = OpenSsl.run("verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", LONG,
        "-CAfile", server.trustPem().toString(), "-untrusted", issuing.toString(), leaf.toString());
    assertEquals(0, r.exitCode(), r.output());
  }

  @Test
  void aSingleNameLongerThan64CharactersIsIssuedWithoutCn() throws Exception {
    assertTrue(LONG.length() > 64);
    List<X509Certificate> chain = issue(null, LONG);
    assertEquals(null, cn(chain.get(0)), chain.get(0).getSubjectX500Principal().toString());
    assertTrue(chain.get(0).getSubjectX500Principal().getName().contains("OU=318751275100020"));
    assertEquals(List.of(List.of(2, LONG)), List.copyOf(chain.get(0).getSubjectAlternativeNames()));
    verifiesAsServer(chain, "long");
  }

  @Test
  void theCnIsTheFirstNameNeverAnotherThatFits() throws Exception {
    // First name too long: no CN (before, www.example.test was taken).
    List<X509Certificate> chain = issue(null, LONG, "www.example.test");
    assertEquals(null, cn(chain.get(0)));
    verifiesAsServer(chain, "long-first");
    // Names that fit: the order's first without CN in the CSR, the CSR's CN otherwise.
    assertEquals("api.example.test", cn(issue(null, "api.example.test", "www.example.test").get(0)));
    assertEquals("www.example.test", cn(issue("www.example.test", "api.example.test", "www.example.test").get(0)));
  }
}
