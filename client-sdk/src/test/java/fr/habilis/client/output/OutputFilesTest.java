package fr.habilis.client.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {

  @TempDir
  Path dir;

  @Test
  void checkWritableCreatesEveryDirectoryOwnerOnly() throws IOException {
    OutputFiles out = OutputFiles.pkcs12(dir.resolve("p12").resolve("auth.p12"), "auth", Pkcs12Format.MODERN)
        .withPem(dir.resolve("pem"));

    out.checkWritable();

    assertEquals("rwx------", AtomicFilesTest.permissions(dir.resolve("p12")));
    assertEquals("rwx------", AtomicFilesTest.permissions(dir.resolve("pem")));
    assertEquals(List.of(), AtomicFilesTest.names(dir.resolve("p12")));
  }

  @Test
  void checkWritableFailsForAPkcs12FileBelowARegularFile() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    OutputFiles out = OutputFiles.pkcs12(file.resolve("auth.p12"), "auth", Pkcs12Format.LEGACY);

    OutputException error = assertThrows(OutputException.class, out::checkWritable);

    assertEquals("cannot use " + file + " as output directory: " + file + " is not a directory", error.getMessage());
  }

  @Test
  void writesThePkcs12FileAndThePemSetTogether() throws Exception {
    Path p12 = dir.resolve("auth.p12");
    OutputFiles out = OutputFiles.pkcs12(p12, "auth", Pkcs12Format.MODERN).withPem(dir.resolve("pem"));

    out.write(TestPki.RSA.key(), TestPki.RSA.chain(), Pkcs12WriterTest.PASSWORD);

    KeyStore store = Pkcs12WriterTest.load(Files.readAllBytes(p12), Pkcs12WriterTest.PASSWORD);
    assertEquals(TestPki.RSA.chain(), Arrays.asList(store.getCertificateChain("auth")));
    assertEquals(TestPki.RSA.chain(), PemFiles.readCertificates(dir.resolve("pem").resolve(PemFiles.FULLCHAIN)));
    assertArrayEquals(TestPki.RSA.key().getEncoded(),
        PemFiles.readPrivateKey(dir.resolve("pem").resolve(PemFiles.PRIVKEY)).getEncoded());
    assertEquals("rw-------", AtomicFilesTest.permissions(p12));
    assertEquals(List.of("auth.p12", "pem"), AtomicFilesTest.names(dir));
  }

  @Test
  void refusedPasswordWritesNothingAtAll() {
    OutputFiles out = OutputFiles.pkcs12(dir.resolve("p12").resolve("auth.p12"), "auth", Pkcs12Format.MODERN)
        .withPem(dir.resolve("pem"));

    assertThrows(IllegalArgumentException.class, () -> out.write(TestPki.EC.key(), TestPki.EC.chain(), new char[0]));

    assertFalse(Files.exists(dir.resolve("p12")));
    assertFalse(Files.exists(dir.resolve("pem")));
  }

  @Test
  void pemOnlyNeedsNoPassword() throws IOException {
    OutputFiles.pem(dir).write(TestPki.EC.key(), TestPki.EC.chain(), null);

    assertEquals(List.of("cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"), AtomicFilesTest.names(dir));
  }

  @Test
  void describesItsDestinationsForMessages() {
    OutputFiles out = OutputFiles.pkcs12(Path.of("/srv/auth.p12"), "auth", Pkcs12Format.LEGACY)
        .withPem(Path.of("/srv/pem"));

    assertEquals("/srv/auth.p12 (PKCS#12 LEGACY, \"auth\") and /srv/pem (PEM files)", out.toString());
  }
}
