package fr.habilis.client.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Owner-only files replaced atomically: a reader (a server reloading its certificate, a backup) sees
 * either the previous file or the complete new one, never a truncated one, and a failure leaves the
 * previous file untouched.
 */
public final class AtomicFiles {

  // Names of temporary files: hidden (leading dot) so that globs such as *.pem skip them, and
  // carrying the target's name so that a leftover after a power cut says what it was.
  private static final String TEMP_SUFFIX = ".tmp";
  private static final int MAX_NAME_IN_TEMP = 100;

  private AtomicFiles() {
  }

  /**
   * Replaces {@code target} with {@code content}. The file is created readable and writable by its
   * owner only (on POSIX file systems), in a temporary file of the same directory which is synced
   * and then renamed over the target. A symbolic link at {@code target} is replaced by a regular
   * file rather than followed. The directory must exist (see {@link #checkWritable(Path)}).
   *
   * @param target the file to create or replace
   * @param content the complete new content
   * @throws OutputException if the file cannot be written; the previous file, if any, is unchanged
   *     and the temporary file is removed
   */
  public static void write(Path target, byte[] content) throws OutputException {
    writeAll(Collections.singletonMap(target, content));
  }

  /**
   * Replaces several files, each as {@link #write(Path, byte[])} does. All contents are first written
   * and synced to temporary files, then renamed into place one after the other: a failure while
   * writing (a full disk, a permission) leaves every previous file untouched, and the window in which
   * a reader sees a mix of old and new files is only that of a few renames.
   *
   * @param contents the files to create or replace and their complete new contents, renamed in the
   *     map's iteration order
   * @throws OutputException if a file cannot be written; the message says which files were already
   *     replaced, if any, and no temporary file is left behind
   */
  public static void writeAll(Map<Path, byte[]> contents) throws OutputException {
    Map<Path, Path> temps = new LinkedHashMap<>(); // target -> temporary file
    try {
      for (Map.Entry<Path, byte[]> entry : contents.entrySet()) {
        Path file = checkedFile(entry.getKey());
        byte[] content = Objects.requireNonNull(entry.getValue(), "content");
        Path temp;
        try {
          temp = createOwnerOnly(file.getParent(), file.getFileName().toString());
        } catch (IOException e) {
          throw failure(file, e, temps, Collections.<Path>emptyList());
        }
        temps.put(file, temp);
        try {
          writeAndSync(temp, content);
        } catch (IOException e) {
          throw failure(file, e, temps, Collections.<Path>emptyList());
        }
      }
      List<Path> replaced = new ArrayList<>();
      for (Map.Entry<Path, Path> entry : new ArrayList<>(temps.entrySet())) {
        try {
          moveIntoPlace(entry.getValue(), entry.getKey());
        } catch (IOException e) {
          throw failure(entry.getKey(), e, temps, replaced);
        }
        temps.remove(entry.getKey());
        replaced.add(entry.getKey());
      }
    } catch (RuntimeException | Error e) {
      removeTemps(temps);
      throw e;
    }
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path file : contents.keySet()) {
      dirs.add(file.toAbsolutePath().getParent());
    }
    for (Path dir : dirs) {
      syncDirectory(dir);
    }
  }

  private static Path checkedFile(Path target) throws OutputException {
    Path file = target.toAbsolutePath();
    if (file.getParent() == null || file.getFileName() == null) {
      throw new OutputException("cannot write " + file + ": it is not a file path");
    }
    return file;
  }

  /** Removes the temporary files still there and describes the failure for the user. */
  private static OutputException failure(Path file, IOException cause, Map<Path, Path> temps, List<Path> replaced) {
    StringBuilder message = new StringBuilder("cannot write ").append(file).append(": ")
        .append(explain(cause, file.getParent(), file));
    if (!replaced.isEmpty()) {
      message.append(" (already replaced: ");
      for (int i = 0; i < replaced.size(); i++) {
        message.append(i == 0 ? "" : ", ").append(replaced.get(i));
      }
      message.append(')');
    }
    message.append(removeTemps(temps));
    return new OutputException(message.toString(), cause);
  }

  /**
   * Makes sure that files can be created in {@code directory}, creating it (owner-only on POSIX file
   * systems) if it is missing. Meant to be called before a certificate is ordered, so that a bad
   * output directory fails before anything is issued.
   *
   * @param directory the directory that will receive the files
   * @throws OutputException if the directory cannot be created or is not writable
   */
  public static void checkWritable(Path directory) throws OutputException {
    Path dir = directory.toAbsolutePath();
    String failure = "cannot use " + dir + " as output directory: ";
    if (!Files.isDirectory(dir) && Files.exists(dir)) {
      throw new OutputException(failure + dir + " is not a directory");
    }
    try {
      if (!Files.isDirectory(dir)) {
        if (isPosix(dir)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
      // Permission bits alone do not tell (root, ACLs, read-only mounts, immutable
      // directories): actually create a file.
      Files.delete(createOwnerOnly(dir, "habilis-probe"));
    } catch (IOException e) {
      throw new OutputException(failure + explain(e, dir, null), e);
    }
  }

  private static Path createOwnerOnly(Path dir, String name) throws IOException {
    String prefix = "." + (name.length() > MAX_NAME_IN_TEMP ? name.substring(0, MAX_NAME_IN_TEMP) : name) + ".";
    if (isPosix(dir)) {
      // The permissions are given at creation: the key is never readable by others, not even
      // between creation and a later chmod.
      return Files.createTempFile(dir, prefix, TEMP_SUFFIX,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    // Elsewhere (Windows) the file inherits the directory's ACL, which is the platform's way.
    return Files.createTempFile(dir, prefix, TEMP_SUFFIX);
  }

  private static void writeAndSync(Path temp, byte[] content) throws IOException {
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      // Content on disk before the rename: otherwise a crash soon after it can leave the new
      // name pointing at an empty or partial file (delayed allocation).
      channel.force(true);
    }
  }

  private static void moveIntoPlace(Path temp, Path file) throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Only on file systems without an atomic rename; still never a partially written file,
      // but the target is briefly absent.
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename itself durable. Best effort: the file is already complete and in place,
    // and some platforms (Windows) cannot open a directory.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // nothing more to do
    }
  }

  /** Deletes the temporary files; returns a note for the user on those that could not be. */
  private static String removeTemps(Map<Path, Path> temps) {
    StringBuilder left = new StringBuilder();
    for (Path temp : temps.values()) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        left.append(left.length() == 0 ? "" : ", ").append(temp);
      }
    }
    temps.clear();
    return left.length() == 0 ? "" : " (temporary files that could not be removed: " + left + ")";
  }

  private static boolean isPosix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * The cause of a failure in plain words. The structural checks come first: they do not depend on
   * the system's wording of error messages.
   */
  static String explain(IOException e, Path dir, Path target) {
    if (target != null && Files.isDirectory(target)) {
      return target + " is a directory";
    }
    if (!Files.isDirectory(dir)) {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || Files.isDirectory(existing)) {
        return "directory " + dir + " does not exist";
      }
      return existing + " is not a directory";
    }
    if (e instanceof AccessDeniedException) {
      return "directory " + dir + " is not writable (permission denied)";
    }
    // A failed write(2) comes as a plain IOException whose message is the system's reason.
    String reason = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : e.getMessage();
    if (reason == null) {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    switch (reason) {
      case "Operation not permitted":
        return "directory " + dir + " is not writable (operation not permitted)";
      case "Read-only file system":
        return "directory " + dir + " is on a read-only file system";
      case "No space left on device":
        return "no space left on the device holding " + dir;
      case "Disk quota exceeded":
        return "disk quota exceeded for " + dir;
      default:
        return reason;
    }
  }
}
