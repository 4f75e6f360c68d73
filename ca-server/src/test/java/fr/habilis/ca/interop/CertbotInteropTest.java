package fr.habilis.ca.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * certbot, Debian's unmodified ACME client, against the real server: the administrator's EAB
 * credential is all it needs. Its authenticator is a hook that records any call and fails, so a
 * certificate proves that the habilitation alone authorized the order (no challenge was offered).
 */
class CertbotInteropTest {
  private static final String CERTBOT = "/usr/bin/certbot";
  private static TestServer server;
  private static RaFixture.Credential habilitated;

  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(CERTBOT)),
        "certbot is not installed (.ci/run installs Debian's package)");
    server = TestServer.start();
    habilitated = RaFixture.of(server).habilitate("18751275100020", "0123456789",
        RaFixture.servSsl("example.test"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void issuesForHabilitatedNamesWithoutAnyChallenge() throws Exception {
    Run run = certbot(List.of(), "www.example.test", "api.example.test");

    assertEquals(0, run.exitCode, run.output);
    assertFalse(Files.exists(run.hookMarker), "the authenticator was called: a challenge was required");
    Path live = work.resolve("config/live/www.example.test");
    X509Certificate leaf = read(live.resolve("cert.pem")).get(0);
    assertEquals(Set.of("www.example.test", "api.example.test"), Set.copyOf(dnsNames(leaf)));
    assertTrue(leaf.getSubjectX500Principal().getName().contains("O=CENTRE HOSPITALIER INTEROP"),
        "organisation comes from the registry: " + leaf.getSubjectX500Principal());
    assertTrue(leaf.getSubjectX500Principal().getName().contains("OU=318751275100020"));

    String verify = openssl("verify", "-x509_strict", "-purpose", "sslserver",
        "-CAfile", server.trustPem().toString(), "-untrusted", live.resolve("chain.pem").toString(),
        live.resolve("cert.pem").toString());
    assertTrue(verify.endsWith(": OK\n"), verify);
  }

  /** Issue 15 item 12: certbot's --reuse-key renews with the key it has (refused before as "already certified"). */
  @Test
  void renewsWithTheSameKeyUnderReuseKey() throws Exception {
    Run first = certbot(List.of("--reuse-key"), "reuse.example.test");
    assertEquals(0, first.exitCode, first.output);
    Path live = work.resolve("config/live/reuse.example.test");
    X509Certificate before = read(live.resolve("cert.pem")).get(0);

    Run renewal = certbot(List.of("--reuse-key", "--force-renewal"), "reuse.example.test");
    assertEquals(0, renewal.exitCode, renewal.output);
    X509Certificate after = read(live.resolve("cert.pem")).get(0);
    assertNotEquals(before.getSerialNumber(), after.getSerialNumber(), "a new certificate");
    assertEquals(before.getPublicKey(), after.getPublicKey(), "for the same key");
  }

  /**
   * Debian's certbot 2.1 with josepy 1.13 on Python 3.11 hides any newOrder error behind
   * "AttributeError: can't set attribute" (josepy's immutable Error vs contextlib setting
   * __traceback__; fixed in josepy 1.14); its verbose output still shows the server's problem.
   */
  @Test
  void refusesANameOutsideTheHabilitationAndSaysWhy() throws Exception {
    Run run = certbot(List.of("-vv"), "www.elsewhere.test");

    assertNotEquals(0, run.exitCode, run.output);
    assertFalse(Files.exists(run.hookMarker), "no challenge may be offered for a refused name");
    assertTrue(run.output.contains("rejectedIdentifier"), run.output);
    assertTrue(run.output.contains("www.elsewhere.test is outside the habilitated scopes (SERV_SSL DOMAIN example.test)"),
        "the explanation names the identifier and the rule: " + run.output);
    assertFalse(Files.exists(work.resolve("config/live/www.elsewhere.test")));
  }

  private record Run(int exitCode, String output, Path hookMarker) {}

  /** Runs certbot with a fresh account key, so each run binds a fresh EAB credential of the administrator. */
  private Run certbot(List<String> options, String... names) throws Exception {
    RaFixture.Credential credential = RaFixture.of(server).newCredential(habilitated.cardNumber(), habilitated.nationalId());
    Path marker = work.resolve("authenticator-called");
    Path hook = work.resolve("fail-hook.sh");
    Files.writeString(hook, "#!/bin/sh\ntouch '" + marker + "'\nexit 1\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    List<String> cmd = new ArrayList<>(List.of(CERTBOT, "certonly", "--non-interactive", "--agree-tos",
        "--no-eff-email", "-m", "admin@example.test",
        "--server", server.endpoints().directoryUrl(),
        "--eab-kid=" + credential.eabKid(), "--eab-hmac-key=" + credential.eabHmacKey(),
        "--manual", "--preferred-challenges", "http", "--manual-auth-hook", hook.toString(),
        "--config-dir", work.resolve("config").toString(), "--work-dir", work.resolve("work").toString(),
        "--logs-dir", work.resolve("logs").toString()));
    cmd.addAll(options);
    for (String name : names) {
      cmd.add("-d");
      cmd.add(name);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("REQUESTS_CA_BUNDLE", server.trustPem().toString());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "certbot did not finish");
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), marker);
  }

  private static String openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static List<X509Certificate> read(Path pem) throws Exception {
    List<X509Certificate> certs = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
      certs.add((X509Certificate) c);
    }
    return certs;
  }

  private static List<String> dnsNames(X509Certificate cert) throws Exception {
    List<String> names = new ArrayList<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      if ((Integer) san.get(0) == 2) names.add((String) san.get(1));
    }
    return names;
  }
}
