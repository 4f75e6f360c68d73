package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.operators.ApiTokens;
import fr.habilis.ca.store.TestDatabases;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code habilis-ca-server operator …} in-process (the jar's own command line, {@link Main#commandLine})
 * against a real data directory, then the server started on it: the first operator is made before
 * the first start, and the token the command printed works on the RA API.
 */
class OperatorCommandTest {
  @TempDir Path work;

  record Run(int exit, String out, String err) {}

  private Path config() throws Exception {
    Path data = work.resolve("data");
    Path file = work.resolve("habilis.yaml");
    if (!Files.exists(file)) {
      String dbUrl = TestDatabases.urlForDataDir(data);
      Files.writeString(file, "environment: test\ndataDir: " + data + "\n" + (dbUrl == null ? "" : "dbUrl: \"" + dbUrl + "\"\n"));
    }
    return file;
  }

  private Run run(String... args) throws Exception {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config().toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int exit = cli.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path password(String name, String value) throws Exception {
    Path f = work.resolve(name);
    Files.writeString(f, value + "\n");
    return f;
  }

  @Test
  void operatorsAreManagedFromTheCommandLineAndTheirTokensWorkOnTheServer() throws Exception {
    Run add = run("operator", "add", "--login", "marie", "--name", "Marie Dupont", "--email", "marie@ars.example.test",
        "--role", "officer,approver", "--password-file", password("pw", "un mot de passe assez long").toString());
    assertEquals(0, add.exit(), add.err());
    assertEquals("created marie  Marie Dupont <marie@ars.example.test>  roles officer,approver", add.out().strip());
    assertEquals(0, run("operator", "add", "--login", "paul", "--name", "Paul", "--email", "paul@ars.example.test",
        "--role", "auditor", "--password-file", password("pw2", "un autre mot de passe long").toString()).exit());

    // Refusals: one line, exit 2, nothing else.
    Run dup = run("operator", "add", "--login", "marie", "--name", "M", "--email", "m@x.test", "--role", "officer",
        "--password-file", work.resolve("pw").toString());
    assertEquals(2, dup.exit());
    assertEquals("habilis: error: an operator marie exists already", dup.err().strip());
    Run badRole = run("operator", "add", "--login", "x1", "--name", "X", "--email", "x@x.test", "--role", "admin",
        "--password-file", work.resolve("pw").toString());
    assertEquals(2, badRole.exit());
    assertEquals("habilis: error: --role: unknown role admin (officer, approver, auditor)", badRole.err().strip());
    Run shortPw = run("operator", "add", "--login", "x2", "--name", "X", "--email", "x@x.test", "--role", "officer",
        "--password-file", password("short", "court").toString());
    assertEquals(2, shortPw.exit());
    assertEquals("habilis: error: --password: between 12 and 1024 characters", shortPw.err().strip());
    Run badFields = run("operator", "add", "--login", "Not Valid", "--name", "X", "--email", "nope", "--role", "officer",
        "--password-file", work.resolve("pw").toString());
    assertEquals(2, badFields.exit());
    assertEquals(1, badFields.err().strip().lines().count(), badFields.err());
    assertTrue(badFields.err().contains("--login: ") && badFields.err().contains("--email: not an e-mail address"), badFields.err());
    Run unknown = run("operator", "disable", "nobody");
    assertEquals(2, unknown.exit());
    assertEquals("habilis: error: no operator nobody", unknown.err().strip());

    Run token = run("operator", "token", "create", "marie", "--name", "back-office");
    assertEquals(0, token.exit(), token.err());
    String secret = token.out().strip();
    assertTrue(ApiTokens.looksLikeToken(secret), token.out());
    assertTrue(token.err().contains("shown once"), token.err());
    Run tokens = run("operator", "token", "list", "marie");
    assertTrue(tokens.out().startsWith("back-office  created "), tokens.out());
    assertFalse(tokens.out().contains(secret));
    assertEquals(2, run("operator", "token", "create", "marie", "--name", "back-office").exit());
    Run throwaway = run("operator", "token", "create", "marie", "--name", "to revoke");
    assertEquals(0, run("operator", "token", "revoke", "marie", "--name", "to revoke").exit());
    assertEquals(2, run("operator", "token", "revoke", "marie", "--name", "to revoke").exit());

    assertEquals(0, run("operator", "disable", "paul").exit());
    Run list = run("operator", "list");
    assertEquals("marie  Marie Dupont <marie@ars.example.test>  roles officer,approver\n"
        + "paul  Paul <paul@ars.example.test>  roles auditor  DISABLED", list.out().strip());
    assertEquals(0, run("operator", "enable", "paul").exit());
    assertEquals(0, run("operator", "passwd", "paul", "--password-file", password("pw3", "encore un mot de passe").toString()).exit());
    Run early = run("operator", "totp", "enrol", "paul"); // no keystore before the server's first start
    assertEquals(2, early.exit(), early.out());
    assertTrue(early.err().contains("start the server once"), early.err());
    assertEquals(0, run("operator", "totp", "reset", "paul").exit());

    boolean h2 = TestDatabases.urlForDataDir(work.resolve("data")) == null;
    if (h2) {
      // What the commands wrote: owner-only like the server's own files; the token only as its SHA-256.
      for (Path p : Files.list(work.resolve("data")).toList()) {
        if (Files.isRegularFile(p)) assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
      }
      try (var c = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data").resolve("habilis"));
          ResultSet rs = c.createStatement().executeQuery("SELECT token_hash FROM operator_tokens ORDER BY id")) {
        rs.next();
        assertEquals(ApiTokens.digest(secret), rs.getString(1));
      }
      try (var c = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data").resolve("habilis"));
          ResultSet rs = c.createStatement().executeQuery("SELECT actor, action FROM audit_log WHERE action LIKE 'operator.%'"
              + " ORDER BY seq")) {
        rs.next();
        assertEquals("cli:" + System.getProperty("user.name"), rs.getString(1));
        assertEquals("operator.created", rs.getString(2));
      }
    }

    // The server starts on the data directory the commands made, and the printed token is marie's.
    // (A running server's H2 file is refused to the commands of another process: ServerJarIT.)
    try (TestServer server = TestServer.start(Map.of("dataDir", work.resolve("data").toString()))) {
      HttpResponse<String> read = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl()
          + "/pending-actions")).header("Authorization", "Bearer " + secret).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, read.statusCode(), read.body());
      HttpResponse<String> audit = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl()
          + "/structures")).header("Authorization", "Bearer " + throwaway.out().strip()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().encode())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, audit.statusCode(), "a revoked token");
    }

    // TOTP from the command line: enrol (the URI and secret printed once), a wrong code refused,
    // the app's current code accepted; then the list says so, and reset takes it away.
    Run enrol = run("operator", "totp", "enrol", "paul");
    assertEquals(0, enrol.exit(), enrol.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("secret for manual entry: ([A-Z2-7]+)").matcher(enrol.out());
    assertTrue(m.find() && enrol.out().contains("otpauth://totp/"), enrol.out());
    byte[] totpSecret = org.bouncycastle.util.encoders.Base32.decode(m.group(1) + "=".repeat((8 - m.group(1).length() % 8) % 8));
    String current = fr.habilis.ca.operators.Totp.code(totpSecret, fr.habilis.ca.operators.Totp.step(java.time.Instant.now()),
        fr.habilis.ca.operators.Totp.DIGITS);
    String wrong = String.format("%06d", (Integer.parseInt(current) + 1) % 1_000_000);
    Run refused = run("operator", "totp", "confirm", "paul", "--code", wrong);
    assertEquals(2, refused.exit(), refused.out());
    assertTrue(refused.err().contains("code"), refused.err());
    Run confirmed = run("operator", "totp", "confirm", "paul", "--code", current);
    assertEquals(0, confirmed.exit(), confirmed.err());
    assertTrue(run("operator", "list").out().contains("roles auditor  totp"));
    assertEquals(0, run("operator", "totp", "reset", "paul").exit());
    assertTrue(!run("operator", "list").out().contains("totp"));
  }
}
