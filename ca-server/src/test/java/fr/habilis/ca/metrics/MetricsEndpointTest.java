package fr.habilis.ca.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.revocation.RevocationFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * GET /metrics after a real ACME issuance, a revocation and OCSP queries: the Prometheus text
 * parses line by line, the expected series are there with plausible values, and route labels are
 * route patterns (never an id from a path).
 */
class MetricsEndpointTest {
  /** A route label: segments of lower-case words, ":name" parameters or a final "*", or "unmatched". */
  private static final Pattern ROUTE_PATTERN = Pattern.compile("unmatched|(/([a-z][a-z0-9.-]*|:[a-zA-Z]+))*(/\\*)?|/");

  @Test
  void scrapeAfterIssuanceRevocationAndOcspParsesWithTheExpectedSeries() throws Exception {
    try (TestServer server = TestServer.start()) {
      RevocationFixture fx = new RevocationFixture(server);
      RaFixture.Credential admin = fx.ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("metrics.test"));
      RawAcmeClient acme = fx.account(admin);
      RevocationFixture.Issued cert = fx.issue(acme, "www.metrics.test");
      byte[] ocsp = ocspRequest(cert);
      assertEquals(200, fx.ocspPost(ocsp).statusCode());
      assertEquals(200, fx.ocspPost(ocsp).statusCode()); // the same request again: a cache hit
      String revoke = new JsonObject().put("certificate", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(cert.certificate().getEncoded())).put("reason", 4).encode();
      assertEquals(200, acme.post(acme.url("revokeCert"), revoke, false).statusCode());
      // Refusals and paths with ids that must not become labels.
      assertEquals(400, acme.post(acme.url("revokeCert"), revoke, false).statusCode()); // alreadyRevoked
      assertEquals(404, acme.post(acme.accountUrl.replaceAll("/acct/\\d+$", "/order/987654321"), "", false).statusCode());
      assertEquals(404, fx.httpGet(server.endpoints().httpBase() + "/nowhere/123456").statusCode());
      assertEquals(200, fx.httpGet(server.endpoints().crlUrl("org")).statusCode());
      HttpResponse<String> brew = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.endpoints().httpBase() + "/pot")).method("BREW", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, brew.statusCode());

      HttpResponse<String> r = get(server.endpoints().httpBase() + "/metrics", null);
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
      PrometheusText text = PrometheusText.parse(r.body());

      for (PrometheusText.Sample s : text.samples()) {
        assertTrue(s.name().startsWith("habilis_"), "every series is under habilis_: " + s);
        assertFalse(Double.isNaN(s.value()) && !s.name().contains("gc"), "a number: " + s);
      }
      Set<String> routes = new TreeSet<>();
      text.named("habilis_http_requests_seconds_count").forEach(s -> routes.add(s.labels().get("route")));
      for (String route : routes) assertTrue(ROUTE_PATTERN.matcher(route).matches(), "a pattern, not a path: " + route + " in " + routes);
      assertTrue(routes.containsAll(List.of("/acme/new-account", "/acme/new-order", "/acme/order/:id/finalize", "/acme/cert/:serial",
          "/acme/revoke-cert", "/ocsp", "/crl/:file", "/ra/v1/structures", "unmatched")), routes.toString());
      assertTrue(routes.contains("/acme/order/:id"), "the refused order request is labelled by its pattern: " + routes);

      String requests = text.named("habilis_http_requests_seconds_count").toString();
      assertEquals(1, text.sum("habilis_http_requests_seconds_count",
          Map.of("method", "POST", "route", "/acme/order/:id/finalize", "status", "200")), requests);
      assertEquals(1, text.sum("habilis_http_requests_seconds_count", Map.of("method", "other", "route", "unmatched")),
          "a method of the client's invention is no label: " + requests);
      assertFalse(r.body().contains("BREW"));
      assertEquals(1, text.sum("habilis_http_requests_seconds_count", Map.of("route", "/acme/order/:id", "status", "404")), requests);
      assertEquals(2, text.sum("habilis_http_requests_seconds_count", Map.of("route", "/ocsp", "status", "200")));
      double finalizeSeconds = text.sum("habilis_http_requests_seconds_sum", Map.of("route", "/acme/order/:id/finalize"));
      assertTrue(finalizeSeconds > 0 && finalizeSeconds < 60, "finalize latency " + finalizeSeconds);
      assertEquals(1, text.sum("habilis_http_requests_seconds_bucket",
          Map.of("route", "/acme/order/:id/finalize", "status", "200", "le", "+Inf")), "a histogram, +Inf bucket = count");
      assertEquals("histogram", text.types().get("habilis_http_requests_seconds"));

      assertEquals(1, text.sum("habilis_issuances_total", Map.of()), "one certificate issued");
      assertEquals(1, text.named("habilis_issuances_total").stream().filter(s -> s.value() > 0).count());
      assertEquals(1, text.sum("habilis_revocations_total", Map.of("reason", "superseded")));
      assertEquals(1, text.sum("habilis_refusals_total", Map.of("reason", "already_revoked")));
      assertEquals(3, text.sum("habilis_refusals_total", Map.of("reason", "not_found")), "the order, /nowhere and /pot");
      assertEquals(1, text.sum("habilis_ocsp_cache_total", Map.of("result", "miss")));
      assertEquals(1, text.sum("habilis_ocsp_cache_total", Map.of("result", "hit")));
      // Signed on the miss, and again when the revocation replaced the cached response.
      assertTrue(text.sum("habilis_ocsp_signing_seconds_count", Map.of()) >= 2, r.body());
      assertTrue(text.sum("habilis_crl_generation_seconds_count", Map.of("ca", "org")) >= 1);
      assertTrue(text.sum("habilis_crl_size_bytes", Map.of("ca", "org")) > 100, "a signed CRL is a few hundred bytes");

      assertEquals(4, text.sum("habilis_hikaricp_connections_max", Map.of("pool", "habilis-db")));
      assertTrue(text.sum("habilis_hikaricp_connections_acquire_seconds_count", Map.of()) > 5, "every transaction borrows one");
      assertTrue(text.sum("habilis_jvm_memory_used_bytes", Map.of("area", "heap")) > 1_000_000);
      assertTrue(text.sum("habilis_jvm_threads_live_threads", Map.of()) > 5);
      assertTrue(text.sum("habilis_system_cpu_count", Map.of()) >= 1);
      assertFalse(text.named("habilis_jvm_gc_memory_allocated_bytes_total").isEmpty(), "GC metrics bound");

      JsonObject endpoints = new JsonObject(Files.readString(server.dataDir().resolve("endpoints.json")));
      assertEquals(server.endpoints().httpBase() + "/metrics", endpoints.getString("metricsUrl"));
    }
  }

  @Test
  void aMetricsTokenIsRequiredWhenConfigured() throws Exception {
    try (TestServer server = TestServer.start(Map.of("metricsToken", "scrape-secret-1"))) {
      String url = server.endpoints().httpBase() + "/metrics";
      HttpResponse<String> none = get(url, null);
      assertEquals(401, none.statusCode());
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertEquals(401, get(url, "Bearer scrape-secret-2").statusCode());
      assertEquals(401, get(url, "scrape-secret-1").statusCode());
      HttpResponse<String> ok = get(url, "Bearer scrape-secret-1");
      assertEquals(200, ok.statusCode());
      assertFalse(PrometheusText.parse(ok.body()).named("habilis_http_requests_seconds_count").isEmpty());
    }
  }

  @Test
  void aMetricsPortServesThemOnAListenerOfTheirOwnAndTheHttpListenerNoLonger() throws Exception {
    try (TestServer server = TestServer.start(Map.of("metricsPort", "0", "metricsBindAddress", "127.0.0.1"))) {
      JsonObject endpoints = new JsonObject(Files.readString(server.dataDir().resolve("endpoints.json")));
      String url = endpoints.getString("metricsUrl");
      assertTrue(url.startsWith("http://127.0.0.1:") && url.endsWith("/metrics"), url);
      assertFalse(url.startsWith(server.endpoints().httpBase()), url);
      HttpResponse<String> ok = get(url, null);
      assertEquals(200, ok.statusCode());
      assertFalse(PrometheusText.parse(ok.body()).named("habilis_jvm_threads_live_threads").isEmpty());
      assertEquals(404, get(server.endpoints().httpBase() + "/metrics", null).statusCode());
      assertEquals(404, get(url.replace("/metrics", "/ocsp"), null).statusCode(), "nothing but metrics there");
    }
  }

  @Test
  void metricsCanBeTurnedOff() throws Exception {
    try (TestServer server = TestServer.start(Map.of("metricsEnabled", "false"))) {
      assertEquals(404, get(server.endpoints().httpBase() + "/metrics", null).statusCode());
      JsonObject endpoints = new JsonObject(Files.readString(server.dataDir().resolve("endpoints.json")));
      assertTrue(endpoints.containsKey("metricsUrl"));
      assertNull(endpoints.getString("metricsUrl"));
    }
  }

  private static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (authorization != null) b.header("Authorization", authorization);
    return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] ocspRequest(RevocationFixture.Issued cert) throws Exception {
    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(cert.issuer()), cert.certificate().getSerialNumber());
    return new OCSPReqBuilder().addRequest(id).build().getEncoded();
  }
}
