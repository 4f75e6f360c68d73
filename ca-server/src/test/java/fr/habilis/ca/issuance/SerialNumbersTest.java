package fr.habilis.ca.issuance;

import static fr.habilis.ca.issuance.IssuanceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.store.CertificateRepository;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Serial numbers: random, positive, short enough, and never used twice. */
class SerialNumbersTest {

  /** Replays fixed byte blocks, so that a collision can be provoked on purpose. */
  @Test
  void drawnSerialsArePositiveRandomAndAtMost16Octets() {
    SerialNumbers serials = new SerialNumbers(new SecureRandom());
    Set<BigInteger> seen = new HashSet<>();
    int longOnes = 0;
    for (int i = 0; i < 20_000; i++) {
      BigInteger s = serials.draw();
      assertTrue(s.signum() > 0);
      assertTrue(s.toByteArray().length <= 16, "DER INTEGER content ≤ 16 octets (RFC 5280 allows 20)");
      if (s.bitLength() >= 120) longOnes++;
      assertTrue(seen.add(s), "duplicate serial " + s);
    }
    // 127 random bits: about 99% of draws have at least 120 significant bits.
    assertTrue(longOnes > 19_000, "entropy looks too low: " + longOnes);
  }

  @Test
  void hexFormIsFixedWidthLowercaseAndRoundTrips() {
    BigInteger small = BigInteger.valueOf(0xABCL);
    assertEquals("00000000000000000000000000000abc", SerialNumbers.toHex(small));
    BigInteger drawn = new SerialNumbers(new SecureRandom()).draw();
    assertEquals(32, SerialNumbers.toHex(drawn).length());
    assertEquals(drawn, SerialNumbers.fromHex(SerialNumbers.toHex(drawn)));
    assertThrows(IllegalArgumentException.class, () -> SerialNumbers.toHex(BigInteger.ZERO));
  }

  @Test
  void aReservedSerialCannotBeReservedAgain() throws Exception {
    try (IssuanceFixture f = new IssuanceFixture(IssuanceFixture.hierarchy("EC-P384"))) {
      CertificateRepository repo = new CertificateRepository();
      String serial = SerialNumbers.toHex(new SerialNumbers(new SecureRandom()).draw());
      f.db.txBlocking(c -> {
        repo.reserveSerial(c, serial, "org", Instant.now());
        return null;
      });
      SQLException e = assertThrows(SQLException.class, () -> f.db.txBlocking(c -> {
        repo.reserveSerial(c, serial, "pro", Instant.now());
        return null;
      }));
      assertTrue(CertificateRepository.isDuplicate(e), e.getSQLState());
    }
  }

  @Test
  void manyIssuedCertificatesNeverShareASerial() throws Exception {
    try (IssuanceFixture f = new IssuanceFixture(IssuanceFixture.hierarchy("EC-P384"))) {
      Profile profile = Profiles.get(ProfileName.SERV_SSL);
      List<Future<IssuedCertificate>> issued = new ArrayList<>();
      for (int i = 0; i < 300; i++) issued.add(f.issue(IssuanceFixture.request(profile, Keys.csr(Keys.generate("EC-P256")))));
      Set<BigInteger> serials = new HashSet<>();
      for (var fut : issued) serials.add(await(fut).certificate().getSerialNumber());
      assertEquals(300, serials.size());
      assertEquals(300, f.count("SELECT COUNT(*) FROM serials"), "one reserved serial per certificate");
      assertEquals(300, f.count("SELECT COUNT(DISTINCT serial) FROM certificates"));
    }
  }
}
