package fr.habilis.client.renewal;

import fr.habilis.client.output.AtomicFiles;
import fr.habilis.client.output.OutputException;
import fr.habilis.client.output.PemFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.jose4j.json.JsonUtil;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * The client's state on disk (default {@code ~/.habilis}), readable by its owner only:
 * <pre>
 * account/account.json   directory URL, account URL
 * account/key.pem        the ACME account key pair
 * certs/NAME/entry.json  a managed certificate ({@link ManagedCertificate})
 * certs/NAME/chain.pem   its current certificate and issuing CA
 * .lock                  held while a run changes anything
 * </pre>
 * Every file is replaced atomically, so a crash leaves the previous or the new version.
 */
public final class StateDirectory {
  /** The stored account: which CA, which account URL, and its key pair. */
  public static final class Account {
    private final URI directory;
    private final URL location;
    private final KeyPair key;

    Account(URI directory, URL location, KeyPair key) {
      this.directory = directory;
      this.location = location;
      this.key = key;
    }

    public URI directory() {
      return directory;
    }

    public URL location() {
      return location;
    }

    public KeyPair key() {
      return key;
    }
  }

  private final Path root;

  private StateDirectory(Path root) {
    this.root = root;
  }

  /** Opens (and creates, owner-only) the state directory. */
  public static StateDirectory open(Path root) throws OutputException {
    Path r = root.toAbsolutePath().normalize();
    AtomicFiles.checkWritable(r);
    return new StateDirectory(r);
  }

  public Path root() {
    return root;
  }

  /** Holds the state directory's lock until closed; fails at once if another run holds it. */
  public AutoCloseable lock() throws IOException {
    FileChannel channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("another Habilis run is using the state directory " + root + " (it holds " + root.resolve(".lock") + ")");
    }
    FileLock held = lock;
    return () -> {
      held.release();
      channel.close();
    };
  }

  // --- account

  public void saveAccount(URI directory, URL location, KeyPair key) throws IOException {
    Path dir = root.resolve("account");
    AtomicFiles.checkWritable(dir);
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()));
    }
    pem.write(PemFiles.encodePrivateKey(key.getPrivate()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("directory", directory.toString());
    m.put("location", location.toString());
    AtomicFiles.write(dir.resolve("key.pem"), pem.toString().getBytes(StandardCharsets.US_ASCII));
    AtomicFiles.write(dir.resolve("account.json"), JsonUtil.toJson(m).getBytes(StandardCharsets.UTF_8));
  }

  /** The stored account, or empty when {@code account register} was never run here. */
  public Optional<Account> account() throws IOException {
    Path json = root.resolve("account").resolve("account.json");
    Path keyFile = root.resolve("account").resolve("key.pem");
    if (!Files.exists(json)) return Optional.empty();
    JSON j = JSON.parse(Files.readString(json));
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    java.security.PrivateKey priv = null;
    java.security.PublicKey pub = null;
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(keyFile)))) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (o instanceof PEMKeyPair) return Optional.of(new Account(URI.create(j.get("directory").asString()),
            j.get("location").asURL(), conv.getKeyPair((PEMKeyPair) o)));
        if (o instanceof PrivateKeyInfo) priv = conv.getPrivateKey((PrivateKeyInfo) o);
        if (o instanceof SubjectPublicKeyInfo) pub = conv.getPublicKey((SubjectPublicKeyInfo) o);
      }
    }
    if (priv == null || pub == null) throw new IOException(keyFile + " does not hold the account key pair");
    return Optional.of(new Account(URI.create(j.get("directory").asString()), j.get("location").asURL(), new KeyPair(pub, priv)));
  }

  // --- managed certificates

  /** Stores an entry and its current chain (the chain first: an entry never names a serial it lacks). */
  public void save(ManagedCertificate entry, List<X509Certificate> chain) throws OutputException {
    Path dir = certDir(entry.name());
    AtomicFiles.checkWritable(dir);
    if (chain != null) {
      AtomicFiles.write(dir.resolve("chain.pem"), PemFiles.encodeCertificates(chain).getBytes(StandardCharsets.US_ASCII));
    }
    AtomicFiles.write(dir.resolve("entry.json"), entry.toJson().getBytes(StandardCharsets.UTF_8));
  }

  public boolean exists(String name) {
    return Files.exists(certDir(name).resolve("entry.json"));
  }

  public ManagedCertificate load(String name) throws IOException {
    Path f = certDir(name).resolve("entry.json");
    if (!Files.exists(f)) throw new IOException("no managed certificate named '" + name + "' in " + root);
    try {
      return ManagedCertificate.fromJson(Files.readString(f));
    } catch (RuntimeException e) {
      throw new IOException(f + " is damaged: " + e.getMessage(), e);
    }
  }

  public List<X509Certificate> chain(String name) throws IOException {
    return PemFiles.readCertificates(certDir(name).resolve("chain.pem"));
  }

  /** Every managed certificate's name, sorted. */
  public List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    Path certs = root.resolve("certs");
    if (!Files.isDirectory(certs)) return names;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(certs)) {
      for (Path p : ds) if (Files.exists(p.resolve("entry.json"))) names.add(p.getFileName().toString());
    }
    names.sort(null);
    return names;
  }

  private Path certDir(String name) {
    return root.resolve("certs").resolve(ManagedCertificate.checkName(name));
  }
}
