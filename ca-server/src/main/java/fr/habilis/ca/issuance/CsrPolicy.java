package fr.habilis.ca.issuance;

import fr.habilis.ca.issuance.CsrRejected.Reason;
import fr.habilis.ca.store.CertificateRepository;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The checks a CSR must pass before its key is certified, each failing with its own
 * {@link CsrRejected.Reason}. {@link #check} is pure CPU work (run it on a worker: signature
 * verification is slow); {@link #checkKeyAvailable} reads the database in the caller's transaction.
 *
 * <p>Key policy (ANSSI RGS annexe B1 and CA/B Forum BR §6.1.5/6.1.6): RSA 2048–8192 bits with
 * e = 65537 — the only exponent every relying party accepts and immune to low-exponent attacks —
 * or ECDSA on P-256/P-384 by named curve (RFC 5480 §2.1.1 forbids explicit parameters in PKIX).
 */
public final class CsrPolicy {
  static final int RSA_MIN_BITS = 2048;
  static final int RSA_MAX_BITS = 8192;
  static final BigInteger F4 = BigInteger.valueOf(65537);

  /** A CSR that passed the offline checks. */
  public record CheckedCsr(PKCS10CertificationRequest csr, PublicKey publicKey, Profile.KeyAlgorithm algorithm, String keyHash) {
    public SubjectPublicKeyInfo subjectPublicKeyInfo() {
      return csr.getSubjectPublicKeyInfo();
    }
  }

  private final CertificateRepository repository = new CertificateRepository();

  /** Parses a DER PKCS#10 request (RFC 2986); anything else, trailing bytes included, is MALFORMED. */
  public static PKCS10CertificationRequest parse(byte[] der) {
    if (der == null || der.length == 0) throw new CsrRejected(Reason.MALFORMED, "empty CSR");
    try {
      PKCS10CertificationRequest csr = new PKCS10CertificationRequest(der);
      if (!java.util.Arrays.equals(csr.getEncoded(), der)) {
        throw new CsrRejected(Reason.MALFORMED, "CSR is not in canonical DER or has trailing data");
      }
      // Bouncy Castle decodes the subject's RDNs lazily: one that is not a SET of SEQUENCEs would
      // fail later, wherever the subject is read (it answered 500 at finalize); it fails here.
      for (org.bouncycastle.asn1.x500.RDN rdn : csr.getSubject().getRDNs()) rdn.getTypesAndValues();
      return csr;
    } catch (IOException | RuntimeException e) {
      if (e instanceof CsrRejected r) throw r;
      throw new CsrRejected(Reason.MALFORMED, "not a DER PKCS#10 certification request");
    }
  }

  /**
   * Key type and size first (so an unsupported key gets its precise reason even when its
   * signature cannot be checked), then the self-signature, which proves possession of the
   * private key (RFC 2986 §3, RFC 8555 §7.4).
   */
  public CheckedCsr check(byte[] der) {
    return check(parse(der));
  }

  /** {@link #check(byte[])} for a CSR the caller has already parsed with {@link #parse}. */
  public CheckedCsr check(PKCS10CertificationRequest csr) {
    SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
    Profile.KeyAlgorithm algorithm = checkKey(spki);
    PublicKey key = decode(spki, algorithm);
    try {
      boolean valid = csr.isSignatureValid(
          new JcaContentVerifierProviderBuilder().setProvider(CryptoProviders.forAlgorithm(key.getAlgorithm())).build(key));
      if (!valid) throw new CsrRejected(Reason.BAD_SIGNATURE, "the CSR signature does not verify with its public key");
    } catch (OperatorCreationException | PKCSException e) {
      throw new CsrRejected(Reason.BAD_SIGNATURE, "the CSR signature cannot be verified: " + e.getMessage());
    }
    return new CheckedCsr(csr, key, algorithm, KeyHash.of(spki));
  }

  /** Refuses keys that are blocked or certified in another live certificate. */
  public void checkKeyAvailable(Connection c, String keyHash, KeyReusePolicy.Use use, Instant now) throws SQLException {
    if (repository.isKeyBlocked(c, keyHash)) {
      throw new CsrRejected(Reason.KEY_BLOCKED, "this public key is blocked (compromised or known weak); generate a new key");
    }
    List<KeyReusePolicy.Holder> holders = repository.validWithKey(c, keyHash, now).stream().map(KeyReusePolicy.Holder::of).toList();
    var refusal = KeyReusePolicy.refusal(use, holders);
    if (refusal.isPresent()) throw new CsrRejected(Reason.KEY_IN_USE, refusal.get());
  }


  static Profile.KeyAlgorithm checkKey(SubjectPublicKeyInfo spki) {
    ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
    if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      RSAPublicKey rsa;
      try {
        rsa = RSAPublicKey.getInstance(spki.parsePublicKey());
      } catch (IOException | RuntimeException e) {
        throw new CsrRejected(Reason.MALFORMED, "undecodable RSA public key");
      }
      int bits = rsa.getModulus().bitLength();
      if (bits < RSA_MIN_BITS) throw new CsrRejected(Reason.WEAK_KEY, "RSA key of " + bits + " bits; at least " + RSA_MIN_BITS + " required");
      if (bits > RSA_MAX_BITS) throw new CsrRejected(Reason.KEY_TOO_LARGE, "RSA key of " + bits + " bits; at most " + RSA_MAX_BITS + " accepted");
      if (!rsa.getPublicExponent().equals(F4)) {
        throw new CsrRejected(Reason.BAD_EXPONENT, "RSA public exponent " + rsa.getPublicExponent() + "; only 65537 is accepted");
      }
      return Profile.KeyAlgorithm.RSA;
    }
    if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      ASN1Encodable params = spki.getAlgorithm().getParameters();
      if (!(params instanceof ASN1ObjectIdentifier curve)) {
        throw new CsrRejected(Reason.UNSUPPORTED_CURVE, "EC keys must name their curve (RFC 5480 §2.1.1); P-256 or P-384");
      }
      if (!curve.equals(SECObjectIdentifiers.secp256r1) && !curve.equals(SECObjectIdentifiers.secp384r1)) {
        throw new CsrRejected(Reason.UNSUPPORTED_CURVE, "EC curve " + curve.getId() + " is not accepted; use P-256 or P-384");
      }
      return Profile.KeyAlgorithm.EC;
    }
    throw new CsrRejected(Reason.UNSUPPORTED_KEY, "key algorithm " + alg.getId() + " is not accepted; use RSA or ECDSA P-256/P-384");
  }

  /** Full decoding also validates the EC point (on the curve, not infinity). */
  private static PublicKey decode(SubjectPublicKeyInfo spki, Profile.KeyAlgorithm algorithm) {
    try {
      return KeyFactory.getInstance(algorithm.name(), CryptoProviders.forAlgorithm(algorithm.name()))
          .generatePublic(new X509EncodedKeySpec(spki.getEncoded(ASN1Encoding.DER)));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new CsrRejected(Reason.MALFORMED, "invalid " + algorithm + " public key: " + e.getMessage());
    }
  }
}
