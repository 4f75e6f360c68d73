package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * SMTP over TLS with authentication against GreenMail's SMTPS listener, whose certificate (for
 * 127.0.0.1) the test makes: trusted through {@code smtpTrustPem}, the notice is delivered; with
 * the JVM's default trust instead, the handshake fails and the notice records the error (the
 * server's certificate is verified, never trusted blindly). GreenMail has no STARTTLS: the
 * {@code starttls} mode is tested against SubEthaSMTP in {@link SmtpStartTlsTest}.
 */
class SmtpTlsTest {

  @Test
  void tlsWithAuthenticationDeliversWhenTheServerCertificateIsTrustedAndRecordsTheFailureOtherwise() throws Exception {
    Path dir = Files.createTempDirectory("habilis-smtps");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    Instant now = Instant.now();
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name("CN=127.0.0.1"), BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
        Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=127.0.0.1"), kp.getPublic())
        .addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("smtp", kp.getPrivate(), "changeit".toCharArray(), new X509Certificate[] {cert});
    Path p12 = dir.resolve("smtp.p12");
    try (OutputStream out = Files.newOutputStream(p12)) {
      ks.store(out, "changeit".toCharArray());
    }
    Path pem = dir.resolve("smtp-ca.pem");
    Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");

    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    System.setProperty("greenmail.tls.keystore.file", p12.toString());
    System.setProperty("greenmail.tls.keystore.password", "changeit");
    System.setProperty("greenmail.tls.key.password", "changeit");
    GreenMail smtps = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
    try {
      smtps.setUser("habilis@habilis.test", "habilis", "s3cret");
      smtps.start();
      Map<String, String> settings = new HashMap<>();
      settings.put("smtpHost", "127.0.0.1");
      settings.put("smtpPort", Integer.toString(port));
      settings.put("smtpSecurity", "tls");
      settings.put("smtpUsername", "habilis");
      settings.put("smtpPassword", "s3cret");
      settings.put("smtpTimeout", "PT2S");
      settings.put("noticeScanEvery", "PT0.1S");
      settings.put("noticeRetryDelay", "PT10M");

      try (TestServer untrusting = TestServer.start(settings)) {
        NoticeFixture fx = new NoticeFixture(untrusting);
        approve(fx, 1);
        JsonObject row = awaitAttempted(fx);
        assertEquals("pending", row.getString("state"), "retried later");
        assertTrue(row.getString("lastError").toLowerCase().matches("(?s).*(certif|ssl|handshake|pkix|trust).*"), row.encode());
        assertEquals(0, smtps.getReceivedMessages().length);
      }

      settings.put("smtpTrustPem", pem.toString());
      try (TestServer trusting = TestServer.start(settings)) {
        NoticeFixture fx = new NoticeFixture(trusting);
        approve(fx, 2);
        long end = System.currentTimeMillis() + 10_000;
        while (smtps.getReceivedMessages().length < 1 && System.currentTimeMillis() < end) Thread.sleep(50);
        assertEquals(1, smtps.getReceivedMessages().length);
        assertEquals("direction@tls.test", smtps.getReceivedMessages()[0].getAllRecipients()[0].toString());
      }
    } finally {
      smtps.stop();
      System.clearProperty("greenmail.tls.keystore.file");
      System.clearProperty("greenmail.tls.keystore.password");
      System.clearProperty("greenmail.tls.key.password");
      TestServer.deleteRecursively(dir);
    }
  }

  private static void approve(NoticeFixture fx, int n) throws Exception {
    String st = fx.structure(NoticeFixture.siret(3000 + n));
    // The administrator shares the signatory's address: one notice per approval.
    String ref = fx.request(st, "direction@tls.test", new JsonArray()
        .add(NoticeFixture.admin("040000000" + n, "direction@tls.test", null)), "tls.test", new JsonArray());
    fx.approve(ref, st);
  }

  private static JsonObject awaitAttempted(NoticeFixture fx) throws Exception {
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      JsonArray rows = fx.notices("");
      if (!rows.isEmpty() && rows.getJsonObject(0).getString("lastError") != null) return rows.getJsonObject(0);
      Thread.sleep(100);
    }
    throw new AssertionError("no attempt recorded: " + fx.notices("").encodePrettily());
  }
}
