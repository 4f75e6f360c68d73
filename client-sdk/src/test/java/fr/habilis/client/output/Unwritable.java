package fr.habilis.client.output;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a directory refuse new files, for real, whoever runs the tests: mode 500 is enough for a
 * normal user, but root ignores permissions, so when a probe shows that files can still be created
 * the directory is also made immutable ({@code chattr +i}, which binds root too). If neither works the
 * test fails with an explanation rather than passing without proving anything.
 */
final class Unwritable implements AutoCloseable {

  private final Path dir;
  private final boolean immutable;

  private Unwritable(Path dir, boolean immutable) {
    this.dir = dir;
    this.immutable = immutable;
  }

  static Unwritable make(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    if (!canCreateFileIn(dir)) {
      return new Unwritable(dir, false);
    }
    SystemCommand.run("chattr", "+i", dir.toString());
    Unwritable unwritable = new Unwritable(dir, true);
    if (canCreateFileIn(dir)) {
      unwritable.close();
      fail("cannot make " + dir + " unwritable: permissions do not bind this user (root?) and chattr +i "
          + "had no effect; run the tests as a normal user or with CAP_LINUX_IMMUTABLE");
    }
    return unwritable;
  }

  /** How the directory was made unwritable, for assertion messages. */
  String how() {
    return immutable ? "mode 500 + chattr +i" : "mode 500";
  }

  private static boolean canCreateFileIn(Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    if (immutable) {
      SystemCommand.run("chattr", "-i", dir.toString());
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /** Runs a system command, ignoring its outcome (the caller probes the effect). */
  private static final class SystemCommand {
    static void run(String... command) {
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        process.waitFor();
      } catch (IOException e) {
        // command missing: the probe that follows tells
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
