package fr.habilis.client.output;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Password-protected PKCS#12 files holding the private key and its certificate chain, as the platform
 * delivers them. The key and the leaf certificate carry the same friendly name and local key id, which
 * is how Java's KeyStore, OpenSSL, Windows and NSS pair them; the CA certificates carry their common
 * name as friendly name.
 */
public final class Pkcs12Writer {

  // Not registered in Security: an application embedding the SDK keeps its own provider list. The
  // JDK cannot do this job on Java 11 (no PBES2 when writing, no PKCS#12 PBE ciphers as Ciphers).
  private static final Provider BC = new BouncyCastleProvider();

  private Pkcs12Writer() {
  }

  /**
   * Encodes a PKCS#12 file.
   *
   * @param key the private key of the leaf certificate (RSA or EC, exportable)
   * @param chain the leaf certificate first, then its issuing CA(s), in order; stored as given
   * @param password the file's password: not empty, printable ASCII only (not kept, not cleared)
   * @param friendlyName the name of the key entry: the KeyStore alias (which Java lists in lower case
   *     and finds in any case), the name Windows shows
   * @param format the protection algorithms
   * @return the file's bytes
   * @throws IllegalArgumentException if the password is missing or has characters Java cannot use,
   *     the name is missing, the chain is empty or out of order, or the key does not belong to the leaf
   *     certificate
   */
  public static byte[] encode(PrivateKey key, List<X509Certificate> chain, char[] password, String friendlyName,
      Pkcs12Format format) {
    Objects.requireNonNull(format, "format");
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException("a PKCS#12 file needs a password: the platform never delivers an "
          + "unprotected one");
    }
    for (char c : password) {
      // Java's PKCS12 KeyStore refuses any other character up to Java 17 at least ("Password is
      // not ASCII"; Java 25 accepts them): the Java software the file is for could not open it.
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("the PKCS#12 password may only contain printable ASCII "
            + "characters (no accented letters or other non-ASCII symbols, no control characters): "
            + "Java 11 and 17 cannot open a file protected otherwise");
      }
    }
    if (friendlyName == null || friendlyName.trim().isEmpty()) {
      throw new IllegalArgumentException("a PKCS#12 file needs a friendly name for its key entry");
    }
    Checks.chain(chain);
    PrivateKeyInfo keyInfo = PrivateKeyInfo.getInstance(Checks.pkcs8(key));
    Checks.keyMatches(key, chain.get(0));

    try {
      DEROctetString localKeyId = new DEROctetString(localKeyId(chain.get(0)));
      DERBMPString name = new DERBMPString(friendlyName);

      PKCS12SafeBag[] certBags = new PKCS12SafeBag[chain.size()];
      certBags[0] = new JcaPKCS12SafeBagBuilder(chain.get(0))
          .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name)
          .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId)
          .build();
      for (int i = 1; i < chain.size(); i++) {
        // No local key id on CA certificates: it marks the certificate of the key, as in the
        // files OpenSSL writes.
        certBags[i] = new JcaPKCS12SafeBagBuilder(chain.get(i))
            .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName,
                new DERBMPString(commonName(chain.get(i))))
            .build();
      }
      PKCS12SafeBag keyBag = new PKCS12SafeBagBuilder(keyInfo, encryptor(keyCipher(format), format, password))
          .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name)
          .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId)
          .build();

      // The layout OpenSSL and Windows write: certificates in an encrypted content, the
      // (already shrouded) key in a plain one.
      PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
      pfx.addEncryptedData(encryptor(certCipher(format), format, password), certBags);
      pfx.addData(keyBag);
      return pfx.build(mac(format), password).getEncoded(ASN1Encoding.DL);
    } catch (IOException | OperatorCreationException | PKCSException e) {
      throw new IllegalStateException("cannot encode the PKCS#12 file: " + e.getMessage(), e);
    }
  }

  /**
   * Encodes a PKCS#12 file (see {@link #encode}) and writes it atomically, owner-only.
   *
   * @param file the file to create or replace
   * @param key as for {@link #encode}
   * @param chain as for {@link #encode}
   * @param password as for {@link #encode}
   * @param friendlyName as for {@link #encode}
   * @param format as for {@link #encode}
   * @throws IllegalArgumentException as {@link #encode} does, before anything is written
   * @throws OutputException if the file cannot be written; a previous file is then left unchanged
   */
  public static void write(Path file, PrivateKey key, List<X509Certificate> chain, char[] password,
      String friendlyName, Pkcs12Format format) throws OutputException {
    AtomicFiles.write(file, encode(key, chain, password, friendlyName, format));
  }

  /**
   * The SHA-1 of the leaf's public key (the BIT STRING, as in a subject key identifier): derived from
   * what the two bags share, and the same for the key bag and the certificate bag by construction.
   */
  static byte[] localKeyId(X509Certificate leaf) {
    byte[] publicKey = SubjectPublicKeyInfo.getInstance(leaf.getPublicKey().getEncoded())
        .getPublicKeyData().getBytes();
    try {
      return MessageDigest.getInstance("SHA-1").digest(publicKey);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this Java runtime", e);
    }
  }

  private static String commonName(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] cns = subject.getRDNs(BCStyle.CN);
    if (cns.length == 0) {
      return certificate.getSubjectX500Principal().getName();
    }
    return IETFUtils.valueToString(cns[0].getFirst().getValue());
  }

  private static ASN1ObjectIdentifier keyCipher(Pkcs12Format format) {
    return format == Pkcs12Format.MODERN
        ? NISTObjectIdentifiers.id_aes256_CBC
        : PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC;
  }

  private static ASN1ObjectIdentifier certCipher(Pkcs12Format format) {
    return format == Pkcs12Format.MODERN
        ? NISTObjectIdentifiers.id_aes256_CBC
        : PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC;
  }

  private static OutputEncryptor encryptor(ASN1ObjectIdentifier cipher, Pkcs12Format format, char[] password)
      throws OperatorCreationException {
    JcePKCSPBEOutputEncryptorBuilder builder = new JcePKCSPBEOutputEncryptorBuilder(cipher).setProvider(BC);
    if (format == Pkcs12Format.MODERN) {
      // A non-PKCS#12 cipher makes the builder use PBES2 with PBKDF2; its PRF defaults to SHA-1.
      builder.setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE));
    }
    return builder.setIterationCount(format.iterations()).build(password);
  }

  private static PKCS12MacCalculatorBuilder mac(Pkcs12Format format) {
    // The classic PKCS#12 MAC (RFC 7292 key derivation) with SHA-256 or SHA-1: what every reader
    // checks. PBMAC1 (RFC 9579) is still unknown to Java 11 and OpenSSL 3.0.
    BcPKCS12MacCalculatorBuilder builder = format == Pkcs12Format.MODERN
        ? new BcPKCS12MacCalculatorBuilder(new SHA256Digest(),
            new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE))
        : new BcPKCS12MacCalculatorBuilder(new SHA1Digest(),
            new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE));
    return builder.setIterationCount(format.iterations());
  }
}
