package fr.habilis.ca.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.stream.Stream;

/**
 * The data directory holds the CA keystore, the database (with unused EAB HMAC keys) and generated
 * secrets: it is the owner's alone — the directory and its subdirectories 700, every file 600. A
 * directory found open to others at start-up is refused in production and closed, loudly, in the
 * test environment. On a file system without POSIX permissions nothing is checked.
 */
public final class DataDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private DataDirectory() {}

  /** Creates the directory owner-only, or checks an existing one (see the class comment). */
  public static void secure(Path dir, boolean production) throws IOException {
    if (!posix()) {
      Files.createDirectories(dir);
      return;
    }
    if (!Files.exists(dir)) {
      if (dir.getParent() != null) Files.createDirectories(dir.getParent());
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
      return;
    }
    List<String> open = openToOthers(dir);
    if (open.isEmpty()) return;
    String what = open.size() == 1 ? open.get(0) : open.get(0) + " and " + (open.size() - 1) + " more";
    if (production) {
      throw new ConfigException("the data directory " + dir + " is readable by other users (" + what
          + "): run chmod -R go-rwx " + dir);
    }
    LOG.warn("the data directory {} was readable by other users ({}); made owner-only", dir, what);
    tighten(dir);
  }

  /** Makes every directory below {@code dir} 700 and every file 600 (after files were written). */
  public static void tighten(Path dir) throws IOException {
    if (!posix() || !Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isSymbolicLink(p)) continue;
        Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIR : FILE);
      }
    }
  }

  /** One file owner-only (a file written after start-up, e.g. demo.json with an EAB HMAC key). */
  public static void ownerOnly(Path file) throws IOException {
    if (posix() && Files.exists(file)) Files.setPosixFilePermissions(file, FILE);
  }

  /** Paths below {@code dir} (itself included) with any group or other permission, with their mode. */
  static List<String> openToOthers(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isSymbolicLink(p)) continue;
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        for (PosixFilePermission perm : perms) {
          if (perm.name().startsWith("GROUP") || perm.name().startsWith("OTHERS")) {
            out.add(dir.relativize(p) + " is " + PosixFilePermissions.toString(perms));
            break;
          }
        }
      }
    }
    return out;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
