package fr.habilis.ca.console;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.store.ConsoleSessionRepository;
import fr.habilis.ca.store.ConsoleSessionRepository.StoredSession;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Server-side console sessions in the database (every instance behind the proxy sees them). The
 * cookie carries 256 random bits; the table holds their SHA-256 only. A session ends after
 * {@code consoleIdleTimeout} without a request, {@code consoleSessionLifetime} after sign-in, or at
 * sign-out. A session awaiting the one-time code ("totp" stage) lives 5 minutes at most.
 */
public final class ConsoleSessions {
  static final String SIGNED_IN = "ok";
  static final String AWAITING_CODE = "totp";
  private static final Duration CODE_STEP = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerContext ctx;
  private final ConsoleSessionRepository repo = new ConsoleSessionRepository();
  private final Duration idle;
  private final Duration lifetime;

  /** A session as a request sees it; {@code cookie} is the value to send back (only at creation). */
  public record Session(String idHash, String operatorId, String csrfToken, String stage) {
    public boolean signedIn() {
      return SIGNED_IN.equals(stage);
    }
  }

  /** A new session and the cookie value that designates it (never stored). */
  public record Created(Session session, String cookie) {}

  public ConsoleSessions(ServerContext ctx) {
    this.ctx = ctx;
    this.idle = ctx.config().getDuration(Setting.CONSOLE_IDLE_TIMEOUT);
    this.lifetime = ctx.config().getDuration(Setting.CONSOLE_SESSION_LIFETIME);
  }

  public Duration lifetime() {
    return lifetime;
  }

  /**
   * A fresh session for the operator (a new identifier at every sign-in, so a value planted before
   * sign-in is worth nothing); {@code previous}, the cookie the browser had, is ended.
   */
  public Future<Created> create(String operatorId, String stage, String previous) {
    String cookie = random();
    Instant now = ctx.clock().instant();
    StoredSession s = new StoredSession(hash(cookie), operatorId, random(), stage, now, now);
    return ctx.db().tx(c -> {
      if (previous != null) repo.delete(c, hash(previous));
      repo.insert(c, s);
      repo.purge(c, now.minus(idle), now.minus(lifetime));
      return new Created(view(s), cookie);
    });
  }

  /** The live session behind a cookie value, its idle clock restarted; empty when unknown or timed out. */
  public Future<Optional<Session>> find(String cookie) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > 100) return Future.succeededFuture(Optional.empty());
    String idHash = hash(cookie);
    return ctx.db().tx(c -> {
      Optional<StoredSession> found = repo.find(c, idHash);
      if (found.isEmpty()) return Optional.empty();
      StoredSession s = found.get();
      Instant now = ctx.clock().instant();
      Duration max = AWAITING_CODE.equals(s.stage()) ? CODE_STEP : lifetime;
      if (now.isAfter(s.lastSeenAt().plus(idle)) || now.isAfter(s.createdAt().plus(max))) {
        repo.delete(c, idHash);
        return Optional.empty();
      }
      repo.touch(c, idHash, now);
      return Optional.of(view(s));
    });
  }


  public Future<Void> end(String cookie) {
    if (cookie == null) return Future.succeededFuture();
    return ctx.db().tx(c -> {
      repo.delete(c, hash(cookie));
      return null;
    });
  }

  /** Constant-time comparison: the time of a refusal says nothing about how much of the token matched. */
  public static boolean csrfMatches(Session s, String submitted) {
    if (submitted == null) return false;
    return MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.US_ASCII),
        submitted.getBytes(StandardCharsets.US_ASCII));
  }

  static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String hash(String cookie) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cookie.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Session view(StoredSession s) {
    return new Session(s.idHash(), s.operatorId(), s.csrfToken(), s.stage());
  }
}
