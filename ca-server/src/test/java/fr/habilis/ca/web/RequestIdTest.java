package fr.habilis.ca.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import fr.habilis.ca.logging.LogCapture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every request gets an id (a sane incoming X-Request-Id is kept), echoed in the response; a fault
 * is logged once with that id and answered serverInternal naming it.
 */
class RequestIdTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<String> get(HttpClient client, String url, String requestId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (requestId != null) b.header("X-Request-Id", requestId);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyAnswerCarriesAnIdGeneratedOrKept() throws Exception {
    String directory = server.endpoints().directoryUrl();
    String http = server.endpoints().httpBase();
    HttpClient tls = server.httpClient();
    HttpClient plain = HttpClient.newHttpClient();
    String first = get(tls, directory, null).headers().firstValue("X-Request-Id").orElse("");
    String second = get(tls, directory, null).headers().firstValue("X-Request-Id").orElse("");
    assertTrue(first.matches("[0-9a-f]{16}"), first);
    assertNotEquals(first, second, "each request has its own id");
    assertEquals("lb-7f3a.42", get(tls, directory, "lb-7f3a.42").headers().firstValue("X-Request-Id").orElse(""));
    for (String insane : List.of("two words", "x".repeat(65), "a;b", "é")) {
      String echoed = get(tls, directory, insane).headers().firstValue("X-Request-Id").orElse("");
      assertTrue(echoed.matches("[0-9a-f]{16}"), "replaced, not echoed: " + insane + " -> " + echoed);
    }
    // Error answers too, on every listener and front end.
    for (String url : List.of(http + "/certs/nothing.pem", http + "/crl/none.crl", http + "/nowhere",
        server.endpoints().acmeBase() + "/acct/1", server.endpoints().raUrl() + "/v1/structures/X")) {
      HttpResponse<String> r = get(url.startsWith("https") ? tls : plain, url, "trace-" + Math.abs(url.hashCode()));
      assertTrue(r.statusCode() >= 400, url + " " + r.statusCode());
      assertEquals("trace-" + Math.abs(url.hashCode()), r.headers().firstValue("X-Request-Id").orElse(""), url);
    }
  }

  @Test
  void aFaultIsLoggedOnceWithTheIdAndAnsweredServerInternalNamingIt() throws Exception {
    Vertx vertx = server.vertx();
    Router router = Router.router(vertx);
    RequestIds.install(router);
    router.get("/boom").handler(rc -> {
      throw new IllegalStateException("a bug");
    }).failureHandler(new ProblemHandler(HttpProblems::toProblem, null));
    HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    LogCapture log = LogCapture.of(ProblemHandler.class, Level.INFO);
    try {
      HttpResponse<String> r = get(HttpClient.newHttpClient(), "http://127.0.0.1:" + http.actualPort() + "/boom", "case-500");
      assertEquals(500, r.statusCode());
      assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals("case-500", r.headers().firstValue("X-Request-Id").orElse(""));
      JsonObject body = new JsonObject(r.body());
      assertTrue(body.getString("detail").contains("case-500"), body.encode());
      assertTrue(!body.encode().contains("a bug") && !body.encode().contains("IllegalState"), "no internals: " + body.encode());
      List<ILoggingEvent> severe = log.atLeast(Level.WARN);
      assertEquals(1, severe.size(), "logged once");
      assertTrue(severe.get(0).getFormattedMessage().contains("case-500"), severe.get(0).getFormattedMessage());
      assertEquals("a bug", severe.get(0).getThrowableProxy().getMessage());
    } finally {
      log.close();
      http.close();
    }
  }
}
