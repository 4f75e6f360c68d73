package fr.habilis.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * "{@code store/} alone speaks SQL" (issue 15) as a rule the build enforces: no main class outside
 * {@code fr.habilis.ca.store} prepares or runs a statement, or holds SQL in a string literal.
 * The other packages get a transaction's {@code Connection} from {@link Database#tx} and hand it to
 * a repository. Scans the main sources, so a query written in a hurry elsewhere fails here.
 */
class SqlArchitectureTest {
  private static final Path ROOT = Path.of("src/main/java/fr/habilis/ca");
  /** JDBC calls that run SQL, and the statement types they need. */
  static final Pattern JDBC = Pattern.compile("\\b(prepareStatement|prepareCall|createStatement|executeQuery"
      + "|executeUpdate|executeLargeUpdate|addBatch|getGeneratedKeys)\\s*\\(|\\bjava\\.sql\\.(PreparedStatement"
      + "|CallableStatement|Statement|ResultSet)\\b");
  static final Pattern LITERAL = Pattern.compile("\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"");
  /** SQL as this code base writes it: upper-case keywords (messages and protocol strings do not shout). */
  static final Pattern SQL = Pattern.compile("\\b(SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM|MERGE INTO|FROM \\w+"
      + "|WHERE|ORDER BY|GROUP BY|FOR UPDATE|VALUES|JOIN|LIMIT \\?|SET LAZY_QUERY_EXECUTION)\\b");

  private record Source(String path, String text) {}

  private static List<Source> outsideStore() throws IOException {
    assertTrue(Files.isDirectory(ROOT), "run from the ca-server module: " + ROOT.toAbsolutePath());
    List<Source> all = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String path = ROOT.relativize(p).toString().replace('\\', '/');
        if (!path.startsWith("store/")) all.add(new Source(path, withoutComments(Files.readString(p))));
      }
    }
    assertTrue(all.size() > 50, "found the sources");
    return all;
  }

  /** Comments may name a table or a statement (documentation); only code counts. */
  private static String withoutComments(String s) {
    return s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//[^\\n]*", "");
  }

  static boolean holdsSql(String code) {
    Matcher m = LITERAL.matcher(code);
    while (m.find()) {
      if (SQL.matcher(m.group()).find()) return true;
    }
    return false;
  }

  @Test
  void onlyStoreRunsStatements() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Source s : outsideStore()) {
      Matcher m = JDBC.matcher(s.text());
      if (m.find() || s.text().matches("(?s).*import java\\.sql\\.(PreparedStatement|Statement|ResultSet);.*")) {
        offenders.add(s.path());
      }
    }
    assertEquals(List.of(), offenders, "JDBC statements belong in a store/ repository (through Sql)");
  }

  @Test
  void onlyStoreHoldsSql() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Source s : outsideStore()) {
      if (holdsSql(s.text())) offenders.add(s.path());
    }
    assertEquals(List.of(), offenders, "SQL text belongs in a store/ repository");
  }

  @Test
  void theRulesCatchAViolation() {
    // The scanners themselves must see what they are meant to forbid, and pass what they must not.
    assertTrue(JDBC.matcher("try (PreparedStatement ps = c.prepareStatement(sql)) {").find());
    assertTrue(JDBC.matcher("s.executeQuery(\"SELECT 1\").close();").find());
    assertTrue(JDBC.matcher("try (java.sql.Statement s = c.createStatement()) {").find());
    assertFalse(JDBC.matcher("int code = cli.execute(args);").find());
    assertTrue(holdsSql("q(c, \"SELECT seq, hash FROM audit_head WHERE id = 1\");"));
    assertTrue(holdsSql("String s = \"UPDATE outbox SET claimed_by = NULL,\"\n + \" claim_expires_at = NULL\";"));
    assertTrue(holdsSql("String s = \"\"\"\n  DELETE FROM acme_used_nonces\n  \"\"\";"));
    assertTrue(holdsSql("ps(\" AND status <> 'invalid' ORDER BY id DESC LIMIT ?\")"));
    assertFalse(holdsSql("throw DomainError.notFound(\"no certificate with serial \" + serial);"));
    assertFalse(holdsSql("LOG.info(\"select the profile from the order\");"));
    assertFalse(holdsSql("String a = \"\\\"quoted\\\" FROM\"; // a lone keyword is not a statement"));
  }
}
