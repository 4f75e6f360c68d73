package fr.habilis.ca.operators;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.pki.CaSecret;
import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.OperatorRepository;
import fr.habilis.ca.store.OperatorRepository.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RA operators: accounts, console sign-in, TOTP, API tokens. What the console, the RA API's
 * authentication and the {@code operator} command line call. Every method returns a future: the
 * database work runs in {@link Database#tx} and Argon2 on a worker thread, never on an event loop.
 * Every change is audited in its own transaction, the actor being the principal or command line
 * that made it; no password, code, secret or token is ever logged or audited.
 */
public final class Operators {
  /** Failed sign-ins (password or code) in a row that lock the account, and for how long. */
  public static final int MAX_FAILURES = 5;
  public static final Duration LOCK_DURATION = Duration.ofMinutes(15);
  public static final int PASSWORD_MIN = 12;
  public static final int PASSWORD_MAX = 1024;
  public static final String TOTP_ISSUER = "Habilis RA";
  private static final Pattern LOGIN = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
  private static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");
  private static final Logger LOG = LoggerFactory.getLogger(Operators.class);
  /** Verified against for an unknown login, so that its answer takes as long as a wrong password's. */
  private static final String DUMMY_HASH = PasswordHasher.hash("not a password of anyone".toCharArray());

  private final Vertx vertx;
  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  /** Null without the CA secret (the command line): TOTP can then be reset, not enrolled or checked. */
  private final TotpSecretSealer sealer;
  private final OperatorRepository repo = new OperatorRepository();

  public Operators(Vertx vertx, Database db, AuditLog audit, Clock clock, CaSecret caSecret) {
    this.vertx = vertx;
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.sealer = caSecret == null ? null : new TotpSecretSealer(caSecret);
  }

  public static Operators of(ServerContext ctx) {
    return new Operators(ctx.vertx(), ctx.db(), ctx.audit(), ctx.clock(), ctx.caSecret());
  }

  /** A new operator's account. */
  public record NewOperator(String login, String displayName, String email, Set<Role> roles) {}

  /** An enrolment in progress: the secret (base32) and the URI to scan; shown once. */
  public record TotpEnrolment(String secret, String uri) {}

  /** A token as created: {@code token} is shown once and stored only as its SHA-256. */
  public record IssuedToken(long id, String login, String name, String token) {}

  // --- accounts

  /** Creates an enabled operator; 409 when the login exists, 400 naming every invalid field. */
  public Future<Operator> create(NewOperator n, char[] password, String actor) {
    try {
      validate(n);
      checkPassword(password);
    } catch (DomainError e) {
      return Future.failedFuture(e);
    }
    return hashing(password).compose(hash -> db.tx(c -> {
      Instant now = clock.instant();
      if (repo.find(c, n.login()).isPresent()) throw DomainError.conflict("an operator " + n.login() + " exists already");
      long id = repo.insert(c, n.login(), n.displayName().strip(), n.email().strip(), Role.format(n.roles()), hash, now);
      audit.append(c, actor, "operator.created", Principal.ofLogin(n.login()), new JsonObject().put("id", id)
          .put("name", n.displayName().strip()).put("email", n.email().strip()).put("roles", Role.format(n.roles())).encode());
      return repo.findById(c, id).orElseThrow().operator();
    }));
  }

  public Future<Optional<Operator>> find(String login) {
    return db.tx(c -> repo.find(c, login).map(Credentials::operator));
  }

  public Future<Optional<Operator>> findById(long id) {
    return db.tx(c -> repo.findById(c, id).map(Credentials::operator));
  }

  public Future<List<Operator>> list() {
    return db.tx(repo::list);
  }

  /** Enables or disables; a disabled operator can neither sign in nor use any of their tokens. */
  public Future<Operator> setEnabled(String login, boolean enabled, String actor) {
    return db.tx(c -> {
      Credentials o = existing(c, login);
      repo.setEnabled(c, o.operator().id(), enabled);
      audit.append(c, actor, enabled ? "operator.enabled" : "operator.disabled", Principal.ofLogin(login), null);
      return repo.findById(c, o.operator().id()).orElseThrow().operator();
    });
  }

  /** Sets a password (the command line's {@code passwd}, or an administrator's reset); ends a lockout. */
  public Future<Operator> setPassword(String login, char[] password, String actor) {
    try {
      checkPassword(password);
    } catch (DomainError e) {
      return Future.failedFuture(e);
    }
    return hashing(password).compose(hash -> db.tx(c -> {
      Credentials o = existing(c, login);
      repo.setPassword(c, o.operator().id(), hash, clock.instant());
      audit.append(c, actor, "operator.password.set", Principal.ofLogin(login), null);
      return repo.findById(c, o.operator().id()).orElseThrow().operator();
    }));
  }

  /** The operator's own change: the current password must be right (refused as BAD_CREDENTIALS otherwise). */
  public Future<Operator> changePassword(String login, char[] current, char[] password) {
    try {
      checkPassword(password);
    } catch (DomainError e) {
      return Future.failedFuture(e);
    }
    return db.tx(c -> repo.find(c, login)).compose(found -> verifying(current, found.map(Credentials::passwordHash)
        .orElse(DUMMY_HASH)).compose(ok -> {
          if (!ok || found.isEmpty()) return Future.failedFuture(new SignInFailure(SignInFailure.Kind.BAD_CREDENTIALS, null));
          return setPassword(login, password, Principal.ofLogin(login));
        }));
  }

  // --- sign-in

  /**
   * Console sign-in. Fails with a {@link SignInFailure}: BAD_CREDENTIALS (unknown login or wrong
   * password, indistinguishable, in time too), LOCKED (after {@link #MAX_FAILURES} failures in a
   * row, for {@link #LOCK_DURATION}; the password is not even checked), DISABLED (right password,
   * disabled account), TOTP_REQUIRED (right password, enrolled, no code) or TOTP_WRONG (a wrong,
   * expired or replayed code). Each failure counts toward the lock; the lock is audited.
   */
  public Future<Operator> authenticate(String login, char[] password, String totpCode) {
    String l = login == null ? "" : login.strip().toLowerCase(java.util.Locale.ROOT);
    return db.tx(c -> repo.find(c, l)).compose(found -> {
      Instant now = clock.instant();
      if (found.isPresent() && found.get().operator().lockedAt(now)) {
        return Future.failedFuture(new SignInFailure(SignInFailure.Kind.LOCKED, found.get().operator().lockedUntil()));
      }
      String stored = found.map(Credentials::passwordHash).orElse(DUMMY_HASH);
      return verifying(password == null ? new char[0] : password, stored).compose(ok -> {
        if (found.isEmpty()) return Future.failedFuture(new SignInFailure(SignInFailure.Kind.BAD_CREDENTIALS, null));
        long id = found.get().operator().id();
        return db.tx(c -> signIn(c, id, ok, totpCode, password))
            .compose(a -> a.failure() == null ? Future.succeededFuture(a.operator()) : Future.failedFuture(a.failure()));
      });
    });
  }

  /**
   * The console's second step: the one-time code of an operator whose password {@link #authenticate}
   * accepted moments ago (it answered TOTP_REQUIRED), so that the password is sent once and never
   * kept. Fails as {@link #authenticate} does; a wrong code counts toward the lock.
   */
  public Future<Operator> authenticateCode(long operatorId, String totpCode) {
    if (totpCode == null || totpCode.isBlank()) {
      return Future.failedFuture(new SignInFailure(SignInFailure.Kind.TOTP_WRONG, null));
    }
    return db.tx(c -> {
      Credentials o = repo.findById(c, operatorId)
          .orElseThrow(() -> new SignInFailure(SignInFailure.Kind.BAD_CREDENTIALS, null));
      // Only an enrolled operator has a code step: anyone else must give the password.
      if (!o.operator().totpEnrolled()) throw new SignInFailure(SignInFailure.Kind.BAD_CREDENTIALS, null);
      return signIn(c, operatorId, true, totpCode, null);
    }).compose(a -> a.failure() == null ? Future.succeededFuture(a.operator()) : Future.failedFuture(a.failure()));
  }

  /** A sign-in's result: the operator, or a failure whose count must commit (so it is not thrown). */
  private record Attempt(Operator operator, SignInFailure failure) {}

  /** The bookkeeping of one sign-in attempt, on the operator's locked row: the right answer or a counted failure. */
  private Attempt signIn(Connection c, long id, boolean passwordOk, String totpCode, char[] password) throws Exception {
    Credentials o = repo.findForUpdate(c, id).orElseThrow();
    Instant now = clock.instant();
    String subject = Principal.ofLogin(o.operator().login());
    if (o.operator().lockedAt(now)) throw new SignInFailure(SignInFailure.Kind.LOCKED, o.operator().lockedUntil());
    if (!passwordOk) return failed(c, o, now, SignInFailure.Kind.BAD_CREDENTIALS);
    if (!o.operator().enabled()) throw new SignInFailure(SignInFailure.Kind.DISABLED, null);
    if (o.operator().totpEnrolled()) {
      if (totpCode == null || totpCode.isBlank()) throw new SignInFailure(SignInFailure.Kind.TOTP_REQUIRED, null);
      byte[] secret = sealer().open(o.operator().login(), o.totpSealed());
      try {
        OptionalLong step = Totp.match(secret, totpCode.strip(), now, o.totpLastStep());
        if (step.isEmpty() || !repo.useTotpStep(c, id, step.getAsLong())) return failed(c, o, now, SignInFailure.Kind.TOTP_WRONG);
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }
    repo.setFailures(c, id, 0, null);
    if (password != null && PasswordHasher.needsRehash(o.passwordHash())) repo.rehash(c, id, PasswordHasher.hash(password));
    audit.append(c, subject, "operator.signed-in", subject, null);
    return new Attempt(repo.findById(c, id).orElseThrow().operator(), null);
  }

  /**
   * Counts a failure; the {@link #MAX_FAILURES}th locks the account (audited) and restarts the
   * count. Returned, not thrown, so that the count commits.
   */
  private Attempt failed(Connection c, Credentials o, Instant now, SignInFailure.Kind kind) throws SQLException {
    int failures = o.failedAttempts() + 1;
    String subject = Principal.ofLogin(o.operator().login());
    if (failures >= MAX_FAILURES) {
      Instant until = now.plus(LOCK_DURATION);
      repo.setFailures(c, o.operator().id(), 0, until);
      audit.append(c, subject, "operator.locked", subject, new JsonObject().put("failures", failures)
          .put("until", until.toString()).encode());
      LOG.info("operator {} locked until {} after {} failed sign-ins", o.operator().login(), until, failures);
    } else {
      repo.setFailures(c, o.operator().id(), failures, null);
    }
    return new Attempt(null, new SignInFailure(kind, null));
  }

  // --- TOTP

  /**
   * Starts an enrolment: a new secret, sealed, not yet asked at sign-in (so a lost scan does not
   * lock anyone out) until {@link #confirmTotp} proves the app has it. Replaces any previous secret.
   */
  public Future<TotpEnrolment> enrolTotp(String login, String actor) {
    return db.tx(c -> {
      Credentials o = existing(c, login);
      byte[] secret = Totp.newSecret();
      try {
        repo.setTotp(c, o.operator().id(), sealer().seal(login, secret));
        audit.append(c, actor, "operator.totp.enrolling", Principal.ofLogin(login), null);
        return new TotpEnrolment(Totp.base32(secret), Totp.uri(TOTP_ISSUER, login, secret));
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    });
  }

  /** Confirms an enrolment with a current code (which is then spent); from now on sign-in asks for a code. */
  public Future<Operator> confirmTotp(String login, String code, String actor) {
    return db.tx(c -> {
      Credentials o = existing(c, login);
      if (o.totpSealed() == null) throw DomainError.conflict("no TOTP enrolment in progress for " + login);
      byte[] secret = sealer().open(login, o.totpSealed());
      try {
        OptionalLong step = Totp.match(secret, code == null ? null : code.strip(), clock.instant(), o.totpLastStep());
        if (step.isEmpty() || !repo.useTotpStep(c, o.operator().id(), step.getAsLong())) {
          throw DomainError.invalidField("code", "not the current code of the authenticator app");
        }
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
      repo.confirmTotp(c, o.operator().id());
      audit.append(c, actor, "operator.totp.enrolled", Principal.ofLogin(login), null);
      return repo.findById(c, o.operator().id()).orElseThrow().operator();
    });
  }

  /** Removes the second factor (a lost phone): sign-in asks for the password only until a new enrolment. */
  public Future<Operator> resetTotp(String login, String actor) {
    return db.tx(c -> {
      Credentials o = existing(c, login);
      repo.setTotp(c, o.operator().id(), null);
      audit.append(c, actor, "operator.totp.reset", Principal.ofLogin(login), null);
      return repo.findById(c, o.operator().id()).orElseThrow().operator();
    });
  }

  // --- API tokens

  /** A new API token for the operator, shown once; 409 if an unrevoked token has that name. */
  public Future<IssuedToken> createToken(String login, String name, String actor) {
    if (name == null || !TOKEN_NAME.matcher(name).matches()) {
      return Future.failedFuture(DomainError.invalidField("name", "1–100 letters, digits, spaces, dots, hyphens or underscores"));
    }
    return db.tx(c -> {
      Credentials o = existing(c, login);
      if (repo.tokens(c, o.operator().id()).stream().anyMatch(t -> t.revokedAt() == null && t.name().equals(name))) {
        throw DomainError.conflict(login + " already has a token named " + name + "; revoke it first");
      }
      String token = ApiTokens.newToken();
      long id = repo.insertToken(c, o.operator().id(), name, ApiTokens.digest(token), clock.instant());
      audit.append(c, actor, "operator.token.created", Principal.ofLogin(login), new JsonObject().put("token", id)
          .put("name", name).encode());
      return new IssuedToken(id, login, name, token);
    });
  }

  public Future<List<OperatorRepository.Token>> tokens(String login) {
    return db.tx(c -> repo.tokens(c, existing(c, login).operator().id()));
  }

  /** Revokes the operator's unrevoked token of that name; 404 when there is none. */
  public Future<Void> revokeToken(String login, String name, String actor) {
    return db.tx(c -> {
      Credentials o = existing(c, login);
      if (repo.revokeToken(c, o.operator().id(), name, clock.instant()) == 0) {
        throw DomainError.notFound(login + " has no unrevoked token named " + name);
      }
      audit.append(c, actor, "operator.token.revoked", Principal.ofLogin(login), new JsonObject().put("name", name).encode());
      return null;
    });
  }

  /**
   * The principal of an API token: its operator, when the token is unrevoked and the operator
   * enabled; empty otherwise (the caller answers 401 without saying which). Looked up by SHA-256.
   */
  public Future<Optional<Principal>> byToken(String token) {
    if (!ApiTokens.looksLikeToken(token)) return Future.succeededFuture(Optional.empty());
    String digest = ApiTokens.digest(token);
    return db.tx(c -> {
      Optional<OperatorRepository.TokenOwner> owner = repo.findByToken(c, digest);
      if (owner.isEmpty()) return Optional.<Principal>empty();
      Operator o = repo.findById(c, owner.get().operatorId()).orElseThrow().operator();
      if (!o.enabled()) return Optional.<Principal>empty();
      repo.touchToken(c, owner.get().tokenId(), clock.instant());
      return Optional.of(o.principal());
    });
  }

  // ---

  private Credentials existing(Connection c, String login) throws SQLException {
    return repo.find(c, login).orElseThrow(() -> DomainError.notFound("no operator " + login));
  }

  private TotpSecretSealer sealer() {
    if (sealer == null) {
      throw DomainError.conflict("TOTP secrets are sealed with the CA secret, which is in the server's keystore: "
          + "start the server once (it makes the keystore), then enrol");
    }
    return sealer;
  }

  private Future<String> hashing(char[] password) {
    return vertx.executeBlocking(() -> PasswordHasher.hash(password), false);
  }

  private Future<Boolean> verifying(char[] password, String phc) {
    return vertx.executeBlocking(() -> PasswordHasher.verify(password, phc), false);
  }

  private static void validate(NewOperator n) {
    List<DomainError.FieldError> errors = new java.util.ArrayList<>();
    if (n.login() == null || !LOGIN.matcher(n.login()).matches()) {
      errors.add(new DomainError.FieldError("login", "2–64 lowercase letters, digits, dots, hyphens or underscores,"
          + " starting with a letter or digit"));
    }
    if (n.displayName() == null || n.displayName().isBlank() || n.displayName().strip().length() > 200
        || n.displayName().chars().anyMatch(Character::isISOControl)) {
      errors.add(new DomainError.FieldError("name", "1–200 characters, no control characters"));
    }
    if (n.email() == null || n.email().strip().length() > 254 || !Identifier.isEmailAddress(n.email().strip())) {
      errors.add(new DomainError.FieldError("email", "not an e-mail address"));
    }
    if (n.roles() == null || n.roles().isEmpty()) errors.add(new DomainError.FieldError("roles", "at least one of officer, approver, auditor"));
    if (!errors.isEmpty()) throw DomainError.invalidFields(errors);
  }

  static void checkPassword(char[] password) {
    if (password == null || password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
      throw DomainError.invalidField("password", "between " + PASSWORD_MIN + " and " + PASSWORD_MAX + " characters");
    }
  }
}
