package fr.habilis.ca.acme;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import org.junit.jupiter.api.Test;

/** Signature checks of JWS requests, independently of the HTTP layer. */
class SignedRequestTest {
  private static JWSObject signed(ECKey key, JWSAlgorithm alg) throws Exception {
    JWSObject jws = new JWSObject(new JWSHeader.Builder(alg).build(), new Payload("{\"identifiers\":[]}"));
    jws.sign(new ECDSASigner(key));
    return JWSObject.parse(jws.serialize());
  }

  @Test
  void es256AndEs384VerifyWithTheirKeyOnly() throws Exception {
    for (var c : new Object[][] {{Curve.P_256, JWSAlgorithm.ES256}, {Curve.P_384, JWSAlgorithm.ES384}}) {
      ECKey key = new ECKeyGenerator((Curve) c[0]).generate();
      ECKey other = new ECKeyGenerator((Curve) c[0]).generate();
      JWSObject jws = signed(key, (JWSAlgorithm) c[1]);
      assertDoesNotThrow(() -> SignedRequest.verify(jws, key.toPublicJWK()));
      DomainError p = assertThrows(DomainError.class, () -> SignedRequest.verify(jws, other.toPublicJWK()));
      assertTrue(p.kind() == ErrorKind.MALFORMED && p.detail().contains("invalid"), p.detail());
    }
  }

  @Test
  void aTamperedOrTruncatedSignatureIsRefused() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    String[] parts = signed(key, JWSAlgorithm.ES256).serialize().split("\\.");
    byte[] sig = Base64URL.from(parts[2]).decode();
    sig[10] ^= 1;
    JWSObject flipped = new JWSObject(Base64URL.from(parts[0]), Base64URL.from(parts[1]), Base64URL.encode(sig));
    assertThrows(DomainError.class, () -> SignedRequest.verify(flipped, key.toPublicJWK()));
    byte[] shortSig = java.util.Arrays.copyOf(Base64URL.from(parts[2]).decode(), 63);
    JWSObject truncated = new JWSObject(Base64URL.from(parts[0]), Base64URL.from(parts[1]), Base64URL.encode(shortSig));
    assertThrows(DomainError.class, () -> SignedRequest.verify(truncated, key.toPublicJWK()));
  }

  @Test
  void theKeyMustBeOnTheAlgorithmsCurve() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    JWSObject jws = signed(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
    DomainError p = assertThrows(DomainError.class, () -> SignedRequest.verify(jws, p384.toPublicJWK()));
    assertEquals(ErrorKind.MALFORMED, p.kind());
    assertTrue(p.detail().contains("P-256"), p.detail());
  }
}
