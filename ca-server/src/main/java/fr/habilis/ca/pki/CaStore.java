package fr.habilis.ca.pki;

import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Loads the CA hierarchy from its PKCS#12 keystore, generating it on the first start of a test
 * environment. Creation happens under an exclusive file lock and is published by an atomic
 * rename, so two starts racing on one data directory create exactly one hierarchy; across data
 * directories, {@link SharedHierarchy} records it in the database before the keystore is written.
 */
public final class CaStore {
  public static final String KEYSTORE_FILE = "ca-keystore.p12";
  private static final Object JVM_LOCK = new Object();

  private CaStore() {}

  /**
   * Makes a newly generated hierarchy durable: {@code write} writes the keystore; the database
   * record goes first, in the same transaction (see {@link SharedHierarchy}).
   */
  @FunctionalInterface
  interface Publish {
    void publish(CaHierarchy created, KeystoreWrite write) throws Exception;
  }

  /** Writes the keystore file. */
  @FunctionalInterface
  interface KeystoreWrite {
    void run() throws IOException, GeneralSecurityException;
  }

  /** The hierarchy to run with: configured keystore, existing one, or (test only) a new one. */
  public static CaHierarchy loadOrCreate(HabilisConfig config, char[] password, Endpoints endpoints, Clock clock) {
    return loadOrCreate(config, password, endpoints, clock, (created, write) -> write.run());
  }

  static CaHierarchy loadOrCreate(HabilisConfig config, char[] password, Endpoints endpoints, Clock clock, Publish publish) {
    if (config.isSet(Setting.CA_KEYSTORE)) {
      return load(Path.of(config.get(Setting.CA_KEYSTORE)), password, config);
    }
    Path file = config.dataDir().resolve(KEYSTORE_FILE);
    if (config.isProduction() && !Files.exists(file)) {
      throw new ConfigException("production environment: no CA material configured; set caKeystore "
          + "(HABILIS_CA_KEYSTORE), keystorePassword and the CA aliases; nothing is generated in production");
    }
    synchronized (JVM_LOCK) {
      try (FileChannel lockFile = initLock(config);
          FileLock lock = lockFile.lock()) {
        if (Files.exists(file)) return load(file, password, config);
        CaHierarchy created = HierarchyGenerator.generate(
            KeyAlgorithm.fromSetting(config.get(Setting.CA_KEY_ALGORITHM)),
            config.get(Setting.ROOT_CA_NAME), config.get(Setting.ORG_CA_NAME), config.get(Setting.PRO_CA_NAME),
            endpoints, clock, config.getDuration(Setting.OCSP_SIGNER_VALIDITY));
        publish.publish(created, () -> write(created, file, password, config));
        return created;
      } catch (ConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new ConfigException("bad CA name in configuration: " + e.getMessage(), e);
      } catch (Exception e) {
        if (!(e instanceof IOException || e instanceof GeneralSecurityException)) {
          throw new ConfigException("cannot record the new CA hierarchy in the database: " + e.getMessage(), e);
        }
        throw new ConfigException("cannot create the CA keystore in " + config.dataDir() + ": " + e.getMessage(), e);
      }
    }
  }

  /** Whether this instance has a keystore to load (configured, or in its data directory). */
  static boolean hasKeystore(HabilisConfig config) {
    return Files.exists(keystoreFile(config));
  }

  /** Where the keys are, for the database record and messages: the file and the aliases, no secret. */
  static String keystoreRef(HabilisConfig config) {
    return keystoreFile(config).toAbsolutePath() + " (aliases " + config.get(Setting.CA_ROOT_ALIAS) + ", "
        + config.get(Setting.CA_ORG_ALIAS) + ", " + config.get(Setting.CA_PRO_ALIAS) + ", "
        + config.get(Setting.CA_ORG_OCSP_ALIAS) + ", " + config.get(Setting.CA_PRO_OCSP_ALIAS) + ")";
  }

  /** The hierarchy from the keystore, never generated (an instance joining a recorded CA). */
  static CaHierarchy loadExisting(HabilisConfig config, char[] password) {
    Path file = keystoreFile(config);
    if (!Files.exists(file)) throw new ConfigException("no CA keystore at " + file);
    synchronized (JVM_LOCK) {
      return load(file, password, config);
    }
  }

  /**
   * The keystore's current OCSP entry for {@code ca} (read again: another instance sharing the
   * keystore may have renewed it), or {@code ca} unchanged when the entry cannot be read.
   */
  static IssuingCa reloadResponder(HabilisConfig config, char[] password, IssuingCa ca) throws IOException, GeneralSecurityException {
    Path file = keystoreFile(config);
    String alias = ca.id().equals(CaHierarchy.ORG) ? config.get(Setting.CA_ORG_OCSP_ALIAS) : config.get(Setting.CA_PRO_OCSP_ALIAS);
    synchronized (JVM_LOCK) {
      KeyStore ks = readPkcs12(file, password);
      if (!(ks.getCertificate(alias) instanceof X509Certificate stored) || !ks.isKeyEntry(alias)) return ca;
      return new IssuingCa(ca.id(), ca.certificate(), ca.privateKey(), stored, (PrivateKey) ks.getKey(alias, password));
    }
  }

