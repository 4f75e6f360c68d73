package fr.habilis.client.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The files open with the installed OpenSSL, which is what servers and most tools build on. */
class Pkcs12OpenSslTest {

  private static final String NAME = Pkcs12WriterTest.NAME;

  @TempDir
  Path dir;

  @Test
  void modernOpensWithOpenSslWhichReportsPbes2Aes256AndASha256Mac() throws IOException {
    Path p12 = write(TestPki.RSA, Pkcs12Format.MODERN);

    for (String variant : List.of("-nokeys", "-noout")) {
      String info = OpenSsl.ok("pkcs12", "-info", "-in", p12.toString(), "-passin", "file:" + passwordFile(), variant);

      assertTrue(info.contains("MAC: sha256, Iteration 10000"), info);
      assertTrue(info.contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256"), info);
      assertTrue(info.contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256"), info);
      assertEquals(2, count(info, "Certificate bag"), info);
    }
  }

  @Test
  void legacyOpensWithOpenSslWhichReportsTripleDesRc2AndASha1Mac() throws IOException {
    Path p12 = write(TestPki.RSA, Pkcs12Format.LEGACY);

    for (String variant : List.of("-nokeys", "-noout")) {
      List<String> command = new ArrayList<>(List.of("pkcs12", "-info", "-in", p12.toString(),
          "-passin", "file:" + passwordFile(), variant));
      command.addAll(OpenSsl.legacyOption());
      String info = OpenSsl.ok(command.toArray(String[]::new));

      assertTrue(info.contains("MAC: sha1, Iteration 2048"), info);
      assertTrue(info.contains("PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048"), info);
      assertTrue(info.contains("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"), info);
      assertEquals(2, count(info, "Certificate bag"), info);
    }
    if (OpenSsl.majorVersion() >= 3) {
      // What Pkcs12Format.LEGACY's documentation says: OpenSSL 3 needs -legacy for RC2.
      OpenSsl.Result withoutLegacy = OpenSsl.run("pkcs12", "-info", "-in", p12.toString(),
          "-passin", "file:" + passwordFile(), "-nokeys");
      assertNotEquals(0, withoutLegacy.exitCode());
      assertTrue(withoutLegacy.output().contains("RC2-40-CBC"), withoutLegacy.output());
    }
  }

  static Stream<Arguments> formatsAndKeys() {
    return Pkcs12WriterTest.formatsAndKeys();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("formatsAndKeys")
  void openSslPairsTheKeyWithTheLeafByLocalKeyIdAndFriendlyName(Pkcs12Format format, TestPki.Issued issued)
      throws IOException {
    Path p12 = write(issued, format);
    List<String> command = new ArrayList<>(List.of("pkcs12", "-in", p12.toString(),
        "-passin", "file:" + passwordFile(), "-nodes"));
    if (format == Pkcs12Format.LEGACY) {
      command.addAll(OpenSsl.legacyOption());
    }

    List<Bag> bags = Bag.parse(OpenSsl.ok(command.toArray(String[]::new)));

    String keyId = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(Pkcs12Writer.localKeyId(issued.leaf()));
    assertEquals(3, bags.size(), bags.toString());
    Bag leaf = bags.get(0);
    assertEquals("CERTIFICATE", leaf.type());
    assertEquals(issued.leaf(), PemFiles.parseCertificates(leaf.pem()).get(0));
    assertEquals(NAME, leaf.friendlyName());
    assertEquals(keyId, leaf.localKeyId());
    Bag ca = bags.get(1);
    assertEquals(issued.ca(), PemFiles.parseCertificates(ca.pem()).get(0));
    assertEquals("Habilis Test CA Personnes Morales", ca.friendlyName());
    assertNull(ca.localKeyId());
    Bag key = bags.get(2);
    assertEquals("PRIVATE KEY", key.type());
    assertArrayEquals(issued.key().getEncoded(), PemFiles.parsePrivateKey(key.pem()).getEncoded());
    assertEquals(NAME, key.friendlyName());
    assertEquals(keyId, key.localKeyId());
  }

  @Test
  void wrongPasswordIsRejectedByOpenSsl() throws IOException {
    Path p12 = write(TestPki.EC, Pkcs12Format.MODERN);
    Path wrong = Files.writeString(dir.resolve("wrong"), "wrong password");

    OpenSsl.Result result = OpenSsl.run("pkcs12", "-info", "-in", p12.toString(), "-passin", "file:" + wrong, "-noout");

    assertNotEquals(0, result.exitCode());
    assertTrue(result.output().contains("Mac verify error"), result.output());
  }

  private Path write(TestPki.Issued issued, Pkcs12Format format) throws IOException {
    Path p12 = dir.resolve(format + "-" + issued + ".p12");
    Pkcs12Writer.write(p12, issued.key(), issued.chain(), Pkcs12WriterTest.PASSWORD, NAME, format);
    return p12;
  }

  private Path passwordFile() throws IOException {
    Path file = dir.resolve("password");
    if (!Files.exists(file)) {
      Files.writeString(file, new String(Pkcs12WriterTest.PASSWORD));
    }
    return file;
  }

  private static int count(String text, String needle) {
    return text.split(Pattern.quote(needle), -1).length - 1;
  }

  /** One bag as {@code openssl pkcs12 -nodes} prints it: its attributes and its PEM block. */
  record Bag(String friendlyName, String localKeyId, String type, String pem) {

    private static final Pattern BAG = Pattern.compile(
        "Bag Attributes\\n((?:    .*\\n)*)(?:.*\\n)*?(-----BEGIN ([A-Z ]+)-----\\n(?:.*\\n)*?-----END \\3-----)");
    private static final Pattern ATTRIBUTE = Pattern.compile("    (\\w+): (.*?) *\\n");

    static List<Bag> parse(String output) {
      List<Bag> bags = new ArrayList<>();
      Matcher bag = BAG.matcher(output);
      while (bag.find()) {
        String friendlyName = null;
        String localKeyId = null;
        Matcher attribute = ATTRIBUTE.matcher(bag.group(1));
        while (attribute.find()) {
          if (attribute.group(1).equals("friendlyName")) {
            friendlyName = attribute.group(2);
          } else if (attribute.group(1).equals("localKeyID")) {
            localKeyId = attribute.group(2);
          }
        }
        bags.add(new Bag(friendlyName, localKeyId, bag.group(3), bag.group(2)));
      }
      return bags;
    }
  }
}
