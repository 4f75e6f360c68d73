package fr.habilis.ca.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 15 item 14: a known resource asked with another method answers 405 with Allow, not 404. */
class MethodNotAllowedTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<String> send(HttpClient client, String method, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void knownResourcesAnswer405WithAllow() throws Exception {
    String acme = server.endpoints().acmeBase();
    String http = server.endpoints().httpBase();
    record Case(String method, String url, String allow) {}
    for (Case c : List.of(
        new Case("PUT", acme + "/new-nonce", "GET, HEAD"),
        new Case("DELETE", acme + "/new-nonce", "GET, HEAD"),
        new Case("POST", server.endpoints().directoryUrl(), "GET"),
        new Case("PUT", server.endpoints().directoryUrl(), "GET"),
        new Case("DELETE", http + "/certs/root.pem", "GET, HEAD"),
        new Case("PUT", http + "/ocsp", "GET, POST"),
        new Case("POST", http + "/ocsp/MAA", "GET"),
        new Case("DELETE", http + "/crl/org.crl", "GET, HEAD"))) {
      HttpResponse<String> r = send(c.url().startsWith("https") ? server.httpClient() : HttpClient.newHttpClient(), c.method(), c.url());
      assertEquals(405, r.statusCode(), c + " " + r.body());
      assertEquals(c.allow(), r.headers().firstValue("Allow").orElse(""), c.toString());
    }
    HttpResponse<String> head = send(HttpClient.newHttpClient(), "HEAD", http + "/certs/root.pem");
    assertEquals(200, head.statusCode(), "HEAD is GET without the body");
    assertTrue(head.body().isEmpty());
    assertEquals("application/x-pem-file", head.headers().firstValue("Content-Type").orElse(""));
  }
}
