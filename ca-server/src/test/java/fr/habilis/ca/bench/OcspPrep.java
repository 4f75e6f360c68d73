package fr.habilis.ca.bench;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Prepares the OCSP benchmark against a running server: issues one SERV_SSL certificate through
 * ACME and writes, into the output directory, the OCSP requests wrk replays — {@code plain.der}
 * (SHA-1 CertID, no nonce: the cached path), {@code get-path} (the same, URL-encoded base64 for GET)
 * and {@code nonce.der} with {@code nonce-offset} (where its 16 nonce bytes start, so the wrk script
 * can write fresh ones into every request).
 */
public final class OcspPrep {
  private static final byte[] MARKER = "HABILIS-NONCE-16".getBytes(StandardCharsets.US_ASCII);

  public static void main(String[] args) throws Exception {
    JsonObject endpoints = new JsonObject(Files.readString(Path.of(args[0])));
    Path out = Path.of(args[1]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(TestServer.sslContextTrusting(Path.of(endpoints.getString("trustPem"))))
        .connectTimeout(Duration.ofSeconds(10)).build();
    RaFixture.Credential credential = RaFixture.forBench(http, endpoints)
        .habilitate("18751275100020", "0123456789", RaFixture.servSsl("ocsp-bench.test"));
    RawAcmeClient client = new RawAcmeClient(http, endpoints.getString("directoryUrl"));
    RawAcmeClient.expect(client.register(credential), 201, "newAccount");
    String name = "www.ocsp-bench.test";
    String pem = client.issue(new JsonObject().put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "dns").put("value", name))), AcmeLoad.csr(name));
    List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
        .map(c -> (X509Certificate) c).toList();

    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(chain.get(1)), chain.get(0).getSerialNumber());
    byte[] plain = new OCSPReqBuilder().addRequest(id).build().getEncoded();
    byte[] withNonce = new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(new Extension(
        OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(MARKER).getEncoded()))).build().getEncoded();
    int offset = indexOf(withNonce, MARKER);
    Files.write(out.resolve("plain.der"), plain);
    Files.writeString(out.resolve("get-path"),
        "/ocsp/" + URLEncoder.encode(Base64.getEncoder().encodeToString(plain), StandardCharsets.US_ASCII));
    Files.write(out.resolve("nonce.der"), withNonce);
    Files.writeString(out.resolve("nonce-offset"), Integer.toString(offset));
    System.out.printf("certificate %s issued; OCSP requests of %d and %d bytes written to %s%n",
        chain.get(0).getSerialNumber().toString(16), plain.length, withNonce.length, out);
  }

  private static int indexOf(byte[] data, byte[] part) {
    outer:
    for (int i = 0; i <= data.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) if (data[i + j] != part[j]) continue outer;
      return i;
    }
    throw new IllegalStateException("nonce not found in the request");
  }

  private OcspPrep() {}
}
