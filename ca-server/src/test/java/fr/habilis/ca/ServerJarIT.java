package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run contract, checked on the packaged jar exactly as an operator starts it. */
class ServerJarIT {
  @TempDir Path work;

  record Run(int exit, String stdout, String stderr) {}

  @Test
  void badConfigurationValueExitsNonZeroWithOneLine() throws Exception {
    Run r = run(Map.of("HABILIS_HTTPS_PORT", "70000"), 30);
    assertEquals(2, r.exit());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("HABILIS_HTTPS_PORT") && r.stderr().contains("70000"), r.stderr());
    assertFalse(Files.exists(work.resolve("habilis-data")), "nothing created");
  }

  @Test
  void unknownConfigurationKeyInFileExitsNonZero() throws Exception {
    Files.writeString(work.resolve("habilis.yaml"), "environment: test\nhttpPort: 0\nbogusKey: 1\n");
    Run r = run(Map.of(), 30, "--config", work.resolve("habilis.yaml").toString());
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains("unknown configuration key 'bogusKey'"), r.stderr());
  }

  @Test
  void occupiedPortExitsNonZeroNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run r = run(Map.of("HABILIS_HTTP_PORT", Integer.toString(taken.getLocalPort()), "HABILIS_HTTPS_PORT", "0"), 30);
      assertEquals(2, r.exit());
      assertTrue(r.stderr().contains(Integer.toString(taken.getLocalPort())), r.stderr());
      assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    }
  }

  @Test
  void productionWithoutCaMaterialExitsNonZero() throws Exception {
    Run r = run(Map.of("HABILIS_ENVIRONMENT", "production", "HABILIS_KEYSTORE_PASSWORD", "pw-123456",
        "HABILIS_HTTP_PORT", "0", "HABILIS_HTTPS_PORT", "0"), 30);
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains("no CA material configured"), r.stderr());
  }

  @Test
  void embeddedDefaultStartsPrintsTheBlockAndSurvivesAKill() throws Exception {
    Map<String, String> env = Map.of("HABILIS_HTTP_PORT", "0", "HABILIS_HTTPS_PORT", "0", "HABILIS_CA_KEY_ALGORITHM", "EC-P384");
    Process p = start(env);
    Path endpoints = work.resolve("habilis-data/endpoints.json");
    String banner = awaitReady(p);
    assertTrue(banner.contains("ACME directory") && banner.contains("/acme/directory"), banner);
    JsonObject first = new JsonObject(Files.readString(endpoints));
    String root = Files.readString(Path.of(first.getString("trustPem")));
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    Process again = start(env);
    awaitReady(again);
    assertEquals(root, Files.readString(Path.of(new JsonObject(Files.readString(endpoints)).getString("trustPem"))));
    again.destroy();
    again.waitFor(30, TimeUnit.SECONDS);

    Run audit = run(Map.of(), 60, "verify-audit");
    assertEquals(0, audit.exit(), audit.stdout() + audit.stderr());
    assertTrue(audit.stdout().startsWith("audit chain intact"), audit.stdout());
  }

  private String awaitReady(Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    StringBuilder out = new StringBuilder();
    var reader = p.inputReader(StandardCharsets.UTF_8);
    String line;
    while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
      out.append(line).append('\n');
      if (line.contains("endpoints.json")) return out.toString();
    }
    p.destroyForcibly();
    throw new AssertionError("server did not become ready: " + out + new String(p.getErrorStream().readAllBytes()));
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(args)).directory(work.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("HABILIS_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private Run run(Map<String, String> env, int timeoutSeconds, String... args) throws Exception {
    Process p = start(env, args);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not exit within " + timeoutSeconds + "s");
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("habilis.jar")));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
