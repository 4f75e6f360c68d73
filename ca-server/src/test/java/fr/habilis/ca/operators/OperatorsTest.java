package fr.habilis.ca.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operators service on the server's real database: sign-in, lockout, TOTP, tokens, what is stored. */
class OperatorsTest {
  private static final String PASSWORD = "un mot de passe assez long";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestServer server;
  private static Operators ops;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ops = Operators.of(server.context());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The failure of {@code f}, which must fail. */
  static Throwable failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
    return e.getCause();
  }

  static SignInFailure.Kind signInFailure(String login, String password, String code) {
    Throwable t = failure(ops.authenticate(login, password.toCharArray(), code));
    assertTrue(t instanceof SignInFailure, String.valueOf(t));
    return ((SignInFailure) t).reason();
  }

  static Operator newOperator(Role... roles) throws Exception {
    String login = "op" + SEQ.incrementAndGet();
    return await(ops.create(new Operators.NewOperator(login, "Opérateur " + login, login + "@ars.example.test",
        EnumSet.copyOf(List.of(roles))), PASSWORD.toCharArray(), "test"));
  }

  static String one(String sql, Object... args) throws Exception {
    return server.context().db().txBlocking(c -> {
      try (var ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
  }

  static long count(String sql, Object... args) throws Exception {
    return Long.parseLong(one(sql, args));
  }

  @Test
  void signInWithTheRightPasswordAndNothingElse() throws Exception {
    Operator o = newOperator(Role.OFFICER);
    Operator signed = await(ops.authenticate(o.login(), PASSWORD.toCharArray(), null));
    assertEquals(o.id(), signed.id());
    assertEquals(Principal.ofLogin(o.login()), signed.principal().id());
    // Unknown login and wrong password: the same answer.
    assertEquals(SignInFailure.Kind.BAD_CREDENTIALS, signInFailure(o.login(), PASSWORD + "x", null));
    assertEquals(SignInFailure.Kind.BAD_CREDENTIALS, signInFailure("nobody", PASSWORD, null));
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'operator.signed-in' AND actor = ?",
        Principal.ofLogin(o.login())));
  }

  @Test
  void passwordsAreStoredAsArgon2idPhcStrings() throws Exception {
    Operator o = newOperator(Role.AUDITOR);
    String stored = one("SELECT password_hash FROM operators WHERE id = ?", o.id());
    assertTrue(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), stored);
    assertFalse(stored.contains(PASSWORD));
    assertEquals(0, count("SELECT COUNT(*) FROM audit_log WHERE details LIKE ?", "%" + PASSWORD + "%"));
  }

  @Test
  void fiveFailuresLockTheAccountEvenForTheRightPasswordAndAreAudited() throws Exception {
    Operator o = newOperator(Role.APPROVER);
    for (int i = 0; i < Operators.MAX_FAILURES; i++) {
      assertEquals(SignInFailure.Kind.BAD_CREDENTIALS, signInFailure(o.login(), "wrong password " + i, null));
    }
    Throwable locked = failure(ops.authenticate(o.login(), PASSWORD.toCharArray(), null));
    assertEquals(SignInFailure.Kind.LOCKED, ((SignInFailure) locked).reason());
    Instant until = ((SignInFailure) locked).lockedUntil();
    assertNotNull(until);
    assertTrue(until.isAfter(Instant.now().plus(Operators.LOCK_DURATION).minusSeconds(60)), until.toString());
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'operator.locked' AND subject = ?",
        Principal.ofLogin(o.login())));
    assertTrue(await(ops.find(o.login())).orElseThrow().lockedAt(Instant.now()));
    // A new password (operator passwd) ends the lock.
    await(ops.setPassword(o.login(), "un autre mot de passe long".toCharArray(), "test"));
    assertEquals(o.id(), await(ops.authenticate(o.login(), "un autre mot de passe long".toCharArray(), null)).id());
  }

  @Test
  void aSuccessResetsTheFailureCount() throws Exception {
    Operator o = newOperator(Role.OFFICER);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < Operators.MAX_FAILURES - 1; i++) signInFailure(o.login(), "wrong", null);
      await(ops.authenticate(o.login(), PASSWORD.toCharArray(), null));
    }
    assertEquals("0", one("SELECT failed_attempts FROM operators WHERE id = ?", o.id()));
  }

  @Test
  void aDisabledOperatorCannotSignInNorUseTokens() throws Exception {
    Operator o = newOperator(Role.OFFICER);
    String token = await(ops.createToken(o.login(), "script", "test")).token();
    assertTrue(await(ops.byToken(token)).isPresent());
    await(ops.setEnabled(o.login(), false, "test"));
    assertEquals(SignInFailure.Kind.DISABLED, signInFailure(o.login(), PASSWORD, null));
    assertEquals(SignInFailure.Kind.BAD_CREDENTIALS, signInFailure(o.login(), "not the password", null));
    assertTrue(await(ops.byToken(token)).isEmpty());
    await(ops.setEnabled(o.login(), true, "test"));
    assertTrue(await(ops.byToken(token)).isPresent());
  }

  @Test
  void totpEnrolmentIsConfirmedThenAskedAndACodeWorksOnce() throws Exception {
    Operator o = newOperator(Role.APPROVER);
    Operators.TotpEnrolment e = await(ops.enrolTotp(o.login(), Principal.ofLogin(o.login())));
    assertTrue(e.uri().startsWith("otpauth://totp/Habilis%20RA:" + o.login() + "?secret=" + e.secret()), e.uri());
    byte[] secret = base32Decode(e.secret());
    // Not asked until confirmed: a lost scan locks nobody out.
    await(ops.authenticate(o.login(), PASSWORD.toCharArray(), null));
    assertEquals(ErrorKind.MALFORMED, ((DomainError) failure(ops.confirmTotp(o.login(), "000000", "test"))).kind());
    long step = Totp.step(Instant.now());
    await(ops.confirmTotp(o.login(), Totp.code(secret, step, 6), Principal.ofLogin(o.login())));
    assertTrue(await(ops.find(o.login())).orElseThrow().totpEnrolled());

    assertEquals(SignInFailure.Kind.TOTP_REQUIRED, signInFailure(o.login(), PASSWORD, null));
    // The confirmation spent this step's code: the same code again is a replay.
    assertEquals(SignInFailure.Kind.TOTP_WRONG, signInFailure(o.login(), PASSWORD, Totp.code(secret, step, 6)));
    assertEquals(SignInFailure.Kind.TOTP_WRONG, signInFailure(o.login(), PASSWORD, Totp.code(secret, step - 1, 6)));
    String next = Totp.code(secret, step + 1, 6);
    assertEquals(o.id(), await(ops.authenticate(o.login(), PASSWORD.toCharArray(), next)).id());
    assertEquals(SignInFailure.Kind.TOTP_WRONG, signInFailure(o.login(), PASSWORD, next));
    // A wrong password with the right code is a wrong password: nothing says the code was right.
    assertEquals(SignInFailure.Kind.BAD_CREDENTIALS, signInFailure(o.login(), "wrong", Totp.code(secret, step + 1, 6)));

    // The secret is sealed in the database, never stored in clear.
    byte[] sealed = server.context().db().txBlocking(c -> {
      try (var ps = c.prepareStatement("SELECT totp_secret_sealed FROM operators WHERE id = ?")) {
        ps.setLong(1, o.id());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getBytes(1);
        }
      }
    });
    assertFalse(HexFormat.of().formatHex(sealed).contains(HexFormat.of().formatHex(secret)));
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(e.secret()));
    assertEquals(0, count("SELECT COUNT(*) FROM audit_log WHERE details LIKE ?", "%" + e.secret() + "%"));

    await(ops.resetTotp(o.login(), "test"));
    assertFalse(await(ops.find(o.login())).orElseThrow().totpEnrolled());
    await(ops.authenticate(o.login(), PASSWORD.toCharArray(), null));
  }

  @Test
  void tokensAreStoredAsTheirSha256OnlyAndRevocable() throws Exception {
    Operator o = newOperator(Role.OFFICER, Role.APPROVER);
    Operators.IssuedToken t = await(ops.createToken(o.login(), "back-office", "test"));
    assertTrue(ApiTokens.looksLikeToken(t.token()), t.token());
    assertEquals(ApiTokens.digest(t.token()), one("SELECT token_hash FROM operator_tokens WHERE id = ?", t.id()));
    // No column of the table, and no audit row, holds the token itself.
    assertEquals(0, count("SELECT COUNT(*) FROM operator_tokens WHERE token_hash = ? OR name = ?", t.token(), t.token()));
    assertEquals(0, count("SELECT COUNT(*) FROM audit_log WHERE details LIKE ?", "%" + t.token() + "%"));
    Principal p = await(ops.byToken(t.token())).orElseThrow();
    assertEquals(Principal.ofLogin(o.login()), p.id());
    assertEquals(EnumSet.of(Role.OFFICER, Role.APPROVER), EnumSet.copyOf(p.roles()));
    assertEquals(ErrorKind.CONFLICT, ((DomainError) failure(ops.createToken(o.login(), "back-office", "test"))).kind());

    // The stored hash is not a usable token; nor is anything but the exact token.
    String stored = one("SELECT token_hash FROM operator_tokens WHERE id = ?", t.id());
    for (String wrong : List.of(stored, t.token() + "x", t.token().substring(0, t.token().length() - 1) + "A", "")) {
      if (!wrong.equals(t.token())) assertTrue(await(ops.byToken(wrong)).isEmpty(), wrong);
    }
    await(ops.revokeToken(o.login(), "back-office", "test"));
    assertTrue(await(ops.byToken(t.token())).isEmpty());
    assertEquals(ErrorKind.NOT_FOUND, ((DomainError) failure(ops.revokeToken(o.login(), "back-office", "test"))).kind());
    // The name is free again.
    assertNotNull(await(ops.createToken(o.login(), "back-office", "test")).token());
  }

  @Test
  void badAccountsAreRefusedFieldByField() throws Exception {
    DomainError e = (DomainError) failure(ops.create(new Operators.NewOperator("Bad Login", " ", "not-an-email",
        EnumSet.noneOf(Role.class)), PASSWORD.toCharArray(), "test"));
    List<String> fields = new ArrayList<>();
    e.fields().forEach(f -> fields.add(f.field()));
    assertEquals(List.of("login", "name", "email", "roles"), fields);
    assertEquals("password", ((DomainError) failure(ops.create(new Operators.NewOperator("short", "Short", "s@x.test",
        EnumSet.of(Role.AUDITOR)), "court".toCharArray(), "test"))).fields().get(0).field());
    Operator o = newOperator(Role.AUDITOR);
    assertEquals(ErrorKind.CONFLICT, ((DomainError) failure(ops.create(new Operators.NewOperator(o.login(), "Again",
        "again@x.test", EnumSet.of(Role.AUDITOR)), PASSWORD.toCharArray(), "test"))).kind());
  }

  @Test
  void changingOnesPasswordNeedsTheCurrentOne() throws Exception {
    Operator o = newOperator(Role.OFFICER);
    assertTrue(failure(ops.changePassword(o.login(), "wrong".toCharArray(), "nouveau mot de passe long".toCharArray()))
        instanceof SignInFailure);
    await(ops.changePassword(o.login(), PASSWORD.toCharArray(), "nouveau mot de passe long".toCharArray()));
    await(ops.authenticate(o.login(), "nouveau mot de passe long".toCharArray(), null));
    assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'operator.password.set' AND actor = ?",
        Principal.ofLogin(o.login())));
  }

  private static byte[] base32Decode(String s) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char ch : s.toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(ch);
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
