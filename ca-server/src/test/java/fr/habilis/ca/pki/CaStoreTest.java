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

  @Test
  void aRenewedResponderReplacesOnlyItsEntryAndASecondInstanceAdoptsIt() throws Exception {
    HabilisConfig config = HabilisConfig.of(Map.of("dataDir", dir.toString(), "caKeyAlgorithm", "EC-P384"));
    Endpoints endpoints = new Endpoints("https://localhost:1", "http://localhost:2");
    char[] pw = "pw".toCharArray();
    CaHierarchy loaded = CaStore.loadOrCreate(config, pw, endpoints, Clock.systemUTC());
    byte[] secret = CaStore.loadOrCreateSecret(config, pw).derive("t", "AES").getEncoded();
    IssuingCa served = loaded.org();
    ResponderStore store = new ResponderStore(config, pw);
    ResponderStore.Renewer renewer = ca -> HierarchyGenerator.renewOcspSigner(ca, java.time.Duration.ofDays(1), endpoints, Clock.systemUTC());
    java.util.function.Predicate<java.security.cert.X509Certificate> onlyTheOldIsDue =
        c -> c.getSerialNumber().equals(served.ocspCertificate().getSerialNumber());

    ResponderStore.Outcome first = store.renew(served, onlyTheOldIsDue, renewer);
    org.junit.jupiter.api.Assertions.assertTrue(first.renewedHere());
    CaHierarchy reloaded = CaStore.loadOrCreate(config, pw, endpoints, Clock.systemUTC());
    assertArrayEquals(first.ca().ocspCertificate().getEncoded(), reloaded.org().ocspCertificate().getEncoded());
    assertArrayEquals(first.ca().ocspKey().getEncoded(), reloaded.org().ocspKey().getEncoded());
    // Every other entry is kept: the root, both CAs, the other responder, the CA secret.
    assertArrayEquals(loaded.root().getEncoded(), reloaded.root().getEncoded());
    assertArrayEquals(loaded.org().privateKey().getEncoded(), reloaded.org().privateKey().getEncoded());
    assertArrayEquals(loaded.pro().ocspCertificate().getEncoded(), reloaded.pro().ocspCertificate().getEncoded());
    assertArrayEquals(secret, CaStore.loadSecret(config, pw).derive("t", "AES").getEncoded());
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      org.junit.jupiter.api.Assertions.assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve(CaStore.KEYSTORE_FILE))));
    }

    // A second instance sharing the keystore, still serving the old responder, takes the stored one.
    ResponderStore.Outcome second = store.renew(served, onlyTheOldIsDue, ca -> {
      throw new AssertionError("renewed again although the keystore holds a responder that is not due");
    });
    org.junit.jupiter.api.Assertions.assertFalse(second.renewedHere());
    assertArrayEquals(first.ca().ocspCertificate().getEncoded(), second.ca().ocspCertificate().getEncoded());
    assertArrayEquals(first.ca().ocspKey().getEncoded(), second.ca().ocspKey().getEncoded());
  }
}
