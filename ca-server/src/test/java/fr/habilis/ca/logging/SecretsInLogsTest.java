package fr.habilis.ca.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import fr.habilis.ca.HabilisServer;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.Acme4jSessions;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.pki.CaSecret;
import fr.habilis.ca.revocation.RevocationFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.slf4j.LoggerFactory;

/**
 * Issue 17: a full run logged at DEBUG — start-up with a generated keystore password, RA
 * structure, habilitation, approval and EAB credentials, ACME accounts bound with EAB, orders,
 * finalize, revocation, key change, bad inputs (a wrong EAB key, a wrong RA token, a wrong metrics
 * token, malformed and replayed requests), shutdown — and not one line, rendered as text or as
 * JSON with its stack traces, holds an EAB HMAC key (base64url, base64 or hex), the RA token, the
 * keystore password, the CA secret, the metrics token or a PEM private key.
 */
class SecretsInLogsTest {
  private static final String METRICS_TOKEN = "metrics-token-" + HexFormat.of().formatHex(random(12));

  @Test
  void aFullRunLogsNoSecret() throws Exception {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    Map<String, Level> levels = new LinkedHashMap<>();
    for (String name : List.of("fr.habilis", "habilis", "habilis.access")) {
      levels.put(name, lc.getLogger(name).getLevel());
      lc.getLogger(name).setLevel(null); // inherit the root's DEBUG below
    }
    java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
    java.util.logging.Level julBefore = julRoot.getLevel();
    Logging.bridgeJul();
    julRoot.setLevel(java.util.logging.Level.FINE);
    Map<String, String> secrets = new LinkedHashMap<>();
    List<ILoggingEvent> events;
    try (LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.DEBUG)) {
      fullRun(secrets);
      events = log.events();
    } finally {
      julRoot.setLevel(julBefore);
      levels.forEach((name, level) -> lc.getLogger(name).setLevel(level));
    }