  /**
   * The CA secret (see {@link CaSecret}): the keystore's secret-key entry {@code caSecretAlias}.
   * When the entry is missing, the test environment adds a new random AES-256 key to the keystore
   * (rewritten atomically, under the same lock as its creation); production refuses to start and
   * says how to add one, as it generates no CA material.
   */
  public static CaSecret loadOrCreateSecret(HabilisConfig config, char[] password) {
    return secret(config, password, !config.isProduction());
  }

  /** The CA secret, read only (verify-audit): a keystore without it is a configuration error. */
  public static CaSecret loadSecret(HabilisConfig config, char[] password) {
    return secret(config, password, false);
  }

  private static CaSecret secret(HabilisConfig config, char[] password, boolean mayCreate) {
    Path file = keystoreFile(config);
    String alias = config.get(Setting.CA_SECRET_ALIAS);
    synchronized (JVM_LOCK) {
      try (FileChannel lockFile = initLock(config);
          FileLock lock = lockFile.lock()) {
        KeyStore ks = readPkcs12(file, password);
        CaSecret existing = secretEntry(ks, file, alias, password);
        if (existing != null) return existing;
        if (!mayCreate) {
          throw new ConfigException("CA keystore " + file + " has no secret key under alias '" + alias
              + "' (caSecretAlias), which protects EAB keys and signs audit checkpoints; add one with: keytool -genseckey"
              + " -storetype PKCS12 -keystore " + file + " -alias " + alias + " -keyalg AES -keysize 256");
        }
        KeyGenerator gen = KeyGenerator.getInstance("AES");
        gen.init(256);
        SecretKey key = gen.generateKey();
        ks.setEntry(alias, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(password));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          ks.store(out, password);
        }
        moveAtomically(tmp, file);
        return new CaSecret(key.getEncoded());
      } catch (IOException | GeneralSecurityException e) {
        throw new ConfigException("cannot read or add the CA secret in " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * A responder renewal made durable: under the lock the start-up uses (this JVM and any other
   * process sharing the data directory), reads the keystore again, and either adopts the responder
   * another instance stored meanwhile (when it differs from {@code served} and is not due) or
   * renews and replaces the OCSP entry, keeping every other entry, by an atomic rename of an
   * owner-only file. Nothing is written when renewing fails.
   */
  static ResponderStore.Outcome renewResponder(HabilisConfig config, char[] password, IssuingCa served,
      Predicate<X509Certificate> due, ResponderStore.Renewer renewer) throws IOException, GeneralSecurityException {
    Path file = keystoreFile(config);
    String alias = served.id().equals(CaHierarchy.ORG) ? config.get(Setting.CA_ORG_OCSP_ALIAS) : config.get(Setting.CA_PRO_OCSP_ALIAS);
    synchronized (JVM_LOCK) {
      try (FileChannel lockFile = initLock(config);
          FileLock lock = lockFile.lock()) {
        KeyStore ks = readPkcs12(file, password);
        if (ks.getCertificate(alias) instanceof X509Certificate stored && ks.isKeyEntry(alias)
            && !stored.getSerialNumber().equals(served.ocspCertificate().getSerialNumber()) && !due.test(stored)) {
          IssuingCa adopted = new IssuingCa(served.id(), served.certificate(), served.privateKey(), stored,
              (PrivateKey) ks.getKey(alias, password));
          return new ResponderStore.Outcome(adopted, false);
        }
        IssuingCa renewed = renewer.renew(served);
        // The chain above the responder is the stored one (issuing CA, root) when there is one.
        Certificate[] old = ks.getCertificateChain(alias);
        List<Certificate> chain = new ArrayList<>(List.of(renewed.ocspCertificate()));
        if (old != null && old.length > 1) {
          chain.addAll(List.of(old).subList(1, old.length));
        } else {
          chain.add(renewed.certificate());
        }
        ks.setKeyEntry(alias, renewed.ocspKey(), password, chain.toArray(Certificate[]::new));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
          ks.store(out, password);
        }
        moveAtomically(tmp, file);
        return new ResponderStore.Outcome(renewed, true);
      }
    }
  }

  private static Path keystoreFile(HabilisConfig config) {
    return config.isSet(Setting.CA_KEYSTORE) ? Path.of(config.get(Setting.CA_KEYSTORE)) : config.dataDir().resolve(KEYSTORE_FILE);
  }

  /** The keystore's hierarchy and its CA secret (null when it has none), from one read of the file. */
  public record Snapshot(CaHierarchy hierarchy, CaSecret secret) {}

  /**
   * Reads an existing keystore once for both the hierarchy and the CA secret: the file's MAC and
   * its certificates cost a PBKDF2 each per read, so start-up reads it here, once, on a thread of
   * its own while the database opens (see {@link KeystoreReadAhead}). Nothing is written.
   */
  static Snapshot readExisting(HabilisConfig config, char[] password) {
    Path file = keystoreFile(config);
    synchronized (JVM_LOCK) {
      KeyStore ks = read(file, password);
      CaHierarchy h = hierarchy(ks, file, password, config);
      try {
        return new Snapshot(h, secretEntry(ks, file, config.get(Setting.CA_SECRET_ALIAS), password));
      } catch (GeneralSecurityException e) {
        throw new ConfigException("cannot read the CA secret in " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** The secret-key entry {@code alias}, checked (a secret key of at least 256 bits); null when there is none. */
  private static CaSecret secretEntry(KeyStore ks, Path file, String alias, char[] password) throws GeneralSecurityException {
    if (!ks.containsAlias(alias)) return null;
    if (!(ks.getKey(alias, password) instanceof SecretKey key) || key.getEncoded() == null || key.getEncoded().length < 32) {
      throw new ConfigException("CA keystore " + file + ": the entry '" + alias + "' (caSecretAlias) must be a"
          + " secret key of at least 256 bits");
    }
    return new CaSecret(key.getEncoded());
  }

  static CaHierarchy load(Path file, char[] password, HabilisConfig config) {
    return hierarchy(read(file, password), file, password, config);
  }

  private static KeyStore read(Path file, char[] password) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      String why = e.getCause() instanceof java.security.UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")
          ? "wrong keystore password" : e.getMessage();
      throw new ConfigException("cannot read CA keystore " + file + ": " + why);
    }
  }

  private static CaHierarchy hierarchy(KeyStore ks, Path file, char[] password, HabilisConfig config) {
    try {
      X509Certificate root = certificate(ks, file, config.get(Setting.CA_ROOT_ALIAS));
      PrivateKey rootKey = ks.isKeyEntry(config.get(Setting.CA_ROOT_ALIAS))
          ? (PrivateKey) ks.getKey(config.get(Setting.CA_ROOT_ALIAS), password) : null;
      IssuingCa org = issuing(ks, file, password, CaHierarchy.ORG, config.get(Setting.CA_ORG_ALIAS), config.get(Setting.CA_ORG_OCSP_ALIAS));
      IssuingCa pro = issuing(ks, file, password, CaHierarchy.PRO, config.get(Setting.CA_PRO_ALIAS), config.get(Setting.CA_PRO_OCSP_ALIAS));
      return new CaHierarchy(root, rootKey, org, pro);
    } catch (GeneralSecurityException e) {
      throw new ConfigException("cannot read CA keys from " + file + ": " + e.getMessage());
    }
  }

  private static IssuingCa issuing(KeyStore ks, Path file, char[] password, String id, String alias, String ocspAlias)
      throws GeneralSecurityException {
    return new IssuingCa(id, certificate(ks, file, alias), key(ks, file, password, alias),
        certificate(ks, file, ocspAlias), key(ks, file, password, ocspAlias));
  }

  private static X509Certificate certificate(KeyStore ks, Path file, String alias) throws GeneralSecurityException {
    Certificate c = ks.getCertificate(alias);
    if (!(c instanceof X509Certificate x)) {
      throw new ConfigException("CA keystore " + file + " has no certificate under alias '" + alias + "'");
    }
    return x;
  }

  private static PrivateKey key(KeyStore ks, Path file, char[] password, String alias) throws GeneralSecurityException {
    if (!ks.isKeyEntry(alias)) throw new ConfigException("CA keystore " + file + " has no private key under alias '" + alias + "'");
    return (PrivateKey) ks.getKey(alias, password);
  }

  private static void write(CaHierarchy h, Path file, char[] password, HabilisConfig config)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(config.get(Setting.CA_ROOT_ALIAS), h.rootKey(), password, new Certificate[] {h.root()});
    for (IssuingCa ca : h.issuingCas()) {
      String alias = ca.id().equals(CaHierarchy.ORG) ? config.get(Setting.CA_ORG_ALIAS) : config.get(Setting.CA_PRO_ALIAS);
      String ocspAlias = ca.id().equals(CaHierarchy.ORG) ? config.get(Setting.CA_ORG_OCSP_ALIAS) : config.get(Setting.CA_PRO_OCSP_ALIAS);
      ks.setKeyEntry(alias, ca.privateKey(), password, new Certificate[] {ca.certificate(), h.root()});
      ks.setKeyEntry(ocspAlias, ca.ocspKey(), password, new Certificate[] {ca.ocspCertificate(), ca.certificate(), h.root()});
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ks.store(out, password);
    }
    moveAtomically(tmp, file);
  }

  /** Writes a file so that readers see either nothing or the whole content. */
  public static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, content);
    moveAtomically(tmp, file);
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The file whose lock serialises CA material changes across processes sharing the data directory;
   * created owner-only like every file there (verify-audit, not the server, may be the first to open it).
   */
  private static FileChannel initLock(HabilisConfig config) throws IOException {
    Path path = config.dataDir().resolve(".ca-init.lock");
    java.util.Set<java.nio.file.OpenOption> options = java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) return FileChannel.open(path, options);
    return FileChannel.open(path, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  /** The PKCS#12 file as it is on disk now (callers hold the CA lock when they may rewrite it). */
  private static KeyStore readPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password);
    }
    return ks;
  }
}
