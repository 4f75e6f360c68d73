package fr.habilis.ca.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.operators.Totp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's guards over real HTTPS, no browser: sessions, CSRF, roles, four-eyes, lockout,
 * headers on every answer, and no secret in any page but the one-time EAB display.
 */
class ConsoleSecurityTest {
  static final List<String> PAGES = List.of("/console/", "/console/habilitations", "/console/habilitations?status=ACTIVE",
      "/console/habilitations/new", "/console/structures", "/console/structures/new", "/console/certificates", "/console/admins", "/console/incidents",
      "/console/habilitations/HAB-1", "/console/structures/318751275100020", "/console/certificates/01");
  static final List<String> ACTIONS = List.of("/console/habilitations", "/console/structures", "/console/habilitations/HAB-1/approve",
      "/console/habilitations/HAB-1/reject", "/console/certificates/01/revoke", "/console/admins/0123456789/replace",
      "/console/habilitations/HAB-1/admins/0123456789/remove", "/console/habilitations/HAB-1/revoke", "/console/incidents",
      "/console/actions/1/approve", "/console/actions/1/reject", "/console/signout");
  private static TestServer server;
  private static String structure;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ConsoleFixture.operator(server, "olivia", Role.OFFICER);
    ConsoleFixture.operator(server, "paul", Role.APPROVER);
    ConsoleFixture.operator(server, "alice", Role.AUDITOR);
    ConsoleFixture.operator(server, "bea", Role.OFFICER, Role.APPROVER);
    ConsoleFixture.operator(server, "lucas", Role.OFFICER);
    ConsoleFixture.operator(server, "leon", Role.OFFICER);
    ConsoleFixture.operator(server, "tara", Role.OFFICER);
    structure = ConsoleFixture.structure(server, "18751275100020", "CENTRE HOSPITALIER DE LA CONSOLE");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void everyPageRedirectsToSignInWithoutSession() throws Exception {
    ConsoleClient anonymous = new ConsoleClient(server);
    for (String page : PAGES) {
      HttpResponse<String> r = anonymous.get(page);
      assertEquals(303, r.statusCode(), page);
      assertEquals("/console/signin", r.headers().firstValue("Location").orElse(null), page);
    }
  }

  @Test
  void everyActionIsRefusedWithoutSession() throws Exception {
    ConsoleClient anonymous = new ConsoleClient(server);
    anonymous.csrf = "forged";
    for (String action : ACTIONS) assertEquals(403, anonymous.action(action, Map.of("reason", "x")).statusCode(), action);
  }

  @Test
  void everyActionNeedsTheSessionsCsrfToken() throws Exception {
    ConsoleClient officer = new ConsoleClient(server).signIn("olivia", ConsoleFixture.PASSWORD);
    for (String action : ACTIONS) {
      HttpResponse<String> missing = officer.post(action, Map.of("reason", "x"));
      assertEquals(403, missing.statusCode(), action + " without token");
      assertTrue(missing.body().contains("CSRF"), missing.body());
      assertEquals(403, officer.post(action, Map.of("reason", "x", "csrf", officer.csrf + "x")).statusCode(), action);
    }
    // Another session's token is no better.
    ConsoleClient other = new ConsoleClient(server).signIn("lucas", ConsoleFixture.PASSWORD);
    assertNotEquals(officer.csrf, other.csrf);
    assertEquals(403, officer.post("/console/habilitations", Map.of("csrf", other.csrf)).statusCode());
    // The session is still good after all this: the guard refused, nothing else happened.
    assertEquals(200, officer.get("/console/habilitations").statusCode());
  }

