package fr.habilis.ca.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreReadAheadTest {
  @TempDir Path dir;

  private final Endpoints endpoints = new Endpoints("https://localhost:1", "http://localhost:2");

  @Test
  void readsTheKeysAndTheSecretOfAnExistingKeystoreOnce() throws Exception {
    HabilisConfig config = HabilisConfig.of(Map.of("dataDir", dir.toString(), "caKeyAlgorithm", "EC-P384"));
    Path passwordFile = dir.resolve("keystore-password");
    Files.writeString(passwordFile, "pw\n");
    CaHierarchy created = CaStore.loadOrCreate(config, "pw".toCharArray(), endpoints, Clock.systemUTC());
    byte[] secret = CaStore.loadOrCreateSecret(config, "pw".toCharArray()).derive("t", "AES").getEncoded();

    KeystoreReadAhead ahead = KeystoreReadAhead.start(config, passwordFile);
    CaHierarchy read = ahead.hierarchy();
    assertArrayEquals(created.root().getEncoded(), read.root().getEncoded());
    assertArrayEquals(created.org().privateKey().getEncoded(), read.org().privateKey().getEncoded());
    assertArrayEquals(created.pro().ocspKey().getEncoded(), read.pro().ocspKey().getEncoded());
    assertArrayEquals(secret, ahead.secret().derive("t", "AES").getEncoded());
  }

  @Test
  void readsNothingWithoutAKeystoreOrItsPassword() throws Exception {
    HabilisConfig config = HabilisConfig.of(Map.of("dataDir", dir.toString(), "caKeyAlgorithm", "EC-P384"));
    Path passwordFile = dir.resolve("keystore-password");
    assertNull(KeystoreReadAhead.start(config, passwordFile).hierarchy(), "first start: nothing to read");
    CaStore.loadOrCreate(config, "pw".toCharArray(), endpoints, Clock.systemUTC());
    assertNull(KeystoreReadAhead.start(config, passwordFile).hierarchy(), "no password yet: the ordinary path generates it");
  }

  @Test
  void aWrongPasswordIsTheOrdinaryConfigurationError() throws Exception {
    HabilisConfig config = HabilisConfig.of(Map.of("dataDir", dir.toString(), "caKeyAlgorithm", "EC-P384"));
    CaStore.loadOrCreate(config, "pw".toCharArray(), endpoints, Clock.systemUTC());
    HabilisConfig wrong = HabilisConfig.of(Map.of("dataDir", dir.toString(), "keystorePassword", "not-it"));
    KeystoreReadAhead ahead = KeystoreReadAhead.start(wrong, dir.resolve("keystore-password"));
    ConfigException e = assertThrows(ConfigException.class, ahead::hierarchy);
    assertTrue(e.getMessage().contains("wrong keystore password"), e.getMessage());
  }
}
