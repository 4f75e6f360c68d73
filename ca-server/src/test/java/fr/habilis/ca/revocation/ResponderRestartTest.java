package fr.habilis.ca.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 5, continued: a renewed OCSP responder is written into the CA keystore and
 * published (HTTP /certs and the data directory's certs/), so a restart serves the same responder
 * and does not renew it again.
 */
class ResponderRestartTest {
  // Two minutes: the generated responder (backdated five minutes) has expired at the first start and
  // is renewed at once; the renewed one is due only 80 s later, well after the restart below.
  private static final Map<String, String> SHORT_LIFETIME = Map.of("ocspSignerValidity", "PT2M");

  @Test
  void aRenewedResponderIsServedAfterARestartWithoutASecondRenewal() throws Exception {
    try (TestServer first = TestServer.start(SHORT_LIFETIME)) {
      Path data = first.dataDir();
      Map<String, BigInteger> renewed = new HashMap<>();
      for (String ca : List.of("org", "pro")) {
        renewed.put(ca, waitForValidResponder(first, ca));
        assertPublished(first, ca, renewed.get(ca));
      }
      long audited = renewals(first);
      assertTrue(audited >= 2, "both responders renewed at start-up: " + audited);
      if (data.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("ca-keystore.p12"))));
      }
      first.stop();

      Map<String, String> again = new HashMap<>(SHORT_LIFETIME);
      again.put("dataDir", data.toString());
      try (TestServer second = TestServer.start(again)) {
        for (String ca : List.of("org", "pro")) {
          assertEquals(renewed.get(ca), servedSerial(second, ca), ca + ": the keystore's renewed responder is served");
          assertPublished(second, ca, renewed.get(ca));
        }
        Thread.sleep(2_000); // the start-up check runs on a worker thread: let it finish
        for (String ca : List.of("org", "pro")) {
          assertEquals(renewed.get(ca), servedSerial(second, ca), ca + ": not renewed again");
        }
        assertEquals(audited, renewals(second), "no renewal after the restart");
      }
    }
  }

  private static BigInteger waitForValidResponder(TestServer server, String ca) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonObject r = responder(server, ca);
      if (Instant.parse(r.getString("notAfter")).isAfter(Instant.now().plusSeconds(60))) {
        return new BigInteger(r.getString("serial"), 16);
      }
      assertTrue(System.currentTimeMillis() < deadline, "no renewed responder after 30 s: " + r);
      Thread.sleep(200);
    }
  }

  private static BigInteger servedSerial(TestServer server, String ca) throws Exception {
    return new BigInteger(responder(server, ca).getString("serial"), 16);
  }

  private static JsonObject responder(TestServer server, String ca) throws Exception {
    JsonObject status = new JsonObject(new String(new RevocationFixture(server).httpGet(server.endpoints().httpBase() + "/status").body()));
    return status.getJsonArray("ocspResponders").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("ca").equals(ca)).findFirst().orElseThrow();
  }

  /** /certs/{ca}-ocsp.der and .pem, and their copies in the data directory, are the responder with this serial. */
  private static void assertPublished(TestServer server, String ca, BigInteger serial) throws Exception {
    RevocationFixture fx = new RevocationFixture(server);
    String base = server.endpoints().httpBase() + "/certs/" + ca + "-ocsp.";
    Path dir = server.dataDir().resolve("certs");
    for (String ext : List.of("der", "pem")) {
      assertEquals(serial, certificate(fx.httpGet(base + ext).body()).getSerialNumber(), "/certs/" + ca + "-ocsp." + ext);
      assertEquals(serial, certificate(Files.readAllBytes(dir.resolve(ca + "-ocsp." + ext))).getSerialNumber(),
          "certs/" + ca + "-ocsp." + ext + " in the data directory");
    }
  }

  private static X509Certificate certificate(byte[] derOrPem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(derOrPem));
  }

  private static long renewals(TestServer server) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit_log WHERE action = 'ocsp.responder.renewed'")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