  @Test
  void eachRoleIsRefusedTheOthersActionsServerSide() throws Exception {
    String reference = recordForm(new ConsoleClient(server).signIn("olivia", ConsoleFixture.PASSWORD), "0123456001");
    ConsoleClient auditor = new ConsoleClient(server).signIn("alice", ConsoleFixture.PASSWORD);
    String page = auditor.get("/console/habilitations/" + reference).body();
    assertFalse(page.contains("id=\"approve\""), "no approve button for an auditor");
    assertFalse(auditor.get("/console/habilitations").body().contains("id=\"record-new\""));
    assertEquals(403, auditor.get("/console/habilitations/new").statusCode());
    assertEquals(403, auditor.action("/console/habilitations", form("0123456002")).statusCode());
    assertFalse(auditor.get("/console/structures").body().contains("id=\"record-structure\""));
    assertEquals(403, auditor.get("/console/structures/new").statusCode());
    assertEquals(403, auditor.action("/console/structures", Map.of("idType", "SIRET", "idValue", "18751275100038",
        "name", "AUDITEUR", "department", "75", "environment", "test")).statusCode());
    assertEquals(403, auditor.action("/console/habilitations/" + reference + "/approve", Map.of()).statusCode());
    assertEquals(403, auditor.action("/console/habilitations/" + reference + "/reject", Map.of("reason", "no")).statusCode());
    assertEquals(403, auditor.action("/console/certificates/01/revoke", Map.of("reason", "loss")).statusCode());
    assertEquals(403, auditor.action("/console/admins/0123456001/replace", Map.of("newCardNumber", "0123456999",
        "cardType", "CPA")).statusCode());
    assertEquals(403, auditor.action("/console/incidents", Map.of("scope", "structure", "value", structure,
        "reason", "test")).statusCode());
    assertEquals(403, auditor.action("/console/habilitations/" + reference + "/revoke", Map.of("reason", "x")).statusCode());
    ConsoleClient officer = new ConsoleClient(server).signIn("lucas", ConsoleFixture.PASSWORD);
    assertEquals(403, officer.action("/console/habilitations/" + reference + "/approve", Map.of()).statusCode());
    assertEquals(403, officer.action("/console/actions/1/approve", Map.of()).statusCode());
    // Other spellings of the same route are the same route, with the same guard.
    for (String path : List.of("/console/habilitations/" + reference + "/approve/", "/console//habilitations/" + reference
        + "/approve", "/console/habilitations/" + reference + "/./approve", "/console/habilitations/" + reference
        + "/x/../approve", "/console/habilitations/" + reference + "/%61pprove")) {
      int status = officer.action(path, Map.of()).statusCode();
      assertTrue(status == 403 || status == 404, path + " answered " + status);
    }
    assertEquals(403, auditor.action("/console/habilitations/", form("0123456004")).statusCode());
    ConsoleClient approver = new ConsoleClient(server).signIn("paul", ConsoleFixture.PASSWORD);
    assertEquals(403, approver.action("/console/habilitations", form("0123456003")).statusCode());
    assertEquals(403, approver.action("/console/certificates/01/revoke", Map.of("reason", "loss")).statusCode());
    // Still RECEIVED: none of the refused actions changed anything.
    assertTrue(approver.get("/console/habilitations/" + reference).body().contains("id=\"approve\""));
  }

  @Test
  void signInIsRenewedAndSignOutEndsTheSession() throws Exception {
    ConsoleClient c = new ConsoleClient(server);
    c.get("/console/signin");
    c.cookies.put(ConsoleApi.SESSION_COOKIE, "planted-by-an-attacker");
    c.signIn("olivia", ConsoleFixture.PASSWORD);
    String first = c.cookies.get(ConsoleApi.SESSION_COOKIE);
    assertNotEquals("planted-by-an-attacker", first);
    c.signIn("olivia", ConsoleFixture.PASSWORD);
    String second = c.cookies.get(ConsoleApi.SESSION_COOKIE);
    assertNotEquals(first, second, "a new session identifier at every sign-in");
    ConsoleClient stale = new ConsoleClient(server);
    stale.cookies.put(ConsoleApi.SESSION_COOKIE, first);
    assertEquals(303, stale.get("/console/habilitations").statusCode(), "the previous session ended");
    HttpResponse<String> out = c.action("/console/signout", Map.of());
    assertEquals(303, out.statusCode());
    ConsoleClient after = new ConsoleClient(server);
    after.cookies.put(ConsoleApi.SESSION_COOKIE, second);
    assertEquals(303, after.get("/console/habilitations").statusCode(), "signed out");
  }

  @Test
  void sessionCookieIsSecureHttpOnlyStrictAndScopedToTheConsole() throws Exception {
    ConsoleClient c = new ConsoleClient(server);
    HttpResponse<String> r = c.trySignIn("olivia", ConsoleFixture.PASSWORD);
    String set = r.headers().allValues("Set-Cookie").stream().filter(s -> s.startsWith(ConsoleApi.SESSION_COOKIE + "="))
        .findFirst().orElseThrow();
    for (String attribute : List.of("Path=/console", "Secure", "HTTPOnly", "SameSite=Strict")) {
      assertTrue(set.toLowerCase().contains(attribute.toLowerCase()), set + " lacks " + attribute);
    }
  }

