package fr.habilis.ca.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.Main;
import fr.habilis.ca.TestCerts;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.audit.AuditCheck;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import fr.habilis.ca.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 17: an online backup of the H2 database taken through the RA API while the server runs,
 * restored with {@code restore} into the stopped server's data directory, brings back every
 * certificate it held, an audit chain that verify-audit accepts and the same CRL number.
 */
class BackupRestoreTest {
  @TempDir Path tmp;
  private TestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void aRestoredBackupHasEveryCertificateAnIntactChainAndTheSameCrlNumber() throws Exception {
    Assumptions.assumeFalse(TestDatabases.postgres(), "online backups are H2's; PostgreSQL has pg_dump");
    Path dir = tmp.resolve("data");
    server = TestServer.start(Map.of("dataDir", dir.toString(), "crlCoalesceDelay", "PT0.05S"));
    RaFixture.Credential cred = RaFixture.of(server).habilitate("18751275100020", "0123456789", RaFixture.servSsl("backup.test"));
    RawAcmeClient acme = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(acme.register(cred), 201, "newAccount");
    List<X509Certificate> before = new ArrayList<>();
    for (String name : List.of("a.backup.test", "b.backup.test", "c.backup.test")) before.add(issue(acme, name));
    String revoked = hex(before.get(1).getSerialNumber());
    assertEquals(200, ra("POST", "/certificates/" + revoked + "/revoke", "{\"reason\":\"keyCompromise\"}").statusCode());
    String crlUrl = server.endpoints().crlUrl("org");
    long crlNumber = waitForCrlListing(crlUrl, before.get(1).getSerialNumber());

    HttpResponse<String> taken = ra("POST", "/backups", "");
    assertEquals(201, taken.statusCode(), taken.body());
    JsonObject manifest = new JsonObject(taken.body());
    Path backup = Path.of(manifest.getString("directory"));
    assertTrue(backup.startsWith(dir.resolve("backups")), backup.toString());
    assertEquals(3, manifest.getLong("certificates"));
    assertEquals(crlNumber, manifest.getJsonObject("crlNumbers").getLong("org"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
    try (Stream<Path> files = Files.list(backup)) {
      List<Path> all = files.toList();
      assertEquals(3, all.size(), all.toString());
      for (Path f : all) assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
    }

    X509Certificate after = issue(acme, "d.backup.test"); // not in the backup
    Path config = Files.writeString(tmp.resolve("habilis.yaml"), "dataDir: " + dir + "\n");

    // While the server runs, the restore refuses and changes nothing.
    Cli busy = cli(config, "restore", "--from", backup.toString(), "--replace");
    assertEquals(2, busy.exit, busy.err);
    assertTrue(busy.err.contains("in use"), busy.err);
    server.stop();

    Cli noReplace = cli(config, "restore", "--from", backup.toString());
    assertEquals(2, noReplace.exit, noReplace.err);
    assertTrue(noReplace.err.contains("--replace"), noReplace.err);

    Cli restored = cli(config, "restore", "--from", backup.toString(), "--replace");
    assertEquals(0, restored.exit, restored.out + restored.err);
    assertTrue(restored.out.contains("audit chain intact"), restored.out);
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("habilis.mv.db.before-restore-")),
          "the replaced database is kept");
    }
    AuditCheck.Outcome audit = AuditCheck.run(HabilisConfig.of(Map.of("dataDir", dir.toString())));
    assertTrue(audit.ok(), audit.report());

