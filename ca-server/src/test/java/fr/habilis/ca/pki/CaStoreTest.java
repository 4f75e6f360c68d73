package fr.habilis.ca.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaStoreTest {
  @TempDir Path dir;

  @Test
  void racingFirstStartsCreateExactlyOneHierarchy() throws Exception {
    Files.createDirectories(dir);
    HabilisConfig config = HabilisConfig.of(Map.of("dataDir", dir.toString(), "caKeyAlgorithm", "EC-P384"));
    Endpoints endpoints = new Endpoints("https://localhost:1", "http://localhost:2");
    Callable<CaHierarchy> start = () -> CaStore.loadOrCreate(config, "pw".toCharArray(), endpoints, Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<CaHierarchy> a = pool.submit(start);
      Future<CaHierarchy> b = pool.submit(start);
      Future<CaHierarchy> c = pool.submit(start);
      byte[] root = a.get().root().getEncoded();
      assertArrayEquals(root, b.get().root().getEncoded());
      assertArrayEquals(root, c.get().root().getEncoded());
      assertArrayEquals(root, CaStore.loadOrCreate(config, "pw".toCharArray(), endpoints, Clock.systemUTC()).root().getEncoded());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theCaSecretIsAddedOnceToATestKeystoreAndRequiredInProduction() throws Exception {
    HabilisConfig test = HabilisConfig.of(Map.of("dataDir", dir.toString(), "caKeyAlgorithm", "EC-P384"));
    Endpoints endpoints = new Endpoints("https://localhost:1", "http://localhost:2");
    byte[] root = CaStore.loadOrCreate(test, "pw".toCharArray(), endpoints, Clock.systemUTC()).root().getEncoded();
    Path keystore = dir.resolve(CaStore.KEYSTORE_FILE);
    Path copy = dir.resolve("without-secret.p12");
    Files.copy(keystore, copy);
    javax.crypto.SecretKey first = CaStore.loadOrCreateSecret(test, "pw".toCharArray()).derive("t", "AES");
    assertArrayEquals(first.getEncoded(), CaStore.loadOrCreateSecret(test, "pw".toCharArray()).derive("t", "AES").getEncoded());
    // The CA entries survive the keystore's rewrite.
    assertArrayEquals(root, CaStore.loadOrCreate(test, "pw".toCharArray(), endpoints, Clock.systemUTC()).root().getEncoded());

    HabilisConfig production = HabilisConfig.of(Map.of("dataDir", dir.toString(), "environment", "production",
        "caKeystore", copy.toString()));
    byte[] before = Files.readAllBytes(copy);
    var e = org.junit.jupiter.api.Assertions.assertThrows(fr.habilis.ca.config.ConfigException.class,
        () -> CaStore.loadOrCreateSecret(production, "pw".toCharArray()));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("keytool -genseckey"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(copy), "production writes nothing to the keystore");
  }
}
