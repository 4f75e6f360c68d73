package fr.habilis.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A restart skips Flyway only when the history ends, successfully, at the build's latest
 * migration (issue 18: start-up); the constant follows the migration files.
 */
class MigrationsTest {
  @Test
  void theLatestMigrationConstantIsTheHighestMigrationFile() throws Exception {
    Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
    int highest;
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      highest = files.map(p -> name.matcher(p.getFileName().toString())).filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
    }
    assertEquals(highest, Database.LATEST_MIGRATION, "raise Database.LATEST_MIGRATION with a new migration");
  }

  @Test
  void flywayIsSkippedOnlyWhenTheHistoryEndsAtTheLatestMigration() throws Exception {
    Assumptions.assumeFalse(TestDatabases.postgres(), "an H2 file of its own");
    Path dir = Files.createTempDirectory("habilis-migrations");
    try {
      String url = "jdbc:h2:file:" + dir.resolve("habilis").toString().replace('\\', '/') + ";DB_CLOSE_ON_EXIT=FALSE";
      try (Database db = Database.open(null, url, null, null, 2)) {
        assertTrue(Database.schemaIsCurrent(db.dataSource()), "migrated: current");
        db.txBlocking(c -> {
          try (Statement s = c.createStatement()) {
            s.execute("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '1'");
          }
          return null;
        });
        assertFalse(Database.schemaIsCurrent(db.dataSource()), "a failed migration in the history: Flyway decides");
        db.txBlocking(c -> {
          try (Statement s = c.createStatement()) {
            s.execute("UPDATE \"flyway_schema_history\" SET \"success\" = TRUE WHERE \"version\" = '1'");
            s.execute("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '" + Database.LATEST_MIGRATION + "'");
          }
          return null;
        });
        assertFalse(Database.schemaIsCurrent(db.dataSource()), "one migration behind: Flyway migrates");
      }
    } finally {
      TestServer.deleteRecursively(dir);
    }
  }
}
