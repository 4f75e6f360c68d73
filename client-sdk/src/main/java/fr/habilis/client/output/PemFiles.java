package fr.habilis.client.output;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certbot-like set of PEM files in a directory, for servers configured with PEM paths (nginx, Apache,
 * HAProxy): {@value #CERT} (the leaf certificate), {@value #CHAIN} (the issuing CA certificates),
 * {@value #FULLCHAIN} (both) and {@value #PRIVKEY} (the unencrypted PKCS#8 key). All four are
 * owner-only. Also encodes and parses the PEM texts, which the renewal reads back.
 */
public final class PemFiles {

  /** The leaf certificate. */
  public static final String CERT = "cert.pem";
  /** The issuing CA certificates, without the leaf (empty if the chain is the leaf alone). */
  public static final String CHAIN = "chain.pem";
  /** The leaf certificate followed by the issuing CA certificates. */
  public static final String FULLCHAIN = "fullchain.pem";
  /** The private key, PKCS#8, unencrypted. */
  public static final String PRIVKEY = "privkey.pem";

  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String PRIVATE_KEY = "PRIVATE KEY";

  private PemFiles() {
  }

  /**
   * Writes the four files into {@code directory}, creating it (owner-only) if needed. The files are
   * all written to temporary files first and then renamed into place (see {@link
   * AtomicFiles#writeAll}), so a failure while writing leaves the previous set untouched.
   *
   * @param directory where the files go
   * @param key the private key of the leaf certificate (RSA or EC, exportable)
   * @param chain the leaf certificate first, then its issuing CA(s), in order
   * @throws IllegalArgumentException if the chain is empty or out of order, or the key does not belong
   *     to the leaf certificate
   * @throws OutputException if the directory or a file cannot be written
   */
  public static void write(Path directory, PrivateKey key, List<X509Certificate> chain) throws OutputException {
    Map<Path, byte[]> files = files(directory, key, chain);
    AtomicFiles.checkWritable(directory);
    AtomicFiles.writeAll(files);
  }

  /** The four files and their contents, in the order they are to be renamed into place. */
  static Map<Path, byte[]> files(Path directory, PrivateKey key, List<X509Certificate> chain) {
    Checks.chain(chain);
    String privateKey = encodePrivateKey(key);
    Checks.keyMatches(key, chain.get(0));
    // The key first and fullchain.pem last: a server that reloads when it sees fullchain.pem
    // change finds the matching key already there.
    Map<Path, byte[]> files = new LinkedHashMap<>();
    files.put(directory.resolve(PRIVKEY), ascii(privateKey));
    files.put(directory.resolve(CERT), ascii(encodeCertificates(chain.subList(0, 1))));
    files.put(directory.resolve(CHAIN), ascii(encodeCertificates(chain.subList(1, chain.size()))));
    files.put(directory.resolve(FULLCHAIN), ascii(encodeCertificates(chain)));
    return files;
  }

  /**
   * @param certificates certificates, possibly none
   * @return their concatenated {@code CERTIFICATE} PEM blocks, lines ending with {@code \n}
   */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        pem.append(pem(CERTIFICATE, certificate.getEncoded()));
      } catch (CertificateException e) {
        throw new IllegalArgumentException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
      }
    }
    return pem.toString();
  }

  /**
   * @param key an exportable private key
   * @return its unencrypted PKCS#8 {@code PRIVATE KEY} PEM block
   */
  public static String encodePrivateKey(PrivateKey key) {
    return pem(PRIVATE_KEY, Checks.pkcs8(key));
  }

  /**
   * @param pem PEM text; blocks other than certificates are ignored
   * @return the certificates, in the order of the text
   * @throws IllegalArgumentException if the text holds no certificate or a malformed one
   */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Object object : pemObjects(pem)) {
        if (object instanceof X509CertificateHolder) {
          byte[] der = ((X509CertificateHolder) object).getEncoded();
          certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("malformed certificate: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificate found");
    }
    return Collections.unmodifiableList(certificates);
  }

  /**
   * @param pem PEM text holding an unencrypted RSA or EC key: PKCS#8 ({@code PRIVATE KEY}), or the
   *     older {@code RSA PRIVATE KEY} / {@code EC PRIVATE KEY} forms
   * @return the first private key of the text
   * @throws IllegalArgumentException if the text holds no such key, or only an encrypted one
   */
  public static PrivateKey parsePrivateKey(String pem) {
    List<Object> objects;
    try {
      objects = pemObjects(pem);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed private key: " + e.getMessage(), e);
    }
    for (Object object : objects) {
      if (object instanceof PrivateKeyInfo) {
        return toPrivateKey((PrivateKeyInfo) object);
      }
      if (object instanceof PEMKeyPair) {
        return toPrivateKey(((PEMKeyPair) object).getPrivateKeyInfo());
      }
      if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
        throw new IllegalArgumentException("the private key is encrypted; an unencrypted PKCS#8 key is expected");
      }
    }
    throw new IllegalArgumentException("no private key found");
  }

  /**
   * Reads a PEM certificate file such as {@value #FULLCHAIN}.
   *
   * @param file the file to read
   * @return its certificates, in order
   * @throws OutputException if the file cannot be read or holds no certificate
   */
  public static List<X509Certificate> readCertificates(Path file) throws OutputException {
    String text = read(file);
    try {
      return parseCertificates(text);
    } catch (IllegalArgumentException e) {
      throw new OutputException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a PEM private key file such as {@value #PRIVKEY}.
   *
   * @param file the file to read
   * @return its private key
   * @throws OutputException if the file cannot be read or holds no unencrypted key
   */
  public static PrivateKey readPrivateKey(Path file) throws OutputException {
    String text = read(file);
    try {
      return parsePrivateKey(text);
    } catch (IllegalArgumentException e) {
      throw new OutputException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) throws OutputException {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new OutputException("cannot read " + file.toAbsolutePath() + ": the file does not exist", e);
    } catch (AccessDeniedException e) {
      throw new OutputException("cannot read " + file.toAbsolutePath() + ": permission denied", e);
    } catch (IOException e) {
      throw new OutputException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  private static List<Object> pemObjects(String pem) throws IOException {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    }
    return objects;
  }

  private static PrivateKey toPrivateKey(PrivateKeyInfo info) {
    // KeyFactory names of the JDK's own providers, so that no provider has to be registered.
    ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
    String name;
    if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
      name = "RSA";
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      name = "EC";
    } else {
      throw new IllegalArgumentException("unsupported private key algorithm " + algorithm);
    }
    try {
      return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("malformed " + name + " private key: " + e.getMessage(), e);
    }
  }

  private static String pem(String type, byte[] der) {
    // Fixed "\n" line ends rather than the platform's, so that the files are identical everywhere.
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n"
        + "-----END " + type + "-----\n";
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
