package fr.habilis.ca.renewal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ARI certificate identifier against RFC 9773 §4.1's own example, and what parse refuses. */
class CertificateIdTest {
  /** RFC 9773 §4.1: the AKI keyIdentifier and serial of the Appendix A certificate. */
  static final byte[] RFC_KEY_ID = HexFormat.ofDelimiter(":").parseHex("69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4");
  static final String RFC_ID = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";

  @Test
  void encodesTheRfcExampleValues() {
    assertEquals(RFC_ID, new CertificateId(RFC_KEY_ID, new BigInteger("87654321", 16)).encode());
  }

  @Test
  void readsTheIdentifierOfTheRfcAppendixACertificate() throws Exception {
    X509Certificate cert;
    try (InputStream in = getClass().getResourceAsStream("/renewal/rfc9773-example.pem")) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    CertificateId id = CertificateId.of(cert);
    assertEquals(RFC_ID, id.encode());
    assertArrayEquals(RFC_KEY_ID, id.keyIdentifier());
  }

  @Test
  void parsesTheRfcExampleBackToItsParts() {
    CertificateId id = CertificateId.parse(RFC_ID);
    assertArrayEquals(RFC_KEY_ID, id.keyIdentifier());
    assertEquals(new BigInteger("87654321", 16), id.serial());
    assertEquals(new CertificateId(RFC_KEY_ID, new BigInteger("87654321", 16)), id);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "''                                     | empty",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ            | exactly one",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE.AA | exactly one",
      ".AIdlQyE                               | keyIdentifier part is empty",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.           | serial part is empty",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ=.AIdlQyE   | without padding",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE=   | without padding",
      "aYhba4dGQEHhs3uEe6CuLN4ByN+.AIdlQyE    | without padding",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyF    | not canonical",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.A          | not valid base64url",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.h2VDIQ     | negative",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AAE        | not the minimal DER",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AA         | positive",
      "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AQEBAQEBAQEBAQEBAQEBAQEBAQEB | longer than 20 octets",
  })
  void refusesWhatIsNotTheRfcForm(String text, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CertificateId.parse(text));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