  @Test
  void refusalsDoNotSayWhichOfLoginAndPasswordWasWrongAndLockoutLocks() throws Exception {
    ConsoleClient c = new ConsoleClient(server);
    String unknown = c.trySignIn("nobody", "whatever password").body();
    String wrong = c.trySignIn("leon", "not the password at all").body();
    assertEquals(message(unknown), message(wrong));
    for (int i = 0; i < 4; i++) c.trySignIn("leon", "not the password at all");
    // Fifth failure in a row: locked; the right password is now refused, with a message that says so.
    HttpResponse<String> locked = c.trySignIn("leon", ConsoleFixture.PASSWORD);
    assertEquals(401, locked.statusCode());
    assertNotEquals(message(wrong), message(locked.body()));
    assertTrue(locked.body().contains("verrouill"), locked.body());
    assertFalse(c.cookies.containsKey(ConsoleApi.SESSION_COOKIE));
  }

  @Test
  void theRecorderCannotApproveTheirOwnRequest() throws Exception {
    ConsoleClient both = new ConsoleClient(server).signIn("bea", ConsoleFixture.PASSWORD);
    String reference = recordForm(both, "0123456010");
    HttpResponse<String> page = both.get("/console/habilitations/" + reference);
    assertTrue(page.body().contains("id=\"four-eyes\""), "the page says why there is no approve button");
    assertFalse(page.body().contains("id=\"approve\""));
    HttpResponse<String> r = both.action("/console/habilitations/" + reference + "/approve", Map.of());
    assertEquals(403, r.statusCode(), r.body());
    HttpResponse<String> approved = new ConsoleClient(server).signIn("paul", ConsoleFixture.PASSWORD)
        .action("/console/habilitations/" + reference + "/approve", Map.of());
    assertEquals(200, approved.statusCode(), approved.body());
  }

  @Test
  void anEnrolledOperatorGivesTheOneTimeCodeInASecondStep() throws Exception {
    Operators operators = Operators.of(server.context());
    var enrolment = operators.enrolTotp("tara", "test").toCompletionStage().toCompletableFuture().get();
    byte[] secret = base32(enrolment.secret());
    long now = Totp.step(java.time.Instant.now());
    operators.confirmTotp("tara", Totp.code(secret, now - 1, Totp.DIGITS), "test").toCompletionStage().toCompletableFuture().get();

    ConsoleClient c = new ConsoleClient(server);
    HttpResponse<String> first = c.trySignIn("tara", ConsoleFixture.PASSWORD);
    assertEquals(303, first.statusCode(), first.body());
    assertEquals("/console/signin/code", first.headers().firstValue("Location").orElse(null));
    // Half signed in is not signed in.
    assertEquals(303, c.get("/console/habilitations").statusCode());
    HttpResponse<String> step = c.get("/console/signin/code");
    assertEquals(200, step.statusCode());
    assertFalse(step.body().contains(ConsoleFixture.PASSWORD));
    c.csrf = ConsoleClient.csrfOf(step.body());
    assertEquals(403, c.post("/console/signin/code", Map.of("code", "123456")).statusCode(), "the step's CSRF token too");
    HttpResponse<String> wrong = c.action("/console/signin/code", Map.of("code", "000000".equals(
        Totp.code(secret, now + 1, Totp.DIGITS)) ? "111111" : "000000"));
    assertEquals(401, wrong.statusCode());
    String pending = c.cookies.get(ConsoleApi.SESSION_COOKIE);
    HttpResponse<String> right = c.action("/console/signin/code", Map.of("code", Totp.code(secret, now + 1, Totp.DIGITS)));
    assertEquals(303, right.statusCode(), right.body());
    assertNotEquals(pending, c.cookies.get(ConsoleApi.SESSION_COOKIE), "a new session once signed in");
    assertEquals(200, c.get("/console/habilitations").statusCode());
    // A code is good once.
    ConsoleClient replay = new ConsoleClient(server);
    replay.trySignIn("tara", ConsoleFixture.PASSWORD);
    replay.csrf = ConsoleClient.csrfOf(replay.get("/console/signin/code").body());
    assertEquals(401, replay.action("/console/signin/code", Map.of("code", Totp.code(secret, now + 1, Totp.DIGITS))).statusCode());
  }

