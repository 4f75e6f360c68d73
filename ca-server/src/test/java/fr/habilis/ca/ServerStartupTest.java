package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.pki.CaHierarchy;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerStartupTest {
  @TempDir Path tmp;

  @Test
  void readyServerWritesEndpointsJsonAndPublishesTheHierarchy() throws Exception {
    try (TestServer s = TestServer.start()) {
      JsonObject endpoints = new JsonObject(Files.readString(s.dataDir().resolve("endpoints.json")));
      for (String key : new String[] {"directoryUrl", "raUrl", "httpUrl", "trustPem", "raTokenFile"}) {
        assertNotNull(endpoints.getValue(key), key);
      }
      assertTrue(endpoints.getString("directoryUrl").endsWith("/acme/directory"));
      assertTrue(endpoints.getString("raUrl").endsWith("/ra/v1"));
      assertEquals(s.raToken(), Files.readString(Path.of(endpoints.getString("raTokenFile"))).trim());

      HttpResponse<byte[]> root = s.httpClient().send(
          HttpRequest.newBuilder(URI.create(s.endpoints().caIssuersUrl("root"))).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, root.statusCode());
      assertEquals("application/pkix-cert", root.headers().firstValue("Content-Type").orElse(""));
      X509Certificate published = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(root.body()));
      assertEquals("CN=TEST AC RACINE HABILIS,OU=HABILIS TEST,O=HABILIS,C=FR", published.getSubjectX500Principal().getName());
      assertArrayEquals(s.context().ca().root().getEncoded(), published.getEncoded());

      // HTTPS answers with a certificate chaining to the published trust anchor.
      HttpResponse<String> https = s.httpClient().send(
          HttpRequest.newBuilder(URI.create(s.endpoints().httpsBase().replace("localhost", "127.0.0.1") + "/nothing-here")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, https.statusCode());
    }
  }

  @Test
  void hierarchyFollowsTheIgcSanteNamingAndStructure() throws Exception {
    try (TestServer s = TestServer.start()) {
      CaHierarchy ca = s.context().ca();
      assertEquals("CN=TEST AC HABILIS ORGANISATIONS,OU=HABILIS TEST,O=HABILIS,C=FR", ca.org().certificate().getSubjectX500Principal().getName());
      assertEquals("CN=TEST AC HABILIS PERSONNES,OU=HABILIS TEST,O=HABILIS,C=FR", ca.pro().certificate().getSubjectX500Principal().getName());
      assertEquals(0, ca.org().certificate().getBasicConstraints());
      assertTrue(ca.org().ocspCertificate().getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.9"));
      assertNotNull(ca.org().ocspCertificate().getExtensionValue("1.3.6.1.5.5.7.48.1.5"));
      ca.org().certificate().verify(ca.root().getPublicKey());
      ca.pro().ocspCertificate().verify(ca.pro().certificate().getPublicKey());
    }
  }

  @Test
  void restartReusesTheSameHierarchyAndSecrets() throws Exception {
    Path dir = tmp.resolve("data");
    TestServer first = TestServer.start(Map.of("dataDir", dir.toString()));
    byte[] root = first.context().ca().root().getEncoded();
    byte[] org = first.context().ca().org().certificate().getEncoded();
    String token = first.raToken();
    first.stop();
    TestServer second = TestServer.start(Map.of("dataDir", dir.toString()));
    try {
      assertArrayEquals(root, second.context().ca().root().getEncoded());
      assertArrayEquals(org, second.context().ca().org().certificate().getEncoded());
      assertEquals(token, second.raToken());
    } finally {
      second.stop();
    }
  }

  @Test
  void productionWithoutCaMaterialRefusesToStartAndCreatesNothing() {
    Path dir = tmp.resolve("prod");
    java.util.HashMap<String, String> production = new java.util.HashMap<>(fr.habilis.ca.config.ProductionGuardsTest.production());
    production.put("dataDir", dir.toString());
    ConfigException e = startFails(production);
    assertTrue(e.getMessage().contains("no CA material configured"), e.getMessage());
    assertFalse(Files.exists(dir), "a refused start leaves no data directory");
  }

  @Test
  void productionWithoutKeystorePasswordRefusesToStart() {
    ConfigException e = startFails(Map.of("environment", "production", "dataDir", tmp.resolve("p2").toString()));
    assertTrue(e.getMessage().contains("keystorePassword"), e.getMessage());
  }

  @Test
  void wrongKeystorePasswordIsOneClearLine() throws Exception {
    Path dir = tmp.resolve("data");
    TestServer.start(Map.of("dataDir", dir.toString(), "keystorePassword", "right-password")).stop();
    ConfigException e = startFails(Map.of("dataDir", dir.toString(), "keystorePassword", "wrong-password"));
    assertTrue(e.getMessage().startsWith("cannot read CA keystore"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("ca-keystore.p12")), "an existing data directory is never removed");
  }

  @Test
  void occupiedPortIsRefusedByName() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      ConfigException e = startFails(Map.of("httpsPort", Integer.toString(taken.getLocalPort()), "dataDir", tmp.resolve("x").toString()));
      assertTrue(e.getMessage().contains("httpsPort") && e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
    }
  }

  private static ConfigException startFails(Map<String, String> settings) {
    java.util.HashMap<String, String> all = new java.util.HashMap<>(Map.of("httpPort", "0", "httpsPort", "0", "caKeyAlgorithm", "EC-P384"));
    all.putAll(settings);
    Vertx vertx = Vertx.vertx();
    try {
      ExecutionException e = assertThrows(ExecutionException.class, () -> HabilisServer.start(vertx, HabilisConfig.of(all))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof ConfigException, String.valueOf(e.getCause()));
      return (ConfigException) e.getCause();
    } finally {
      vertx.close();
    }
  }
}
