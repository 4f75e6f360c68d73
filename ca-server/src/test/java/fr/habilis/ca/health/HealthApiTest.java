package fr.habilis.ca.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The health endpoints over real HTTP on a real server, healthy and with its database failing underneath. */
class HealthApiTest {
  @Test
  void liveAndReadyAnswerUpAndEndpointsJsonNamesTheProbe() throws Exception {
    try (TestServer s = TestServer.start()) {
      HttpResponse<String> live = get(s, s.endpoints().httpBase() + "/health/live");
      assertEquals(200, live.statusCode());
      assertEquals("application/json", live.headers().firstValue("Content-Type").orElse(""));
      assertEquals("UP", new JsonObject(live.body()).getString("status"));

      String healthUrl = new JsonObject(Files.readString(s.dataDir().resolve("endpoints.json"))).getString("healthUrl");
      assertEquals(s.endpoints().httpBase() + "/health/ready", healthUrl);
      HttpResponse<String> ready = get(s, healthUrl);
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals(new JsonObject().put("status", "UP").put("checks",
          new JsonObject().put("listeners", "UP").put("caKeys", "UP").put("database", "UP")), new JsonObject(ready.body()));
    }
  }

  @Test
  void anExhaustedPoolIsNotReadyWithinTheProbeTimeoutAndRecovers() throws Exception {
    try (TestServer s = TestServer.start(Map.of("dbPoolSize", "2"))) {
      HikariDataSource pool = (HikariDataSource) s.context().db().dataSource();
      List<Connection> held = new ArrayList<>();
      try {
        for (int i = 0; i < pool.getMaximumPoolSize(); i++) held.add(pool.getConnection());
        long t0 = System.nanoTime();
        HttpResponse<String> ready = get(s, s.endpoints().healthUrl());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(503, ready.statusCode(), ready.body());
        JsonObject body = new JsonObject(ready.body());
        assertEquals("DOWN", body.getString("status"));
        assertEquals("DOWN", body.getJsonObject("checks").getString("database"));
        assertTrue(body.getString("reason").startsWith("database: "), body.encode());
        // The probe's own timeout, not the pool's 30 s connection timeout.
        assertTrue(ms < 15_000, "answered after " + ms + " ms");
        assertEquals(200, get(s, s.endpoints().httpBase() + "/health/live").statusCode(), "the process still serves");
      } finally {
        for (Connection c : held) c.close();
      }
      assertEquals(200, get(s, s.endpoints().healthUrl()).statusCode(), "ready again once connections are back");
    }
  }

  @Test
  void aClosedDatabaseIsNotReadyWithItsReason() throws Exception {
    try (TestServer s = TestServer.start()) {
      ((HikariDataSource) s.context().db().dataSource()).close();
      HttpResponse<String> ready = get(s, s.endpoints().healthUrl());
      assertEquals(503, ready.statusCode(), ready.body());
      JsonObject body = new JsonObject(ready.body());
      assertTrue(body.getString("reason").startsWith("database: ") && body.getString("reason").contains("closed"), body.encode());
      assertEquals("UP", body.getJsonObject("checks").getString("caKeys"));
    }
  }

  private static HttpResponse<String> get(TestServer s, String url) throws Exception {
    return s.httpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