  private static byte[] base32(String s) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char ch : s.toUpperCase().replace("=", "").toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(ch);
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  @Test
  void anInvalidFormIsShownAgainWithEveryErrorAndWhatWasTyped() throws Exception {
    ConsoleClient officer = new ConsoleClient(server).signIn("olivia", ConsoleFixture.PASSWORD);
    Map<String, String> f = form("12345");
    f.put("signatory.email", "not an address");
    f.put("signatory.lastName", "DUPONT <script>alert(1)</script>");
    HttpResponse<String> r = officer.action("/console/habilitations", f);
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("administrators[0].cardNumber"), r.body());
    assertTrue(r.body().contains("signatory.email"), r.body());
    assertTrue(r.body().contains("value=\"console.example.test\""), "what was typed is kept");
    assertTrue(r.body().contains("DUPONT &lt;script&gt;"), "typed text is escaped");
    assertFalse(r.body().contains("<script>alert"));
    // Nothing was recorded.
    assertFalse(officer.get("/console/habilitations").body().contains("12345"));
  }

  @Test
  void anOfficerRecordsAStructureAndItsErrorsAreShownBesideTheForm() throws Exception {
    ConsoleClient officer = new ConsoleClient(server).signIn("olivia", ConsoleFixture.PASSWORD);
    assertTrue(officer.get("/console/structures").body().contains("id=\"record-structure\""));
    assertEquals(200, officer.get("/console/structures/new").statusCode());
    Map<String, String> bad = new java.util.HashMap<>(Map.of("idType", "SIRET", "idValue", "12345678901234",
        "name", "CLINIQUE <b>CONSOLE</b>", "department", "99", "environment", "test"));
    HttpResponse<String> refused = officer.action("/console/structures", bad);
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("idValue") && refused.body().contains("department"), refused.body());
    assertTrue(refused.body().contains("CLINIQUE &lt;b&gt;CONSOLE&lt;/b&gt;"), "typed text kept, escaped");
    String siret = null;
    for (int k = 0; siret == null; k++) { // a valid SIRET (Luhn) no other test uses
      String s = "18751275299" + String.format("%03d", k);
      if (fr.habilis.ca.registry.IdType.SIRET.problem(s, true).isEmpty()) siret = s;
    }
    HttpResponse<String> recorded = officer.action("/console/structures", Map.of("idType", "SIRET", "idValue", siret,
        "name", "CLINIQUE DE LA CONSOLE", "department", "75", "environment", "test"));
    assertEquals(303, recorded.statusCode(), recorded.body());
    assertEquals("/console/structures/3" + siret, recorded.headers().firstValue("Location").orElse(""));
    assertTrue(officer.get("/console/structures/3" + siret).body().contains("CLINIQUE DE LA CONSOLE"));
    assertEquals(409, officer.action("/console/structures", Map.of("idType", "SIRET", "idValue", siret,
        "name", "DOUBLON", "department", "75", "environment", "test")).statusCode(), "recorded once");
  }

  @Test
  void structuresAreFoundByWordsOfTheirName() throws Exception {
    ConsoleClient auditor = new ConsoleClient(server).signIn("alice", ConsoleFixture.PASSWORD);
    HttpResponse<String> r = auditor.get("/console/structures?q=console");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("/console/structures/" + structure), r.body());
    HttpResponse<String> exact = auditor.get("/console/structures?q=" + structure);
    assertEquals(303, exact.statusCode());
    assertEquals("/console/structures/" + structure, exact.headers().firstValue("Location").orElse(null));
  }

  @Test
  void anIncidentWaitsForASecondOperator() throws Exception {
    ConsoleClient both = new ConsoleClient(server).signIn("bea", ConsoleFixture.PASSWORD);
    HttpResponse<String> recorded = both.action("/console/incidents", Map.of("scope", "structure", "value", structure,
        "reason", "cle de l'AC a changer"));
    assertEquals(303, recorded.statusCode(), recorded.body());
    String page = both.get("/console/incidents").body();
    Matcher m = Pattern.compile("/console/actions/([0-9]+)/").matcher(new ConsoleClient(server).signIn("paul",
        ConsoleFixture.PASSWORD).get("/console/incidents").body());
    assertTrue(m.find());
    String id = m.group(1);
    assertFalse(page.contains("id=\"approve-action-" + id + "\""), "no approve button for its recorder");
    assertTrue(page.contains("class=\"four-eyes\""));
    assertEquals(403, both.action("/console/actions/" + id + "/approve", Map.of()).statusCode(), "four-eyes");
    ConsoleClient approver = new ConsoleClient(server).signIn("paul", ConsoleFixture.PASSWORD);
    assertEquals(303, approver.action("/console/actions/" + id + "/approve", Map.of()).statusCode());
    String after = approver.get("/console/incidents").body();
    assertTrue(after.contains("cle de l&#39;AC a changer"), "declared: " + after);
    assertEquals(409, approver.action("/console/actions/" + id + "/approve", Map.of()).statusCode(), "once");
    HttpResponse<String> invalid = both.action("/console/incidents", Map.of("scope", "planet", "value", "x"));
    assertEquals(400, invalid.statusCode());
    assertTrue(invalid.body().contains("scope") && invalid.body().contains("reason"), invalid.body());
  }

  @Test
  void headersOnEveryAnswer() throws Exception {
    ConsoleClient anonymous = new ConsoleClient(server);
    ConsoleClient officer = new ConsoleClient(server).signIn("olivia", ConsoleFixture.PASSWORD);
    List<HttpResponse<String>> answers = new ArrayList<>();
    answers.add(anonymous.get("/console/signin"));
    answers.add(anonymous.get("/console/static/console.css"));
    answers.add(anonymous.get("/console/static/console.js"));
    answers.add(anonymous.get("/console/habilitations"));
    answers.add(anonymous.get("/console"));
    answers.add(anonymous.post("/console/habilitations", Map.of()));
    for (String page : PAGES) answers.add(officer.get(page));
    answers.add(officer.get("/console/no-such-page"));
    answers.add(officer.action("/console/habilitations", Map.of()));
    for (HttpResponse<String> r : answers) {
      String what = r.request().method() + " " + r.uri() + " " + r.statusCode();
      assertEquals(SecurityHeaders.CSP, r.headers().firstValue("Content-Security-Policy").orElse(null), what);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), what);
      assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), what);
      assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null), what);
      assertTrue(r.statusCode() < 500, what);
    }
  }

  @Test
  void noSecretInAnyPageButTheOneTimeDisplay() throws Exception {
    ConsoleClient officer = new ConsoleClient(server).signIn("olivia", ConsoleFixture.PASSWORD);
    String reference = recordForm(officer, "0123456020");
    ConsoleClient approver = new ConsoleClient(server).signIn("paul", ConsoleFixture.PASSWORD);
    HttpResponse<String> display = approver.action("/console/habilitations/" + reference + "/approve", Map.of());
    assertEquals(200, display.statusCode(), display.body());
    Matcher m = Pattern.compile("<code class=\"hmac\">([^<]+)</code>").matcher(display.body());
    assertTrue(m.find(), display.body());
    String hmacKey = m.group(1);
    assertTrue(hmacKey.length() >= 40, hmacKey);
    // Shown once: the same POST again is refused (approved already), and nothing shows it again.
    HttpResponse<String> again = approver.action("/console/habilitations/" + reference + "/approve", Map.of());
    assertEquals(409, again.statusCode());
    List<String> secrets = List.of(hmacKey, approver.cookies.get(ConsoleApi.SESSION_COOKIE),
        officer.cookies.get(ConsoleApi.SESSION_COOKIE), server.raToken(), "$argon2", "otpauth:");
    List<String> pages = new ArrayList<>(PAGES);
    pages.addAll(List.of("/console/habilitations/" + reference, "/console/structures/" + structure,
        "/console/admins?card=0123456020", "/console/habilitations?status=ACTIVE", "/console/certificates?structure=" + structure));
    for (ConsoleClient who : List.of(officer, approver)) {
      for (String page : pages) {
        HttpResponse<String> r = who.get(page);
        if (!page.contains("HAB-1") && !page.endsWith("/01") && !page.endsWith("/new") && !page.equals("/console/")) {
          assertEquals(200, r.statusCode(), page + ": " + r.body());
        }
        String html = r.body() + again.body();
        for (String secret : secrets) assertFalse(html.contains(secret), page + " shows a secret");
      }
    }
  }

  /** Records a form 414 for the test structure with one administrator; returns the reference. */
  static String recordForm(ConsoleClient officer, String card) throws Exception {
    HttpResponse<String> r = officer.action("/console/habilitations", form(card));
    assertEquals(303, r.statusCode(), r.body());
    String location = r.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith("/console/habilitations/"), location);
    return location.substring("/console/habilitations/".length());
  }

  static Map<String, String> form(String card) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("form", "414");
    f.put("structure", structure);
    f.put("signatory.role", "LEGAL_REPRESENTATIVE");
    f.put("signatory.lastName", "DUPONT");
    f.put("signatory.firstName", "MARIE");
    f.put("signatory.email", "direction@example.test");
    f.put("admin0.cardNumber", card);
    f.put("admin0.cardType", "CPA");
    f.put("admin0.lastName", "MARTIN");
    f.put("admin0.firstName", "PAUL");
    f.put("admin0.email", "admin@example.test");
    f.put("offer.SERV_SSL", "on");
    f.put("ssl.domain", "console.example.test");
    f.put("ssl.scope", "DOMAIN");
    f.put("usage", "tests of the console");
    return f;
  }

  private static String message(String html) {
    Matcher m = Pattern.compile("id=\"signin-error\">([^<]*)<").matcher(html);
    assertTrue(m.find(), html);
    assertNotNull(m.group(1));
    return m.group(1);
  }
}
