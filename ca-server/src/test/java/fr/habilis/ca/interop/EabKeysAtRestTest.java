package fr.habilis.ca.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.pki.CaStore;
import fr.habilis.ca.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Status;

/**
 * Issue 15 item 9: the EAB HMAC key the RA hands out is never in the database file; acme4j binds
 * with it across a restart; a database from before V15 has its clear keys sealed at start-up; a
 * database copied without the CA keystore (or its secret entry) serves nothing: no server starts on it.
 */
class EabKeysAtRestTest {
  @TempDir Path tmp;
  private TestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
  }

  private static Connection db(Path dataDir) throws Exception {
    return TestDatabases.connect(dataDir);
  }

  private Login bind(RaFixture.Credential cred) throws Exception {
    return new AccountBuilder().agreeToTermsOfService().useKeyPair(Acme4jSessions.ecKey())
        .withKeyIdentifier(cred.eabKid(), cred.eabHmacKey()).createLogin(Acme4jSessions.session(server));
  }

  @Test
  void theKeyHandedOutIsNeverInTheDatabaseFileAndBindsAfterARestart() throws Exception {
    Path dir = tmp.resolve("data");
    server = TestServer.start(Map.of("dataDir", dir.toString()));
    RaFixture.Credential cred = RaFixture.of(server).habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    server.stop();
    byte[] key = Base64.getUrlDecoder().decode(cred.eabHmacKey());
    if (!TestDatabases.postgres()) {
      assertFalse(contains(Files.readAllBytes(dir.resolve("habilis.mv.db")), key), "the H2 file holds the key in clear");
    }
    try (Connection c = db(dir);
        PreparedStatement ps = c.prepareStatement("SELECT hmac_key, hmac_key_sealed FROM eab_credentials WHERE kid = ?")) {
      ps.setString(1, cred.eabKid());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertNull(rs.getBytes(1));
        assertFalse(contains(rs.getBytes(2), key));
      }
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve(CaStore.KEYSTORE_FILE))) {
      ks.load(in, Files.readString(dir.resolve("keystore-password")).trim().toCharArray());
    }
    assertTrue(ks.isKeyEntry("habilis-secret"), "the CA secret is an entry of the CA keystore");

    server = TestServer.start(Map.of("dataDir", dir.toString()));
    assertEquals(Status.VALID, bind(cred).getAccount().getStatus());
  }

  @Test
  void clearKeysOfAnEarlierVersionAreSealedAtStartUpAndStillBind() throws Exception {
    Path dir = tmp.resolve("data");
    server = TestServer.start(Map.of("dataDir", dir.toString()));
    RaFixture.Credential cred = RaFixture.of(server).habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    server.stop();
    byte[] clear = new byte[32];
    new java.security.SecureRandom().nextBytes(clear);
    clear[0] = 0; // never '-' in base64url
    try (Connection c = db(dir);
        PreparedStatement ps = c.prepareStatement("INSERT INTO eab_credentials (kid, hmac_key, admin_id, created_at,"
            + " expires_at) SELECT 'eab-from-v14', ?, admin_id, created_at, ? FROM eab_credentials WHERE kid = ?")) {
      ps.setBytes(1, clear);
      ps.setObject(2, OffsetDateTime.now().plusDays(1));
      ps.setString(3, cred.eabKid());
      assertEquals(1, ps.executeUpdate());
    }
    server = TestServer.start(Map.of("dataDir", dir.toString()));
    byte[][] raw = server.context().db().txBlocking(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT hmac_key, hmac_key_sealed FROM eab_credentials WHERE kid = ?")) {
        ps.setString(1, "eab-from-v14");
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new byte[][] {rs.getBytes(1), rs.getBytes(2)};
        }
      }
    });
    assertNull(raw[0], "the clear key is erased");
    assertFalse(contains(raw[1], clear));
    RaFixture.Credential old = new RaFixture.Credential(cred.cardNumber(), "eab-from-v14",
        Base64.getUrlEncoder().withoutPadding().encodeToString(clear), cred.nationalId());
    assertEquals(Status.VALID, bind(old).getAccount().getStatus());
  }

  /**
   * A database copied without the CA keystore serves nothing: a server started on it refuses to
   * (it belongs to another CA); with the CA keystore but not its secret entry too (the sealed EAB
   * keys and checkpoints need that secret). Before issue 17 such a server started with a CA of its
   * own, and bound nothing (unauthorized).
   */
  @Test
  @DisabledIfSystemProperty(named = TestDatabases.PROPERTY, matches = "postgres", disabledReason = "copies the H2 file")
  void aDatabaseCopiedWithoutTheKeystoreServesNothing() throws Exception {
    Path dir = tmp.resolve("data");
    server = TestServer.start(Map.of("dataDir", dir.toString()));
    RaFixture.of(server).habilitate("18751275100020", "0123456789", RaFixture.servSsl("example.test"));
    server.stop();
    Path copy = Files.createDirectories(tmp.resolve("copy"));
    Files.copy(dir.resolve("habilis.mv.db"), copy.resolve("habilis.mv.db"));
    fr.habilis.ca.config.ConfigException e = TestServer.startFails(Map.of("dataDir", copy.toString()));
    assertTrue(e.getMessage().startsWith("this database belongs to the CA with root SHA-256"), e.getMessage());
    try (var files = Files.list(copy)) {
      // H2's own files aside (its trace file), nothing: no secret generated, no keystore, no certificate.
      assertEquals(java.util.List.of(), files.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith("habilis."))
          .toList(), "nothing written");
    }

    // The CA's keys, without the secret entry (a new one is generated in the test environment).
    char[] password = Files.readString(dir.resolve("keystore-password")).trim().toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve(CaStore.KEYSTORE_FILE))) {
      ks.load(in, password);
    }
    ks.deleteEntry("habilis-secret");
    try (var out = Files.newOutputStream(copy.resolve(CaStore.KEYSTORE_FILE))) {
      ks.store(out, password);
    }
    Files.copy(dir.resolve("keystore-password"), copy.resolve("keystore-password"));
    e = TestServer.startFails(Map.of("dataDir", copy.toString()));
    assertTrue(e.getMessage().contains("keystore secret (caSecretAlias habilis-secret) differs"), e.getMessage());
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; haystack != null && i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }
}
