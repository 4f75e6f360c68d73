package fr.habilis.client.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PemFilesTest {

  private static final List<String> SET = List.of("cert.pem", "chain.pem", "fullchain.pem", "privkey.pem");

  @TempDir
  Path dir;

  static List<TestPki.Issued> keys() {
    return TestPki.both();
  }

  @Test
  void writesTheCertbotLikeSetOwnerOnlyInANewOwnerOnlyDirectory() throws IOException {
    Path out = dir.resolve("certs").resolve("cabinet-dupont");

    PemFiles.write(out, TestPki.RSA.key(), TestPki.RSA.chain());

    assertEquals(SET, AtomicFilesTest.names(out));
    for (String name : SET) {
      assertEquals("rw-------", AtomicFilesTest.permissions(out.resolve(name)), name);
    }
    assertEquals("rwx------", AtomicFilesTest.permissions(out));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void theSetRoundTripsThroughTheReaders(TestPki.Issued issued) throws IOException {
    PemFiles.write(dir, issued.key(), issued.chain());

    assertEquals(List.of(issued.leaf()), PemFiles.readCertificates(dir.resolve(PemFiles.CERT)));
    assertEquals(List.of(issued.ca()), PemFiles.readCertificates(dir.resolve(PemFiles.CHAIN)));
    assertEquals(issued.chain(), PemFiles.readCertificates(dir.resolve(PemFiles.FULLCHAIN)));
    assertArrayEquals(issued.key().getEncoded(), PemFiles.readPrivateKey(dir.resolve(PemFiles.PRIVKEY)).getEncoded());

    String privkey = Files.readString(dir.resolve(PemFiles.PRIVKEY));
    assertTrue(privkey.startsWith("-----BEGIN PRIVATE KEY-----\n"), privkey);
    assertTrue(privkey.endsWith("-----END PRIVATE KEY-----\n"), privkey);
    assertTrue(privkey.lines().allMatch(line -> line.length() <= 64), privkey);
    assertFalse(privkey.contains("\r"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void openSslVerifiesTheChainAndMatchesTheKeyWithTheCertificate(TestPki.Issued issued) throws IOException {
    PemFiles.write(dir.resolve("out"), issued.key(), issued.chain());
    Path root = Files.writeString(dir.resolve("root.pem"), PemFiles.encodeCertificates(List.of(issued.root())));
    String cert = dir.resolve("out").resolve(PemFiles.CERT).toString();
    String privkey = dir.resolve("out").resolve(PemFiles.PRIVKEY).toString();

    String verified = OpenSsl.ok("verify", "-CAfile", root.toString(),
        "-untrusted", dir.resolve("out").resolve(PemFiles.CHAIN).toString(), cert);
    assertEquals(cert + ": OK", verified.trim());
    String fullchain = OpenSsl.ok("crl2pkcs7", "-nocrl", "-certfile", dir.resolve("out").resolve(PemFiles.FULLCHAIN).toString());
    assertTrue(fullchain.contains("-----BEGIN PKCS7-----"), fullchain);

    String publicFromKey = OpenSsl.ok("pkey", "-in", privkey, "-pubout");
    String publicFromCert = OpenSsl.ok("x509", "-in", cert, "-pubkey", "-noout");
    assertEquals(publicFromCert, publicFromKey);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void readsTheTraditionalRsaAndEcKeyFormsOpenSslWrites(TestPki.Issued issued) throws IOException {
    PemFiles.write(dir, issued.key(), issued.chain());
    Path traditional = dir.resolve("traditional.pem");
    OpenSsl.ok("pkey", "-in", dir.resolve(PemFiles.PRIVKEY).toString(), "-traditional", "-out", traditional.toString());
    assertTrue(Files.readString(traditional).startsWith("-----BEGIN " + (issued == TestPki.RSA ? "RSA" : "EC")
        + " PRIVATE KEY-----"), Files.readString(traditional));

    PrivateKey key = PemFiles.readPrivateKey(traditional);

    if (issued == TestPki.RSA) {
      assertEquals(((RSAPrivateKey) issued.key()).getPrivateExponent(), ((RSAPrivateKey) key).getPrivateExponent());
      assertEquals(((RSAPrivateKey) issued.key()).getModulus(), ((RSAPrivateKey) key).getModulus());
    } else {
      assertEquals(((ECPrivateKey) issued.key()).getS(), ((ECPrivateKey) key).getS());
    }
  }

  @Test
  void encryptedKeyIsRefusedWithAClearMessage() throws IOException {
    PemFiles.write(dir, TestPki.EC.key(), TestPki.EC.chain());
    Path encrypted = dir.resolve("encrypted.pem");
    OpenSsl.ok("pkey", "-in", dir.resolve(PemFiles.PRIVKEY).toString(), "-aes256", "-passout", "pass:secret",
        "-out", encrypted.toString());

    OutputException error = assertThrows(OutputException.class, () -> PemFiles.readPrivateKey(encrypted));

    assertEquals("cannot read " + encrypted + ": the private key is encrypted; an unencrypted PKCS#8 key is expected",
        error.getMessage());
  }

  @Test
  void readerErrorsNameTheFileAndTheProblem() throws IOException {
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");

    assertEquals("cannot read " + missing + ": the file does not exist",
        assertThrows(OutputException.class, () -> PemFiles.readCertificates(missing)).getMessage());
    assertEquals("cannot read " + garbage + ": no certificate found",
        assertThrows(OutputException.class, () -> PemFiles.readCertificates(garbage)).getMessage());
    assertEquals("cannot read " + garbage + ": no private key found",
        assertThrows(OutputException.class, () -> PemFiles.readPrivateKey(garbage)).getMessage());
  }

  @Test
  void rewritingReplacesEveryFileOfThePreviousSetAndLeavesNoTemporaryFile() throws IOException {
    PemFiles.write(dir, TestPki.RSA.key(), TestPki.RSA.chain());

    PemFiles.write(dir, TestPki.EC.key(), TestPki.EC.chain());

    assertEquals(SET, AtomicFilesTest.names(dir));
    assertEquals(TestPki.EC.chain(), PemFiles.readCertificates(dir.resolve(PemFiles.FULLCHAIN)));
    assertArrayEquals(TestPki.EC.key().getEncoded(), PemFiles.readPrivateKey(dir.resolve(PemFiles.PRIVKEY)).getEncoded());
  }

  @Test
  void failureInAnUnwritableDirectoryLeavesThePreviousSetByteIdentical() throws IOException {
    PemFiles.write(dir, TestPki.RSA.key(), TestPki.RSA.chain());
    List<byte[]> before = new ArrayList<>();
    for (String name : SET) {
      before.add(Files.readAllBytes(dir.resolve(name)));
    }

    OutputException error;
    String how;
    try (Unwritable unwritable = Unwritable.make(dir)) {
      how = unwritable.how();
      error = assertThrows(OutputException.class, () -> PemFiles.write(dir, TestPki.EC.key(), TestPki.EC.chain()));
    }

    assertTrue(error.getMessage().contains("directory " + dir + " is not writable"), how + ": " + error.getMessage());
    for (int i = 0; i < SET.size(); i++) {
      assertArrayEquals(before.get(i), Files.readAllBytes(dir.resolve(SET.get(i))), SET.get(i));
    }
    assertEquals(SET, AtomicFilesTest.names(dir));
  }

  @Test
  void keyOfAnotherCertificateIsRefusedBeforeAnythingIsCreated() {
    Path out = dir.resolve("out");

    assertThrows(IllegalArgumentException.class, () -> PemFiles.write(out, TestPki.RSA.key(), TestPki.EC.chain()));

    assertFalse(Files.exists(out));
  }

  @Test
  void leafAloneGivesAnEmptyChainFile() throws IOException {
    PemFiles.write(dir, TestPki.EC.key(), List.of(TestPki.EC.leaf()));

    assertEquals("", Files.readString(dir.resolve(PemFiles.CHAIN)));
    assertEquals(List.of(TestPki.EC.leaf()), PemFiles.readCertificates(dir.resolve(PemFiles.FULLCHAIN)));
  }
}
