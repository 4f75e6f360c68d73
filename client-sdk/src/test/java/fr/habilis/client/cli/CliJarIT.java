package fr.habilis.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.client.CaFixture;
import fr.habilis.client.EabCredential;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code habilis-cli.jar} as a separate process, configured the way a cron job or a
 * systemd unit would: HABILIS_CLIENT_* environment variables, secrets from the environment.
 */
class CliJarIT {
  private static CaFixture ca;
  @TempDir static Path dir;

  record Result(int exit, String out) {}

  @BeforeAll
  static void start() throws Exception {
    ca = CaFixture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    ca.close();
  }

  static Result cli(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        System.getProperty("habilis.cli.jar")));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  @Test
  void fromRegistrationToARenewedCertificateWithEnvironmentOnly() throws Exception {
    EabCredential eab = ca.credential();
    Map<String, String> env = new HashMap<>();
    env.put("HABILIS_CLIENT_DIRECTORY", ca.directory().toString());
    env.put("HABILIS_CLIENT_TRUST_PEM", ca.server.trustPem().toString());
    env.put("HABILIS_CLIENT_STATE_DIR", dir.resolve("state").toString());
    env.put("HABILIS_CLIENT_EAB_HMAC_KEY", eab.hmacKey());
    env.put("P12_PASSWORD", "Secret-from-env-1");

    Result help = cli(env, "--help");
    assertEquals(0, help.exit(), help.out());
    assertTrue(help.out().contains("Exit codes"), help.out());

    Result register = cli(env, "account", "register", "--eab-kid", eab.keyId());
    assertEquals(0, register.exit(), register.out());

    Path p12 = dir.resolve("insi-auto.p12");
    Result order = cli(env, "cert", "order", "--product", "ORG_AUTH_CLI", "--structure", CaFixture.NATIONAL_ID,
        "--cn", "INSI-AUTO", "--name", "insi-auto", "--p12", p12.toString(), "--password-env", "P12_PASSWORD");
    assertEquals(0, order.exit(), order.out());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "Secret-from-env-1".toCharArray());
    }
    String firstSerial = ((java.security.cert.X509Certificate) ks.getCertificate("insi-auto")).getSerialNumber().toString(16);

    Result renew = cli(env, "cert", "renew", "--all", "--force");
    assertEquals(0, renew.exit(), renew.out());
    assertTrue(renew.out().contains("insi-auto: renewed") && renew.out().contains("replaces " + firstSerial), renew.out());

    Result status = cli(env, "cert", "status", "insi-auto");
    assertEquals(0, status.exit(), status.out());
    assertTrue(status.out().contains("renewals    1"), status.out());
  }

  @Test
  void aMissingPasswordVariableIsBadInputAndNothingIsOrdered() throws Exception {
    Map<String, String> env = Map.of("HABILIS_CLIENT_STATE_DIR", dir.resolve("empty-state").toString());
    Result r = cli(env, "cert", "order", "--product", "ORG_AUTH_CLI", "--structure", CaFixture.NATIONAL_ID, "--cn", "INSI-AUTO",
        "--p12", dir.resolve("never.p12").toString(), "--password-env", "NOT_SET_ANYWHERE");
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.out().contains("NOT_SET_ANYWHERE"), r.out());
    assertFalse(Files.exists(dir.resolve("never.p12")));
  }
}
