package fr.habilis.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.client.CaFixture;
import fr.habilis.client.EabCredential;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI completes while the CA rejects 30 % of valid nonces, and across a CA restart in the middle of an order. */
class CliRobustnessTest {
  private static CaFixture ca;
  @TempDir static Path shared;
  private static List<String> global;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    ca = CaFixture.start(Map.of("testNonceRejectPercent", "30"));
    global = List.of("--directory", ca.directory().toString(), "--trust-pem", ca.server.trustPem().toString(),
        "--state-dir", shared.resolve("state").toString(), "--timeout", "60s");
    EabCredential eab = ca.credential();
    Path key = Files.writeString(shared.resolve("eab.key"), eab.hmacKey());
    CliRun r = CliRun.with(global, "account", "register", "--eab-kid", eab.keyId(), "--eab-hmac-key-file", key.toString());
    assertEquals(0, r.exit(), r.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    ca.close();
  }

  @Test
  void ordersAndRenewsWhileThirtyPercentOfNoncesAreRejected() throws Exception {
    for (int i = 0; i < 5; i++) {
      CliRun r = CliRun.with(global, "cert", "order", "--product", "ORG_AUTH_CLI", "--structure", CaFixture.NATIONAL_ID,
          "--cn", i % 2 == 0 ? "INSI-AUTO" : "INSI-MANU", "--key-type", "EC_P256", "--name", "nonce-" + i,
          "--pem-dir", dir.resolve("nonce-" + i).toString());
      assertEquals(0, r.exit(), r.toString());
    }
    CliRun renew = CliRun.with(global, "cert", "renew", "nonce-0", "nonce-1", "nonce-2", "nonce-3", "nonce-4", "--force");
    assertEquals(0, renew.exit(), renew.toString());
    assertTrue(renew.out().contains("5 renewed"), renew.out());
  }

  @Test
  void anOrderSurvivesACaRestartInTheMiddleOfItsFlow() throws Exception {
    // The CA is stopped as soon as the CLI reports that the order exists, and started again 2 s later.
    AtomicBoolean restarted = new AtomicBoolean();
    List<Exception> failures = new ArrayList<>();
    StringWriter errText = new StringWriter();
    Writer trigger = new Writer() {
      @Override
      public void write(char[] buf, int off, int len) {
        errText.write(buf, off, len);
        if (errText.toString().contains(" is ready") && restarted.compareAndSet(false, true)) {
          try {
            ca.stop();
          } catch (Exception e) {
            failures.add(e);
          }
          Thread t = new Thread(() -> {
            try {
              Thread.sleep(2000);
              ca.startAgain();
            } catch (Exception e) {
              failures.add(e);
            }
          });
          t.start();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    StringWriter out = new StringWriter();
    List<String> args = new ArrayList<>(global);
    args.addAll(List.of("cert", "order", "--product", "SERV_SSL", "-d", "restart.example.test", "--key-type", "EC_P256",
        "--name", "restart", "--pem-dir", dir.resolve("restart").toString()));
    int exit = HabilisCli.run(new PrintWriter(out, true), new PrintWriter(trigger, true), args.toArray(new String[0]));
    assertTrue(restarted.get(), "the CA was restarted during the order: " + errText);
    assertTrue(failures.isEmpty(), failures.toString());
    assertEquals(0, exit, out + "\n" + errText);
    assertTrue(errText.toString().contains("retrying"), errText.toString());
    assertTrue(Files.exists(dir.resolve("restart/fullchain.pem")));
  }
}
