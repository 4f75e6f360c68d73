package fr.habilis.ca.renewal;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * The ARI unique identifier of a certificate (RFC 9773 §4.1): base64url(AKI keyIdentifier) "."
 * base64url(serial DER content octets), both without padding. Used in renewalInfo URLs and in
 * newOrder's {@code replaces}.
 */
public record CertificateId(byte[] keyIdentifier, BigInteger serial) {
  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
  /** RFC 5280 §4.1.2.2: a serial is at most 20 octets. */
  private static final int MAX_SERIAL_OCTETS = 20;
  private static final int MAX_KEY_ID_OCTETS = 64;

  public CertificateId {
    keyIdentifier = keyIdentifier.clone();
  }

  @Override
  public byte[] keyIdentifier() {
    return keyIdentifier.clone();
  }

  /** The identifier of a certificate, from its AKI extension's keyIdentifier and its serial. */
  public static CertificateId of(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    if (ext == null) throw new IllegalArgumentException("the certificate has no authority key identifier");
    byte[] keyId = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifierObject()
        .getOctets();
    return new CertificateId(keyId, cert.getSerialNumber());
  }

  /**
   * The keyIdentifier that certificates issued by {@code ca} carry in their AKI: the CA's subject
   * key identifier, or its RFC 5280 §4.2.1.2 method (1) value when it has none (what the
   * certificate builder copies).
   */
  public static byte[] keyIdentifierOf(X509Certificate ca) {
    byte[] ext = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ext != null) return ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
    try {
      return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(
          SubjectPublicKeyInfo.getInstance(ca.getPublicKey().getEncoded())).getKeyIdentifier();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses an identifier; fails with {@link IllegalArgumentException} saying what is wrong. Only
   * the RFC's exact form is accepted (no padding, canonical base64url, minimal positive DER
   * integer): a client that computes anything else would not match its certificate anyway.
   */
  public static CertificateId parse(String text) {
    if (text == null || text.isEmpty()) throw new IllegalArgumentException("the certificate identifier is empty");
    int dot = text.indexOf('.');
    if (dot < 0 || text.indexOf('.', dot + 1) >= 0) {
      throw new IllegalArgumentException("a certificate identifier is base64url(AKI keyIdentifier) \".\" base64url(serial)"
          + " (RFC 9773 §4.1), with exactly one \".\"");
    }
    byte[] keyId = decode(text.substring(0, dot), "keyIdentifier");
    byte[] serial = decode(text.substring(dot + 1), "serial");
    if (keyId.length > MAX_KEY_ID_OCTETS) throw new IllegalArgumentException("the keyIdentifier part is too long");
    if (serial.length > MAX_SERIAL_OCTETS) throw new IllegalArgumentException("the serial part is longer than 20 octets");
    if ((serial[0] & 0x80) != 0) {
      throw new IllegalArgumentException("the serial part is a negative DER integer (a leading 0x00 octet is needed when the first bit is 1)");
    }
    if (serial.length > 1 && serial[0] == 0 && (serial[1] & 0x80) == 0) {
      throw new IllegalArgumentException("the serial part is not the minimal DER encoding (superfluous leading 0x00 octet)");
    }
    BigInteger value = new BigInteger(serial);
    if (value.signum() <= 0) throw new IllegalArgumentException("the serial part must be a positive integer");
    return new CertificateId(keyId, value);
  }

  private static byte[] decode(String part, String name) {
    if (part.isEmpty()) throw new IllegalArgumentException("the " + name + " part is empty");
    if (!BASE64URL.matcher(part).matches()) {
      throw new IllegalArgumentException("the " + name + " part is not base64url without padding (RFC 4648 §5)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + name + " part is not valid base64url");
    }
    if (!encode(bytes).equals(part)) throw new IllegalArgumentException("the " + name + " part is not canonical base64url");
    return bytes;
  }

  private static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The text form: {@code aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE} for RFC 9773's example. */
  public String encode() {
    return encode(keyIdentifier) + "." + encode(serial.toByteArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CertificateId other && Arrays.equals(keyIdentifier, other.keyIdentifier) && serial.equals(other.serial);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(keyIdentifier) + serial.hashCode();
  }

  @Override
  public String toString() {
    return encode();
  }
}
