package fr.habilis.ca.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 item 9: the data directory (keystore, database with EAB keys, secrets) is its owner's alone. */
class DataDirectoryTest {
  @TempDir Path tmp;

  @Test
  void aFreshServerLeavesEveryDirectory700AndEveryFile600() throws Exception {
    Path dir = tmp.resolve("fresh");
    try (TestServer server = TestServer.start(Map.of("dataDir", dir.toString()))) {
      assertTrue(Files.exists(dir.resolve("ca-keystore.p12"))
          && (TestDatabases.postgres() || Files.exists(dir.resolve("habilis.mv.db"))));
      List<String> open = DataDirectory.openToOthers(dir);
      assertEquals(List.of(), open, "nothing readable by other users");
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      try (Stream<Path> all = Files.walk(dir)) {
        assertTrue(all.filter(Files::isRegularFile).count() >= 5);
      }
    } finally {
      TestServer.deleteRecursively(dir);
    }
  }

  @Test
  void anOpenDirectoryIsClosedWithAWarningInTheTestEnvironment() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = Files.writeString(dir.resolve("ca-keystore.p12"), "x");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    DataDirectory.secure(dir, false);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
  }

  @Test
  void anOpenDirectoryRefusesAProductionStartAndSaysHowToFixIt() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("prod"));
    Path secret = Files.writeString(dir.resolve("ca-keystore.p12"), "x");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
    ConfigException e = assertThrows(ConfigException.class, () -> DataDirectory.secure(dir, true));
    assertTrue(e.getMessage().contains("ca-keystore.p12 is rw-r-----") && e.getMessage().contains("chmod -R go-rwx"),
        e.getMessage());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)), "nothing changed");
  }
}
