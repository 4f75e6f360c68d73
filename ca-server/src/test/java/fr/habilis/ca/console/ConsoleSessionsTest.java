package fr.habilis.ca.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.console.ConsoleSessions.Created;
import fr.habilis.ca.console.ConsoleSessions.Session;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Console sessions in the real database, on a clock the test moves: the idle and absolute
 * timeouts, the short life of a session awaiting its one-time code, and what is stored.
 */
class ConsoleSessionsTest {
  private static TestServer server;
  private static final Instant T0 = Instant.parse("2027-03-01T08:00:00Z");
  private static Instant now = T0;
  private static ConsoleSessions sessions;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("consoleIdleTimeout", "PT15M", "consoleSessionLifetime", "PT8H"));
    ServerContext c = server.context();
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
    sessions = new ConsoleSessions(new ServerContext(c.vertx(), c.config(), c.endpoints(), c.db(), c.ca(), c.caSecret(),
        c.audit(), c.signers(), clock, c.metrics(), c.scheduler()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void idleSessionEndsAfterTheIdleTimeoutAndActivityKeepsItAlive() throws Exception {
    now = T0;
    Created s = await(sessions.create("1", ConsoleSessions.SIGNED_IN, null));
    now = T0.plus(Duration.ofMinutes(14));
    assertTrue(find(s.cookie()).isPresent());
    now = T0.plus(Duration.ofMinutes(28)); // 14 minutes after the last request
    assertTrue(find(s.cookie()).isPresent());
    now = T0.plus(Duration.ofMinutes(44)); // 16 minutes idle
    assertFalse(find(s.cookie()).isPresent());
    now = T0.plus(Duration.ofMinutes(45));
    assertFalse(find(s.cookie()).isPresent(), "an ended session stays ended");
  }

  @Test
  void activeSessionEndsAfterItsLifetime() throws Exception {
    now = T0;
    Created s = await(sessions.create("1", ConsoleSessions.SIGNED_IN, null));
    for (int minutes = 10; minutes < 8 * 60; minutes += 10) {
      now = T0.plus(Duration.ofMinutes(minutes));
      assertTrue(find(s.cookie()).isPresent(), minutes + " min");
    }
    now = T0.plus(Duration.ofHours(8)).plusSeconds(1);
    assertFalse(find(s.cookie()).isPresent());
  }

  @Test
  void aSessionAwaitingItsCodeLivesFiveMinutes() throws Exception {
    now = T0;
    Created s = await(sessions.create("1", ConsoleSessions.AWAITING_CODE, null));
    Session found = find(s.cookie()).orElseThrow();
    assertFalse(found.signedIn());
    now = T0.plus(Duration.ofMinutes(6));
    assertFalse(find(s.cookie()).isPresent());
  }

  @Test
  void theDatabaseHoldsTheCookiesDigestNotTheCookie() throws Exception {
    now = T0;
    Created s = await(sessions.create("7", ConsoleSessions.SIGNED_IN, null));
    assertEquals(43, s.cookie().length(), "256 random bits, base64url");
    assertNotEquals(s.cookie(), s.session().idHash());
    assertEquals(ConsoleSessions.hash(s.cookie()), s.session().idHash());
    assertTrue(find(s.cookie() + "x").isEmpty());
    assertTrue(find(s.session().idHash()).isEmpty(), "the stored digest is not a cookie");
    Created next = await(sessions.create("7", ConsoleSessions.SIGNED_IN, s.cookie()));
    assertTrue(find(s.cookie()).isEmpty(), "a new sign-in ends the session the browser had");
    assertTrue(find(next.cookie()).isPresent());
    assertTrue(ConsoleSessions.csrfMatches(next.session(), next.session().csrfToken()));
    assertFalse(ConsoleSessions.csrfMatches(next.session(), s.session().csrfToken()));
    assertFalse(ConsoleSessions.csrfMatches(next.session(), null));
  }

  private static Optional<Session> find(String cookie) throws Exception {
    return await(sessions.find(cookie));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
