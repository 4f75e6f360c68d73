package fr.habilis.client.renewal;

import fr.habilis.client.output.OutputFiles;
import fr.habilis.client.output.Pkcs12Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a managed certificate is written at each issuance: a PKCS#12 file (protected by a password
 * read from a file or an environment variable at each renewal, never stored) and/or a directory of
 * PEM files ({@code cert.pem}, {@code chain.pem}, {@code fullchain.pem}, {@code privkey.pem}).
 */
public final class Outputs {
  private final Path p12;
  private final Pkcs12Format p12Format;
  private final String friendlyName;
  private final Path passwordFile;
  private final String passwordEnv;
  private final Path pemDir;

  private Outputs(Path p12, Pkcs12Format p12Format, String friendlyName, Path passwordFile, String passwordEnv, Path pemDir) {
    if (p12 == null && pemDir == null) throw new IllegalArgumentException("choose an output: a PKCS#12 file and/or a PEM directory");
    if (p12 != null && passwordFile == null && passwordEnv == null) {
      throw new IllegalArgumentException("a PKCS#12 output needs a password file or a password environment variable");
    }
    this.p12 = p12 == null ? null : p12.toAbsolutePath().normalize();
    this.p12Format = p12Format == null ? Pkcs12Format.MODERN : p12Format;
    this.friendlyName = friendlyName;
    this.passwordFile = passwordFile == null ? null : passwordFile.toAbsolutePath().normalize();
    this.passwordEnv = passwordEnv;
    this.pemDir = pemDir == null ? null : pemDir.toAbsolutePath().normalize();
  }

  /** A PKCS#12 file whose password is the first line of {@code passwordFile}. */
  public static Outputs pkcs12(Path file, Path passwordFile, Pkcs12Format format, String friendlyName) {
    return new Outputs(file, format, friendlyName, passwordFile, null, null);
  }

  /** A PKCS#12 file whose password is in the environment variable {@code variable} of each run. */
  public static Outputs pkcs12FromEnv(Path file, String variable, Pkcs12Format format, String friendlyName) {
    return new Outputs(file, format, friendlyName, null, variable, null);
  }

  /** PEM files in {@code directory}. */
  public static Outputs pem(Path directory) {
    return new Outputs(null, null, null, null, null, directory);
  }

  /** These outputs plus PEM files in {@code directory}. */
  public Outputs andPem(Path directory) {
    return new Outputs(p12, p12Format, friendlyName, passwordFile, passwordEnv, directory);
  }

  public Optional<Path> p12() {
    return Optional.ofNullable(p12);
  }

  public Pkcs12Format p12Format() {
    return p12Format;
  }

  public Optional<String> friendlyName() {
    return Optional.ofNullable(friendlyName);
  }

  public Optional<Path> passwordFile() {
    return Optional.ofNullable(passwordFile);
  }

  public Optional<String> passwordEnv() {
    return Optional.ofNullable(passwordEnv);
  }

  public Optional<Path> pemDir() {
    return Optional.ofNullable(pemDir);
  }

  /** The files to write; {@code defaultFriendlyName} when none was chosen. */
  OutputFiles files(String defaultFriendlyName) {
    OutputFiles f = p12 != null ? OutputFiles.pkcs12(p12, friendlyName != null ? friendlyName : defaultFriendlyName, p12Format) : null;
    if (pemDir != null) f = f == null ? OutputFiles.pem(pemDir) : f.withPem(pemDir);
    return f;
  }

  /** Reads the PKCS#12 password now (a renewal reads it again: the file may have been rotated). */
  public char[] readPassword() throws IOException {
    String pw;
    if (passwordFile != null) {
      if (!Files.isReadable(passwordFile)) throw new IOException("cannot read the password file " + passwordFile);
      String content = new String(Files.readAllBytes(passwordFile), StandardCharsets.UTF_8);
      int nl = content.indexOf('\n');
      pw = (nl < 0 ? content : content.substring(0, nl)).replace("\r", "");
    } else {
      pw = System.getenv(passwordEnv);
      if (pw == null) throw new IOException("the environment variable " + passwordEnv + " holding the PKCS#12 password is not set");
    }
    if (pw.isEmpty()) throw new IOException("the PKCS#12 password is empty: the platform never delivers an unprotected file");
    return pw.toCharArray();
  }
}
