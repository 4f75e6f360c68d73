package fr.habilis.ca.acme;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import fr.habilis.ca.issuance.CryptoProviders;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A JWS-signed ACME request (RFC 8555 §6.2) in flattened JSON serialization: its protected
 * header checked field by field, its signature verified with the given key.
 */
final class SignedRequest {
  static final List<String> ALGORITHMS = List.of("RS256", "PS256", "ES256", "ES384", "EdDSA");
  private static final Set<String> MEMBERS = Set.of("protected", "payload", "signature");
  private static final java.util.regex.Pattern BASE64URL = java.util.regex.Pattern.compile("[A-Za-z0-9_-]*");
  /** Jackson with duplicate member names as errors: which of two "url" or "nonce" members counts is ambiguous. */
  private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  final JWSObject jws;
  final String nonce;
  final String url;
  final JWK jwk;
  final String kid;
  final String payloadText;

  private SignedRequest(JWSObject jws, String nonce, String url, JWK jwk, String kid) {
    this.jws = jws;
    this.nonce = nonce;
    this.url = url;
    this.jwk = jwk;
    this.kid = kid;
    this.payloadText = jws.getPayload().toString();
  }

  /** Parses the body and checks the protected header against the URL the request was sent to. */
  static SignedRequest parse(String body, String requestUrl) {
    return parse(body, requestUrl, true);
  }

  /** The inner JWS of a key change (RFC 8555 §7.3.5): same url as the outer one, nonce ignored. */
  static SignedRequest parseInner(String body, String outerUrl) {
    return parse(body, outerUrl, false);
  }

  private static SignedRequest parse(String body, String requestUrl, boolean needsNonce) {
    JsonObject env;
    if (body == null || body.isBlank()) throw DomainError.malformed("the body is empty: a flattened JWS JSON object is required");
    env = strictObject(body, "the body", "a flattened JWS JSON object");
    for (String name : env.fieldNames()) {
      if (!MEMBERS.contains(name)) throw DomainError.malformed("unexpected JWS member \"" + name + "\" (only protected, payload, signature)");
    }
    if (!(env.getValue("protected") instanceof String p) || !(env.getValue("payload") instanceof String pl)
        || !(env.getValue("signature") instanceof String s)) {
      throw DomainError.malformed("a flattened JWS needs string members protected, payload and signature");
    }
    // RFC 8555 §6.1: base64url without padding, nothing else (the decoder would accept '=' and
    // ignore characters outside the alphabet).
    for (String part : new String[] {p, pl, s}) {
      if (!BASE64URL.matcher(part).matches()) {
        throw DomainError.malformed("JWS members must be base64url without padding (RFC 8555 §6.1)");
      }
    }
    // nimbus parses the header again below; this parse only refuses a member given twice.
    byte[] header;
    try {
      header = java.util.Base64.getUrlDecoder().decode(p);
    } catch (IllegalArgumentException e) { // the alphabet is right, the length is not (4n+1 characters)
      throw DomainError.malformed("the protected header is not valid base64url: " + e.getMessage());
    }
    strictObject(new String(header, java.nio.charset.StandardCharsets.UTF_8), "the protected header", "a JSON object");
    JWSObject jws;
    try {
      jws = new JWSObject(new Base64URL(p), new Base64URL(pl), new Base64URL(s));
    } catch (ParseException | IllegalArgumentException e) {
      throw DomainError.malformed("unreadable JWS: " + e.getMessage());
    }
    var h = jws.getHeader();
    String alg = h.getAlgorithm().getName();
    if (!ALGORITHMS.contains(alg)) {
      throw DomainError.notAccepted(ErrorKind.BAD_SIGNATURE_ALGORITHM, "algorithm " + alg + " is not accepted", ALGORITHMS);
    }
    Map<String, Object> custom = h.getCustomParams();
    String nonce = custom.get("nonce") instanceof String n ? n : null;
    if (needsNonce && (nonce == null || nonce.isEmpty())) throw DomainError.of(ErrorKind.BAD_NONCE, "the protected header has no nonce");
    if (!(custom.get("url") instanceof String url)) throw DomainError.unauthorized("the protected header has no url");
    if (!url.equals(requestUrl)) {
      throw DomainError.unauthorized("the protected header's url " + url + " is not the request URL " + requestUrl);
    }
    if ((h.getJWK() == null) == (h.getKeyID() == null)) {
      throw DomainError.malformed("the protected header must carry exactly one of jwk and kid");
    }
    if (h.getJWK() != null && h.getJWK().isPrivate()) throw DomainError.malformed("the jwk must be a public key");
    return new SignedRequest(jws, nonce, url, h.getJWK(), h.getKeyID());
  }