    // The restored server holds exactly the backup's certificates, the revocation, and the same CRL number.
    server = TestServer.start(Map.of("dataDir", dir.toString()));
    for (X509Certificate c : before) {
      assertEquals(200, ra("GET", "/certificates/" + hex(c.getSerialNumber()), null).statusCode());
    }
    assertEquals(404, ra("GET", "/certificates/" + hex(after.getSerialNumber()), null).statusCode(),
        "a certificate issued after the backup is not in it");
    JsonObject r = new JsonObject(ra("GET", "/certificates/" + revoked, null).body());
    assertEquals("revoked", r.getString("status"), r.encode());
    X509CRL crl = crl(server.endpoints().crlUrl("org"));
    assertTrue(crl.getRevokedCertificate(before.get(1).getSerialNumber()) != null);
    assertTrue(crlNumber(crl) >= crlNumber, "CRL numbers never go back");
  }

  @Test
  void onPostgresqlTheServerPointsAtPgDumpAndWritesNothing() throws Exception {
    Assumptions.assumeTrue(TestDatabases.postgres(), "the PostgreSQL pass");
    Path dir = tmp.resolve("data");
    server = TestServer.start(Map.of("dataDir", dir.toString()));
    HttpResponse<String> refused = ra("POST", "/backups", "");
    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("pg_dump"), refused.body());
    assertFalse(Files.exists(dir.resolve("backups")));
  }

  @Test
  void anIncompleteBackupOrAForeignOneIsRefusedAndNothingChanges() throws Exception {
    Assumptions.assumeFalse(TestDatabases.postgres(), "online backups are H2's; PostgreSQL has pg_dump");
    Path dir = tmp.resolve("data");
    server = TestServer.start(Map.of("dataDir", dir.toString()));
    HttpResponse<String> taken = ra("POST", "/backups", "");
    assertEquals(201, taken.statusCode(), taken.body());
    Path backup = Path.of(new JsonObject(taken.body()).getString("directory"));
    server.stop();
    byte[] database = Files.readAllBytes(dir.resolve("habilis.mv.db"));
    Path config = Files.writeString(tmp.resolve("habilis.yaml"), "dataDir: " + dir + "\n");

    Path partial = Files.createDirectory(tmp.resolve("partial"));
    Files.copy(backup.resolve("database.zip"), partial.resolve("database.zip"));
    Cli incomplete = cli(config, "restore", "--from", partial.toString(), "--replace");
    assertEquals(2, incomplete.exit, incomplete.err);
    assertTrue(incomplete.err.contains("not a complete Habilis backup"), incomplete.err);

    // Another CA's data directory (its own keystore) cannot take this backup.
    Path other = tmp.resolve("other");
    try (TestServer o = TestServer.start(Map.of("dataDir", other.toString()))) {
      o.stop();
      Path otherConfig = Files.writeString(tmp.resolve("other.yaml"), "dataDir: " + other + "\n");
      Cli foreign = cli(otherConfig, "restore", "--from", backup.toString(), "--replace");
      assertEquals(2, foreign.exit, foreign.err);
      assertTrue(foreign.err.contains("not taken by the CA of this keystore"), foreign.err);
    }
    assertTrue(java.util.Arrays.equals(database, Files.readAllBytes(dir.resolve("habilis.mv.db"))));
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("before-restore")));
    }
  }

  private record Cli(int exit, String out, String err) {}

  private static Cli cli(Path config, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    cmd.setExecutionExceptionHandler((e, c, parsed) -> {
      c.getErr().println("habilis: error: " + e.getMessage());
      return e instanceof fr.habilis.ca.config.ConfigException ? 2 : 1;
    });
    String[] all = Stream.concat(Stream.of("--config", config.toString()), Stream.of(args)).toArray(String[]::new);
    int exit = cmd.execute(all);
    return new Cli(exit, out.toString(), err.toString());
  }

  private X509Certificate issue(RawAcmeClient acme, String name) throws Exception {
    String pem = acme.issue(new JsonObject().put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "dns").put("value", name))), TestCerts.dnsCsr(TestCerts.ecKey(), name));
    return TestCerts.chain(pem).get(0);
  }


  private HttpResponse<String> ra(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + server.raToken());
    if (body != null) b.header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return server.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private X509CRL crl(String url) throws Exception {
    byte[] der = server.httpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body();
    return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
  }

  private long waitForCrlListing(String url, BigInteger serial) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      X509CRL crl = crl(url);
      if (crl.getRevokedCertificate(serial) != null) return crlNumber(crl);
      if (System.nanoTime() > deadline) throw new AssertionError("the revocation never reached the CRL");
      Thread.sleep(100);
    }
  }

  private static long crlNumber(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    return ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getValue().longValueExact();
  }

  private static String hex(BigInteger serial) {
    return fr.habilis.ca.issuance.SerialNumbers.toHex(serial);
  }
}