    List<String> lines = render(lc, events);
    assertTrue(events.stream().anyMatch(e -> e.getLevel() == Level.DEBUG), "captured at DEBUG");
    assertTrue(lines.stream().anyMatch(l -> l.contains("habilis.access") && l.contains("/acme/key-change") && l.contains("account=")),
        "the access log of the key change is there, with its account");
    assertTrue(lines.stream().anyMatch(l -> l.contains("habilis.access") && l.contains("/ra/v1/admins/:cardNumber/eab")),
        "the access log of the EAB minting is there");
    assertTrue(secrets.size() >= 10, secrets.keySet().toString());
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      if (line.contains("PRIVATE KEY")) leaks.add("PEM private key in: " + line);
      secrets.forEach((what, value) -> {
        if (line.contains(value)) leaks.add(what + " in: " + line);
      });
    }
    assertEquals(List.of(), leaks, lines.size() + " log lines checked");
  }

  private static void fullRun(Map<String, String> secrets) throws Exception {
    try (TestServer server = TestServer.start(Map.of("metricsToken", METRICS_TOKEN))) {
      secrets.put("RA token", server.raToken());
      secrets.put("keystore password", Files.readString(server.dataDir().resolve(HabilisServer.KEYSTORE_PASSWORD_FILE)).strip());
      secrets.put("metrics token", METRICS_TOKEN);
      byte[] caSecret = caSecretBytes(server.context().caSecret());
      addForms(secrets, "CA secret", caSecret);

      RevocationFixture fx = new RevocationFixture(server);
      RaFixture.Credential first = fx.ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("secrets.test"));
      RaFixture.Credential second = fx.ra.newCredential(first.cardNumber(), first.nationalId());
      RaFixture.Credential unused = fx.ra.newCredential(first.cardNumber(), first.nationalId());
      for (RaFixture.Credential c : List.of(first, second, unused)) {
        addForms(secrets, "EAB HMAC key " + c.eabKid(), Base64.getUrlDecoder().decode(c.eabHmacKey()));
      }

      // An account bound with EAB, an order finalized, the certificate revoked, a replay refused.
      RawAcmeClient raw = fx.account(first);
      RevocationFixture.Issued cert = fx.issue(raw, "www.secrets.test");
      String revoke = new JsonObject().put("certificate", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(cert.certificate().getEncoded())).put("reason", 4).encode();
      assertEquals(200, raw.post(raw.url("revokeCert"), revoke, false).statusCode());
      assertEquals(400, raw.post(raw.url("revokeCert"), revoke, false).statusCode());

      // acme4j: a second account, an order, a key change, an order under the new key.
      Login login = new AccountBuilder().agreeToTermsOfService().addEmail("admin@example.test").useKeyPair(Acme4jSessions.ecKey())
          .withKeyIdentifier(second.eabKid(), second.eabHmacKey()).createLogin(Acme4jSessions.session(server));
      login.newOrder().domain("one.secrets.test").create();
      KeyPair rolled = Acme4jSessions.ecKey();
      login.getAccount().changeKey(rolled);
      login.newOrder().domain("two.secrets.test").create();

      // Bad inputs: an EAB MAC made with a wrong key, an EAB kid already bound, wrong tokens,
      // a malformed JWS, a bad nonce, garbage OCSP.
      String wrongKey = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
      addForms(secrets, "wrong EAB key", Base64.getUrlDecoder().decode(wrongKey));
      RawAcmeClient stranger = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
      HttpResponse<String> badMac = stranger.register(new RaFixture.Credential(unused.cardNumber(), unused.eabKid(), wrongKey,
          unused.nationalId()));
      assertTrue(badMac.statusCode() >= 400 && badMac.statusCode() < 500, badMac.body());
      RawAcmeClient reuse = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
      HttpResponse<String> bound = reuse.register(first);
      assertTrue(bound.statusCode() >= 400 && bound.statusCode() < 500, bound.body());
      String wrongToken = "wrong-ra-token-" + HexFormat.of().formatHex(random(12));
      secrets.put("wrong RA token", wrongToken);
      HttpResponse<String> ra = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + "/structures"))
          .header("Authorization", "Bearer " + wrongToken).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, ra.statusCode(), ra.body());
      String wrongMetrics = "wrong-metrics-" + HexFormat.of().formatHex(random(12));
      secrets.put("wrong metrics token", wrongMetrics);
      HttpResponse<String> metrics = server.httpClient().send(HttpRequest.newBuilder(URI.create(server.endpoints().httpBase() + "/metrics"))
          .header("Authorization", "Bearer " + wrongMetrics).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, metrics.statusCode());
      assertEquals(400, raw.send(raw.url("newOrder"), "{\"protected\":\"e30\",\"payload\":\"\",\"signature\":\"AA\"}",
          "application/jose+json").statusCode());
      assertEquals(400, raw.post(raw.url("newOrder"), "{}", false).statusCode()); // no identifiers
      raw.nonce = "not-a-nonce";
      assertEquals(400, raw.post(raw.url("newOrder"), "{}", false).statusCode());
      assertEquals(200, fx.ocspPost("garbage".getBytes(StandardCharsets.US_ASCII)).statusCode());
    }
  }

  /** The ways a secret could be written: as given (base64url), base64 with and without padding, hex. */
  private static void addForms(Map<String, String> secrets, String what, byte[] raw) {
    secrets.put(what + " (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
    secrets.put(what + " (base64)", Base64.getEncoder().withoutPadding().encodeToString(raw));
    secrets.put(what + " (hex)", HexFormat.of().formatHex(raw));
    secrets.put(what + " (HEX)", HexFormat.of().withUpperCase().formatHex(raw));
  }

  /** Every event as the text layout and as the JSON encoder write it, stack traces included. */
  private static List<String> render(LoggerContext lc, List<ILoggingEvent> events) {
    PatternLayout text = new PatternLayout();
    text.setContext(lc);
    text.setPattern("%d %level %logger %msg %kvp %mdc%n%ex");
    text.start();
    JsonEncoder json = new JsonEncoder();
    json.setContext(lc);
    json.start();
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : events) {
      lines.addAll(text.doLayout(e).lines().toList());
      lines.add(new String(json.encode(e), StandardCharsets.UTF_8));
    }
    return lines;
  }

  private static byte[] caSecretBytes(CaSecret secret) throws Exception {
    var field = CaSecret.class.getDeclaredField("ikm");
    field.setAccessible(true);
    return (byte[]) field.get(secret);
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
