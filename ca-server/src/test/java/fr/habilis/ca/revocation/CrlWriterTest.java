package fr.habilis.ca.revocation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.pki.HierarchyGenerator;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.pki.KeyAlgorithm;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CrlWriterTest {
  @Test
  void computedTimesEqualTheFormattedOnesOnBothSidesOf2050() {
    for (String t : new String[] {"1999-12-31T23:59:59Z", "2026-01-02T03:04:05Z", "2049-12-31T23:59:59Z",
        "2050-01-01T00:00:00Z", "2107-06-30T12:00:09Z"}) {
      byte[] out = new byte[17];
      int n = CrlWriter.writeTime(Instant.parse(t), out);
      assertArrayEquals(CrlWriter.time(Instant.parse(t)), Arrays.copyOf(out, n), t);
    }
  }

  @Test
  void entriesReadBackByTheJdkWithSerialsDatesAndReasons() throws Exception {
    IssuingCa ca = HierarchyGenerator.generate(KeyAlgorithm.fromSetting("EC-P384"), Setting.ROOT_CA_NAME.defaultValue(),
        Setting.ORG_CA_NAME.defaultValue(), Setting.PRO_CA_NAME.defaultValue(),
        new Endpoints("https://localhost:8443", "http://localhost:8080"), Clock.systemUTC()).org();
    Instant revoked = Instant.parse("2026-11-20T10:15:30Z");
    BigInteger highBit = new BigInteger("ff" + "00".repeat(19), 16); // needs a leading zero byte
    BigInteger small = BigInteger.valueOf(0x7f);
    CrlWriter w = new CrlWriter();
    w.add(highBit, revoked, 1);
    w.add(small, revoked.plusSeconds(1), 0);
    Instant now = Instant.now();
    byte[] der = w.sign(ca.certificate(), ca.privateKey(), 7, now, now.plus(Duration.ofDays(1)));
    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    crl.verify(ca.certificate().getPublicKey());
    X509CRLEntry first = crl.getRevokedCertificate(highBit);
    assertEquals(revoked, first.getRevocationDate().toInstant());
    assertEquals(CRLReason.KEY_COMPROMISE, first.getRevocationReason());
    X509CRLEntry second = crl.getRevokedCertificate(small);
    assertEquals(revoked.plusSeconds(1), second.getRevocationDate().toInstant());
    assertNull(second.getRevocationReason());
    assertEquals(2, crl.getRevokedCertificates().size());
  }
}
