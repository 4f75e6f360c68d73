package fr.habilis.ca.pki;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.operator.ContentSigner;

/**
 * ECDSA signatures of the CA's keys (certificates, OCSP responses) with Bouncy Castle's
 * lightweight API over the named curve's shared parameters.
 *
 * <p>Through JCA, Bouncy Castle turns the JDK key's parameters into a curve of its own at every
 * {@code initSign}, so the fixed-base precomputation of the generator is redone for each signature:
 * P-384 certificates per second on one thread, key as the keystore gives it (IssuanceBenchmark,
 * {@code ca-server/bench/issuance.sh IssuanceBenchmark -p caKey=EC-P384}): 462 here against 173
 * through Bouncy Castle's JCA and 139 through SunEC (issue 18; a busy machine, wide error bars). The nonce k is derived as RFC 6979
 * says (HMAC-DRBG over the key and the digest): no signature depends on the quality of a random
 * source, and the output stays a standard ECDSA signature (DER SEQUENCE of r and s).
 */
public final class EcdsaSigner {
  private static final Map<PrivateKey, EcdsaSigner> PREPARED = new ConcurrentHashMap<>();
  private static final ECDomainParameters P256 = domain("secp256r1");
  private static final ECDomainParameters P384 = domain("secp384r1");

  private final ECPrivateKeyParameters key;
  private final AlgorithmIdentifier algorithm;
  private final Supplier<Digest> digests;

  private EcdsaSigner(ECPrivateKeyParameters key, AlgorithmIdentifier algorithm, Supplier<Digest> digests) {
    this.key = key;
    this.algorithm = algorithm;
    this.digests = digests;
  }

  /**
   * A signer for this key with SHA-256 or SHA-384 ({@code sha384}), or null when the key is not
   * on P-256 or P-384 (the caller then signs through JCA).
   */
  public static ContentSigner contentSigner(PrivateKey privateKey, boolean sha384) {
    if (!(privateKey instanceof ECPrivateKey ec)) return null;
    ECDomainParameters domain = matching(ec);
    if (domain == null) return null;
    if (PREPARED.size() > 64) PREPARED.clear(); // a few CA and responder keys; never grows without bound
    EcdsaSigner prepared = PREPARED.computeIfAbsent(privateKey, k -> new EcdsaSigner(
        new ECPrivateKeyParameters(ec.getS(), domain), null, null));
    return sha384
        ? new EcdsaSigner(prepared.key, new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA384), SHA384Digest::new).stream()
        : new EcdsaSigner(prepared.key, new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256), SHA256Digest::new).stream();
  }

  private ContentSigner stream() {
    ByteArrayOutputStream tbs = new ByteArrayOutputStream(1024);
    return new ContentSigner() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm; // RFC 5758 §3.2: ecdsa-with-SHA256/384 carry no parameters
      }

      @Override
      public OutputStream getOutputStream() {
        return tbs;
      }

      @Override
      public byte[] getSignature() {
        Digest digest = digests.get();
        byte[] data = tbs.toByteArray();
        tbs.reset();
        digest.update(data, 0, data.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(digests.get()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(hash);
        try {
          return StandardDSAEncoding.INSTANCE.encode(key.getParameters().getN(), rs[0], rs[1]);
        } catch (java.io.IOException e) {
          throw new IllegalStateException("cannot encode an ECDSA signature", e);
        }
      }
    };
  }

  /** The shared parameters of the key's curve, if it is exactly P-256 or P-384. */
  private static ECDomainParameters matching(ECPrivateKey key) {
    var params = key.getParams();
    for (ECDomainParameters d : new ECDomainParameters[] {P256, P384}) {
      if (d.getN().equals(params.getOrder())
          && d.getG().getAffineXCoord().toBigInteger().equals(params.getGenerator().getAffineX())
          && d.getG().getAffineYCoord().toBigInteger().equals(params.getGenerator().getAffineY())) {
        return d;
      }
    }
    return null;
  }

  private static ECDomainParameters domain(String name) {
    X9ECParameters x9 = CustomNamedCurves.getByName(name);
    return new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
  }
}
