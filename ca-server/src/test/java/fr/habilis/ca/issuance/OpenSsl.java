package fr.habilis.ca.issuance;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Runs the openssl command line (an independent X.509 implementation) on test certificates. */
public final class OpenSsl {
  public record Result(int exitCode, String output) {}

  private OpenSsl() {}

  public static Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  public static Path writePem(Path dir, String name, X509Certificate cert) throws IOException, CertificateEncodingException {
    StringWriter w = new StringWriter();
    w.write("-----BEGIN CERTIFICATE-----\n");
    w.write(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded()));
    w.write("\n-----END CERTIFICATE-----\n");
    Path file = dir.resolve(name);
    Files.writeString(file, w.toString(), StandardCharsets.US_ASCII);
    return file;
  }
}
