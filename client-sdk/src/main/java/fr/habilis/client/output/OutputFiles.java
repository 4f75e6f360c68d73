package fr.habilis.client.output;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an issued certificate goes: a PKCS#12 file, a directory of PEM files, or both. Immutable.
 * Check it with {@link #checkWritable()} before ordering the certificate, then {@link #write} it.
 */
public final class OutputFiles {

  private final Path pkcs12File;
  private final String friendlyName;
  private final Pkcs12Format format;
  private final Path pemDirectory;

  private OutputFiles(Path pkcs12File, String friendlyName, Pkcs12Format format, Path pemDirectory) {
    this.pkcs12File = pkcs12File;
    this.friendlyName = friendlyName;
    this.format = format;
    this.pemDirectory = pemDirectory;
  }

  /**
   * @param file the PKCS#12 file to create or replace
   * @param friendlyName the name of its key entry (see {@link Pkcs12Writer#encode})
   * @param format its protection
   * @return a destination with that PKCS#12 file only
   */
  public static OutputFiles pkcs12(Path file, String friendlyName, Pkcs12Format format) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    if (friendlyName == null || friendlyName.trim().isEmpty()) {
      throw new IllegalArgumentException("a PKCS#12 file needs a friendly name for its key entry");
    }
    return new OutputFiles(file, friendlyName, format, null);
  }

  /**
   * @param directory the directory of the {@link PemFiles} set
   * @return a destination with that PEM directory only
   */
  public static OutputFiles pem(Path directory) {
    return new OutputFiles(null, null, null, Objects.requireNonNull(directory, "directory"));
  }

  /**
   * @param directory the directory of the {@link PemFiles} set
   * @return this destination with, in addition (or instead of the previous one), that PEM directory
   */
  public OutputFiles withPem(Path directory) {
    return new OutputFiles(pkcs12File, friendlyName, format, Objects.requireNonNull(directory, "directory"));
  }

  /** @return the PKCS#12 file, if any */
  public Optional<Path> pkcs12File() {
    return Optional.ofNullable(pkcs12File);
  }

  /** @return the friendly name of the PKCS#12 key entry, if there is a PKCS#12 file */
  public Optional<String> friendlyName() {
    return Optional.ofNullable(friendlyName);
  }

  /** @return the protection of the PKCS#12 file, if there is one */
  public Optional<Pkcs12Format> pkcs12Format() {
    return Optional.ofNullable(format);
  }

  /** @return the PEM directory, if any */
  public Optional<Path> pemDirectory() {
    return Optional.ofNullable(pemDirectory);
  }

  /**
   * Creates the missing directories and makes sure files can be written there: call it before
   * ordering the certificate.
   *
   * @throws OutputException if a directory cannot be created or written to
   */
  public void checkWritable() throws OutputException {
    if (pkcs12File != null) {
      AtomicFiles.checkWritable(pkcs12File.toAbsolutePath().getParent());
    }
    if (pemDirectory != null) {
      AtomicFiles.checkWritable(pemDirectory);
    }
  }

  /**
   * Writes every file of this destination. All are encoded and written to temporary files before
   * the first one replaces its previous version (see {@link AtomicFiles#writeAll}).
   *
   * @param key the private key of the leaf certificate
   * @param chain the leaf certificate first, then its issuing CA(s)
   * @param password the PKCS#12 password; ignored (may be null) without a PKCS#12 file
   * @throws IllegalArgumentException on inputs {@link Pkcs12Writer#encode} or {@link PemFiles#write}
   *     refuse
   * @throws OutputException if a file cannot be written
   */
  public void write(PrivateKey key, List<X509Certificate> chain, char[] password) throws OutputException {
    Map<Path, byte[]> files = new LinkedHashMap<>();
    if (pemDirectory != null) {
      files.putAll(PemFiles.files(pemDirectory, key, chain));
    }
    if (pkcs12File != null) {
      files.put(pkcs12File, Pkcs12Writer.encode(key, chain, password, friendlyName, format));
    }
    checkWritable();
    AtomicFiles.writeAll(files);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    if (pkcs12File != null) {
      text.append(pkcs12File).append(" (PKCS#12 ").append(format).append(", \"").append(friendlyName).append("\")");
    }
    if (pemDirectory != null) {
      text.append(text.length() == 0 ? "" : " and ").append(pemDirectory).append(" (PEM files)");
    }
    return text.toString();
  }
}
