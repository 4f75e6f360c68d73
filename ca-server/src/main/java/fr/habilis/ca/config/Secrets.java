package fr.habilis.ca.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets that the embedded default generates on first start (RA bearer token, keystore
 * password) and keeps in owner-only files of the data directory; a configured value always wins.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** The configured value, else the content of {@code file}, else a new 256-bit secret written there. */
  public static String configuredOrGenerated(HabilisConfig config, Setting setting, Path file) {
    if (config.isSet(setting)) return config.get(setting);
    try {
      if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).trim();
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the data directory's ACL applies.
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return secret;
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      return configuredOrGenerated(config, setting, file);
    } catch (IOException e) {
      throw new ConfigException("cannot read or create " + file + ": " + e.getMessage());
    }
  }
}