  /** POST-as-GET: an empty payload (RFC 8555 §6.3). */
  boolean isPostAsGet() {
    return payloadText.isEmpty();
  }

  /**
   * Parses a JSON object in one pass, refusing a member name given twice in any object (RFC 7515
   * §5.2 step 4, RFC 8259 §4: which "url" or "nonce" counts would otherwise be the parser's choice).
   */
  @SuppressWarnings("unchecked")
  static JsonObject strictObject(String json, String what, String expected) {
    Object v;
    try {
      v = STRICT.readValue(json, Object.class);
    } catch (com.fasterxml.jackson.core.JsonParseException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
        throw DomainError.malformed(what + " has a member name twice: " + e.getOriginalMessage());
      }
      throw DomainError.malformed(what + " is not JSON");
    } catch (java.io.IOException e) {
      throw DomainError.malformed(what + " is not JSON");
    }
    if (!(v instanceof Map<?, ?> m)) throw DomainError.malformed(what + " must be " + expected);
    return new JsonObject((Map<String, Object>) m);
  }

  JsonObject payload() {
    if (payloadText.isEmpty()) throw DomainError.malformed("this request needs a JSON payload");
    return strictObject(payloadText, "the payload", "a JSON object");
  }

  /** Verifies the signature with the key; fails with malformed or badPublicKey. */
  void verify(JWK key) {
    verify(jws, key, null);
  }

  /** Same, with a key kept from earlier requests (an account's: {@link AccountCache}). */
  void verify(VerifyingKey key) {
    verify(jws, key.jwk(), key.ec());
  }

  /**
   * An account key ready for repeated verifications: for EC keys, the point object itself is kept,
   * because Bouncy Castle stores the point's precomputed multiples on it (a fresh point per request
   * recomputes them every time).
   */
  record VerifyingKey(JWK jwk, ECPublicKeyParameters ec) {
    static VerifyingKey of(JWK jwk) {
      if (jwk instanceof ECKey key && (Curve.P_256.equals(key.getCurve()) || Curve.P_384.equals(key.getCurve()))) {
        return new VerifyingKey(jwk, point(key, Curve.P_256.equals(key.getCurve()) ? P256 : P384));
      }
      return new VerifyingKey(jwk, null);
    }
  }

  static void verify(JWSObject jws, JWK key) {
    verify(jws, key, null);
  }

  private static void verify(JWSObject jws, JWK key, ECPublicKeyParameters prepared) {
    JWSAlgorithm alg = jws.getHeader().getAlgorithm();
    boolean ok;
    try {
      ok = switch (alg.getName()) {
        case "RS256", "PS256" -> {
          if (!(key instanceof RSAKey rsa)) throw DomainError.malformed(alg + " needs an RSA key");
          if (rsa.size() < 2048) throw DomainError.of(ErrorKind.BAD_PUBLIC_KEY, "RSA account keys must have at least 2048 bits");
          yield jws.verify(withRsaProvider(new RSASSAVerifier(rsa)));
        }
        case "ES256", "ES384" -> {
          Curve expected = alg.getName().equals("ES256") ? Curve.P_256 : Curve.P_384;
          if (!(key instanceof ECKey ec) || !expected.equals(ec.getCurve())) {
            throw DomainError.malformed(alg + " needs an EC key on " + expected);
          }
          EcCurve curve = alg.getName().equals("ES256") ? P256 : P384;
          yield ecdsa(jws, prepared != null ? prepared : point(ec, curve), curve);
        }
        case "EdDSA" -> {
          if (!(key instanceof OctetKeyPair okp) || !Curve.Ed25519.equals(okp.getCurve())) {
            throw DomainError.malformed("EdDSA needs an Ed25519 key");
          }
          yield ed25519(jws, okp);
        }
        default -> throw DomainError.notAccepted(ErrorKind.BAD_SIGNATURE_ALGORITHM, "algorithm " + alg + " is not accepted", ALGORITHMS);
      };
    } catch (JOSEException e) {
      throw DomainError.malformed("the JWS signature cannot be checked: " + e.getMessage());
    }
    if (!ok) throw DomainError.malformed("the JWS signature is invalid");
  }

  /** The measured provider choice for RSA (CryptoProviders: the JDK's verifies faster than BC). */
  private static JWSVerifier withRsaProvider(JWSVerifier v) {
    v.getJCAContext().setProvider(CryptoProviders.forAlgorithm("RSA"));
    return v;
  }

  /** A curve's domain parameters, shared so that the generator's precomputed multiples are reused. */
  private record EcCurve(ECDomainParameters domain, String digest, int size) {
    static EcCurve named(String name, String digest, int size) {
      X9ECParameters x9 = CustomNamedCurves.getByName(name);
      return new EcCurve(new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH()), digest, size);
    }
  }

  private static final EcCurve P256 = EcCurve.named("secp256r1", "SHA-256", 32);
  private static final EcCurve P384 = EcCurve.named("secp384r1", "SHA-384", 48);

  /**
   * ES256/ES384 with Bouncy Castle's lightweight API over shared curve parameters (RFC 7518 §3.4:
   * the signature is R || S, each the curve's size). Going through a JCA key instead rebuilds the
   * curve's generator for every key, so its precomputation was redone at every verification:
   * 2,600 against 3,400–3,900 verifications/s on one core (P-256).
   */
  private static boolean ecdsa(JWSObject jws, ECPublicKeyParameters pub, EcCurve curve) {
    byte[] sig = jws.getSignature().decode();
    if (sig.length != 2 * curve.size()) return false;
    byte[] hash;
    try {
      hash = MessageDigest.getInstance(curve.digest()).digest(jws.getSigningInput());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, pub);
    return verifier.verifySignature(hash, new BigInteger(1, Arrays.copyOfRange(sig, 0, curve.size())),
        new BigInteger(1, Arrays.copyOfRange(sig, curve.size(), sig.length)));
  }

  private static ECPublicKeyParameters point(ECKey key, EcCurve curve) {
    try {
      return new ECPublicKeyParameters(curve.domain().getCurve().createPoint(
          key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger()), curve.domain());
    } catch (IllegalArgumentException e) { // not a point of the curve
      throw DomainError.of(ErrorKind.BAD_PUBLIC_KEY, "the EC key is not a point of " + key.getCurve());
    }
  }

  private static boolean ed25519(JWSObject jws, OctetKeyPair okp) {
    if (okp.getKeyType() != KeyType.OKP) return false;
    byte[] x = okp.getX().decode();
    if (x.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw DomainError.of(ErrorKind.BAD_PUBLIC_KEY, "an Ed25519 key's x is " + Ed25519PublicKeyParameters.KEY_SIZE + " bytes, not " + x.length);
    }
    Ed25519Signer verifier = new Ed25519Signer();
    try {
      verifier.init(false, new Ed25519PublicKeyParameters(x, 0));
    } catch (IllegalArgumentException e) { // not a point of the curve
      throw DomainError.of(ErrorKind.BAD_PUBLIC_KEY, "the Ed25519 key is not a point of the curve");
    }
    byte[] input = jws.getSigningInput();
    verifier.update(input, 0, input.length);
    return verifier.verifySignature(jws.getSignature().decode());
  }

  /** RFC 7638 thumbprint: the account key's identity. */
  static String thumbprint(JWK key) {
    try {
      return key.computeThumbprint().toString();
    } catch (JOSEException e) {
      throw DomainError.malformed("cannot compute the key's thumbprint");
    }
  }

  /** Account keys the server accepts: RSA ≥ 2048, EC P-256/P-384, Ed25519. */
  static void checkAccountKey(JWK key) {
    if (key instanceof RSAKey rsa && rsa.size() >= 2048) return;
    if (key instanceof ECKey ec && (Curve.P_256.equals(ec.getCurve()) || Curve.P_384.equals(ec.getCurve()))) return;
    if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) return;
    throw DomainError.of(ErrorKind.BAD_PUBLIC_KEY, "account keys are RSA (2048 bits or more), EC P-256/P-384 or Ed25519");
  }
}
