package fr.habilis.client.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  private static final byte[] OLD = "old content\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEW = "new content, longer than the old one\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  @Test
  void newFileHasExactContentAndOwnerOnlyPermissions() throws IOException {
    Path target = dir.resolve("keystore.p12");

    AtomicFiles.write(target, NEW);

    assertArrayEquals(NEW, Files.readAllBytes(target));
    assertEquals("rw-------", permissions(target));
    assertEquals(List.of("keystore.p12"), names(dir));
  }

  @Test
  void overwriteReplacesContentAndMakesAWorldReadableFileOwnerOnly() throws IOException {
    Path target = dir.resolve("cert.pem");
    Files.write(target, OLD);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));

    AtomicFiles.write(target, NEW);

    assertArrayEquals(NEW, Files.readAllBytes(target));
    assertEquals("rw-------", permissions(target));
    assertEquals(List.of("cert.pem"), names(dir));
  }

  @Test
  void overwriteInUnwritableDirectoryFailsReadablyAndKeepsOldFileByteIdentical() throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));
    Path target = out.resolve("keystore.p12");
    Files.write(target, OLD);

    OutputException error;
    String how;
    try (Unwritable unwritable = Unwritable.make(out)) {
      how = unwritable.how();
      error = assertThrows(OutputException.class, () -> AtomicFiles.write(target, NEW));
    }

    String expected = "cannot write " + target + ": directory " + out + " is not writable";
    assertTrue(error.getMessage().startsWith(expected), how + ": " + error.getMessage());
    assertArrayEquals(OLD, Files.readAllBytes(target));
    assertEquals(List.of("keystore.p12"), names(out));
  }

  @Test
  void failedRenameRemovesTheWrittenTemporaryFileAndKeepsTheTarget() throws IOException {
    // The rename is the last step: the temporary file exists and is complete when it fails. A
    // non-empty directory at the target makes rename(2) fail for any user, root included.
    Path target = dir.resolve("privkey.pem");
    Files.write(Files.createDirectories(target).resolve("kept"), OLD);

    OutputException error = assertThrows(OutputException.class, () -> AtomicFiles.write(target, NEW));

    assertEquals("cannot write " + target + ": " + target + " is a directory", error.getMessage());
    assertEquals(List.of("privkey.pem"), names(dir));
    assertArrayEquals(OLD, Files.readAllBytes(target.resolve("kept")));
  }

  @Test
  void writeAllFailingBeforeTheRenamesLeavesEveryOldFileUntouched() throws IOException {
    Path first = dir.resolve("privkey.pem");
    Files.write(first, OLD);
    Files.write(dir.resolve("not-a-dir"), OLD);
    Path second = dir.resolve("not-a-dir").resolve("cert.pem");
    Map<Path, byte[]> files = new LinkedHashMap<>();
    files.put(first, NEW);
    files.put(second, NEW);

    OutputException error = assertThrows(OutputException.class, () -> AtomicFiles.writeAll(files));

    assertEquals("cannot write " + second + ": " + dir.resolve("not-a-dir") + " is not a directory",
        error.getMessage());
    assertArrayEquals(OLD, Files.readAllBytes(first));
    assertEquals(List.of("not-a-dir", "privkey.pem"), names(dir));
  }

  @Test
  void writeAllFailingDuringTheRenamesSaysWhichFilesWereReplaced() throws IOException {
    Path first = dir.resolve("privkey.pem");
    Path second = dir.resolve("fullchain.pem");
    Files.write(first, OLD);
    Files.createDirectories(second.resolve("blocker"));
    Map<Path, byte[]> files = new LinkedHashMap<>();
    files.put(first, NEW);
    files.put(second, NEW);

    OutputException error = assertThrows(OutputException.class, () -> AtomicFiles.writeAll(files));

    assertEquals("cannot write " + second + ": " + second + " is a directory (already replaced: " + first + ")",
        error.getMessage());
    assertArrayEquals(NEW, Files.readAllBytes(first));
    assertEquals(List.of("fullchain.pem", "privkey.pem"), names(dir));
  }

  @Test
  void writeIntoMissingDirectorySaysSo() {
    Path target = dir.resolve("missing").resolve("keystore.p12");

    OutputException error = assertThrows(OutputException.class, () -> AtomicFiles.write(target, NEW));

    assertEquals("cannot write " + target + ": directory " + target.getParent() + " does not exist",
        error.getMessage());
  }

  @Test
  void checkWritableCreatesMissingDirectoriesOwnerOnlyAndLeavesNoProbe() throws IOException {
    Path out = dir.resolve("a").resolve("b");

    AtomicFiles.checkWritable(out);

    assertEquals("rwx------", permissions(out));
    assertEquals("rwx------", permissions(dir.resolve("a")));
    assertEquals(List.of(), names(out));
  }

  @Test
  void checkWritableAcceptsAnExistingWritableDirectory() throws IOException {
    AtomicFiles.checkWritable(dir);

    assertEquals(List.of(), names(dir));
  }

  @Test
  void checkWritableRefusesAPathBelowARegularFile() throws IOException {
    Path file = Files.write(dir.resolve("certs"), OLD);
    Path out = file.resolve("out");

    OutputException error = assertThrows(OutputException.class, () -> AtomicFiles.checkWritable(out));

    assertEquals("cannot use " + out + " as output directory: " + file + " is not a directory", error.getMessage());
  }

  @Test
  void checkWritableRefusesARegularFile() throws IOException {
    Path file = Files.write(dir.resolve("certs"), OLD);

    OutputException error = assertThrows(OutputException.class, () -> AtomicFiles.checkWritable(file));

    assertEquals("cannot use " + file + " as output directory: " + file + " is not a directory", error.getMessage());
  }

  @Test
  void checkWritableRefusesAnUnwritableDirectory() throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));

    OutputException error;
    String how;
    try (Unwritable unwritable = Unwritable.make(out)) {
      how = unwritable.how();
      error = assertThrows(OutputException.class, () -> AtomicFiles.checkWritable(out));
    }

    String expected = "cannot use " + out + " as output directory: directory " + out + " is not writable";
    assertTrue(error.getMessage().startsWith(expected), how + ": " + error.getMessage());
    assertEquals(List.of(), names(out));
  }

  static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  /** Every name in the directory, hidden temporary files included, sorted. */
  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
