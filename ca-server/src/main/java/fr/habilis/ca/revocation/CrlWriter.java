package fr.habilis.ca.revocation;

import fr.habilis.ca.issuance.CryptoProviders;
import fr.habilis.ca.pki.KeyAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * Writes a full CRL (RFC 5280 §5) in DER without building an object per entry: revoked entries
 * are appended as bytes while the database streams them, then wrapped and signed once. A million
 * entries take about 40 MB, not the gigabytes a tree of ASN.1 objects would.
 */
final class CrlWriter {
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Instant UTC_TIME_END = Instant.parse("2050-01-01T00:00:00Z");
  /** Extensions { Extension { reasonCode, OCTET STRING { ENUMERATED … } } }, the reason's value byte to follow. */
  private static final byte[] REASON_PREFIX = {0x30, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x1D, 0x15, 0x04, 0x03, 0x0A, 0x01};
  private final Entries entries = new Entries();
  private final byte[] time = new byte[17];
  private int count;

  /** Appends one revoked certificate: serial, revocation date and, unless unspecified, its reason code. */
  void add(BigInteger serial, Instant revokedAt, int reason) {
    byte[] serialBytes = serial.toByteArray();
    int timeLength = writeTime(revokedAt, time);
    int serialField = 2 + serialBytes.length; // serials are at most 20 bytes: short-form lengths throughout
    int length = serialField + timeLength + (reason == 0 ? 0 : REASON_PREFIX.length + 1);
    entries.write(0x30);
    entries.write(length);
    entries.write(0x02);
    entries.write(serialBytes.length);
    entries.write(serialBytes, 0, serialBytes.length);
    entries.write(time, 0, timeLength);
    if (reason != 0) {
      entries.write(REASON_PREFIX, 0, REASON_PREFIX.length);
      entries.write(reason);
    }
    count++;
  }

  int count() {
    return count;
  }

  /** The signed CRL. */
  byte[] sign(X509Certificate issuer, PrivateKey key, long crlNumber, Instant thisUpdate, Instant nextUpdate)
      throws GeneralSecurityException, IOException {
    String algorithm = KeyAlgorithm.signatureAlgorithmFor(key);
    byte[] algId = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm).getEncoded();
    Extension aki = new Extension(Extension.authorityKeyIdentifier, false,
        fr.habilis.ca.pki.KeyIdentifiers.authorityKeyIdentifier(issuer).getEncoded());
    Extension number = new Extension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(crlNumber)).getEncoded());
    byte[] extensions = tlv(0xA0, new Extensions(new Extension[] {aki, number}).getEncoded());

    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    prefix.writeBytes(new byte[] {0x02, 0x01, 0x01}); // version v2
    prefix.writeBytes(algId);
    prefix.writeBytes(issuer.getSubjectX500Principal().getEncoded());
    prefix.writeBytes(time(thisUpdate));
    prefix.writeBytes(time(nextUpdate));
    ByteArrayOutputStream revokedHeader = new ByteArrayOutputStream();
    if (count > 0) writeHeader(revokedHeader, 0x30, entries.size()); // absent when empty (§5.1.2.6)
    long tbsLength = (long) prefix.size() + revokedHeader.size() + (count > 0 ? entries.size() : 0) + extensions.length;
    ByteArrayOutputStream tbsHeader = new ByteArrayOutputStream();
    writeHeader(tbsHeader, 0x30, Math.toIntExact(tbsLength));

    Signature signer = Signature.getInstance(algorithm, CryptoProviders.forAlgorithm(key.getAlgorithm()));
    signer.initSign(key);
    signer.update(tbsHeader.toByteArray());
    signer.update(prefix.toByteArray());
    signer.update(revokedHeader.toByteArray());
    if (count > 0) entries.updateSigner(signer); // no copy of tens of MB
    signer.update(extensions);
    byte[] signature = signer.sign();
    byte[] bitString = new byte[signature.length + 1]; // no unused bits
    System.arraycopy(signature, 0, bitString, 1, signature.length);
    byte[] sigField = tlv(0x03, bitString);

    long total = tbsHeader.size() + tbsLength + algId.length + sigField.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.toIntExact(total + 8));
    writeHeader(out, 0x30, Math.toIntExact(total));
    out.writeBytes(tbsHeader.toByteArray());
    out.writeBytes(prefix.toByteArray());
    out.writeBytes(revokedHeader.toByteArray());
    if (count > 0) entries.writeTo(out);
    out.writeBytes(extensions);
    out.writeBytes(algId);
    out.writeBytes(sigField);
    return out.toByteArray();
  }

  /** The entries' bytes, handed to the signer in place. */
  private static final class Entries extends ByteArrayOutputStream {
    Entries() {
      super(1 << 16);
    }

    void updateSigner(Signature signer) throws java.security.SignatureException {
      signer.update(buf, 0, count);
    }
  }

  /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  static byte[] time(Instant t) {
    return t.isBefore(UTC_TIME_END) ? tlv(0x17, ascii(UTC_TIME.format(t))) : tlv(0x18, ascii(GENERALIZED.format(t)));
  }

  /**
   * The DER time into {@code out}, digits computed rather than formatted (this runs once per CRL
   * entry); returns its length. Same rule as {@link #time}.
   */
  static int writeTime(Instant t, byte[] out) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    boolean utc = t.isBefore(UTC_TIME_END);
    int i = 0;
    out[i++] = (byte) (utc ? 0x17 : 0x18);
    out[i++] = (byte) (utc ? 13 : 15);
    if (!utc) i = two(out, i, d.getYear() / 100);
    i = two(out, i, d.getYear() % 100);
    i = two(out, i, d.getMonthValue());
    i = two(out, i, d.getDayOfMonth());
    i = two(out, i, d.getHour());
    i = two(out, i, d.getMinute());
    i = two(out, i, d.getSecond());
    out[i++] = 'Z';
    return i;
  }

  private static int two(byte[] out, int i, int value) {
    out[i] = (byte) ('0' + value / 10);
    out[i + 1] = (byte) ('0' + value % 10);
    return i + 2;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(value.length + 6);
    writeHeader(b, tag, value.length);
    b.writeBytes(value);
    return b.toByteArray();
  }

  static void writeHeader(ByteArrayOutputStream out, int tag, int length) {
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) out.write(length >>> (8 * i));
    }
  }
}
