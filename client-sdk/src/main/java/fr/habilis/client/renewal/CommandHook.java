package fr.habilis.client.renewal;

import fr.habilis.client.IssuedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an entry's hook command through the system shell ({@code sh -c} or {@code cmd /c}) with the
 * certificate's facts in the environment: {@code HABILIS_CERT_NAME}, {@code HABILIS_CERT_SERIAL},
 * {@code HABILIS_CERT_NOT_AFTER}, {@code HABILIS_CERT_P12}, {@code HABILIS_CERT_PEM_DIR}.
 * A non-zero exit or more than {@code timeoutSeconds} is a failure.
 */
public final class CommandHook implements DeployHook {
  private final long timeoutSeconds;

  public CommandHook(long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  @Override
  public void deployed(ManagedCertificate entry, IssuedCertificate issued) throws Exception {
    if (entry.hook().isEmpty()) return;
    List<String> cmd = new ArrayList<>();
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      cmd.add("cmd");
      cmd.add("/c");
    } else {
      cmd.add("sh");
      cmd.add("-c");
    }
    cmd.add(entry.hook().get());
    // Output goes to a file, not a pipe: a hook that never closes its output must not hang the run.
    java.nio.file.Path log = java.nio.file.Files.createTempFile("habilis-hook", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("HABILIS_CERT_NAME", entry.name());
    env.put("HABILIS_CERT_SERIAL", issued.serialHex());
    env.put("HABILIS_CERT_NOT_AFTER", issued.notAfter().toString());
    entry.outputs().p12().ifPresent(p -> env.put("HABILIS_CERT_P12", p.toString()));
    entry.outputs().pemDir().ifPresent(p -> env.put("HABILIS_CERT_PEM_DIR", p.toString()));
    byte[] out;
    int exit;
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("the hook '" + entry.hook().get() + "' did not finish within " + timeoutSeconds + " s");
      }
      out = java.nio.file.Files.readAllBytes(log);
      exit = p.exitValue();
      if (exit == 0) return;
    } finally {
      java.nio.file.Files.deleteIfExists(log);
    }
    String text = new String(out, StandardCharsets.UTF_8).trim();
    throw new IOException("the hook '" + entry.hook().get() + "' exited with " + exit
        + (text.isEmpty() ? "" : ": " + (text.length() > 500 ? text.substring(0, 500) + "…" : text)));
  }
}
