package fr.habilis.client.output;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the installed openssl. Missing openssl fails the tests rather than skipping them: the
 * interoperability they prove is the point (CI installs it).
 */
final class OpenSsl {

  record Result(int exitCode, String output) {
  }

  private static volatile Integer major;

  private OpenSsl() {
  }

  static Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return fail("openssl did not finish: " + command);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return fail("these tests need the openssl command (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted", e);
    }
  }

  /** Runs openssl and fails the test, with its output, unless it exits with 0. */
  static String ok(String... args) {
    Result result = run(args);
    if (result.exitCode() != 0) {
      fail("openssl " + String.join(" ", args) + " exited with " + result.exitCode() + ":\n" + result.output());
    }
    return result.output();
  }

  /** The major version of OpenSSL (1 or 3); LibreSSL is not supported by these tests. */
  static int majorVersion() {
    if (major == null) {
      String version = ok("version").trim();
      Matcher matcher = Pattern.compile("^OpenSSL (\\d+)\\.").matcher(version);
      if (!matcher.find()) {
        fail("not OpenSSL: " + version);
      }
      major = Integer.parseInt(matcher.group(1));
    }
    return major;
  }

  /** OpenSSL 3 moved RC2 and the PKCS#12 PBE ciphers to its legacy provider. */
  static List<String> legacyOption() {
    return majorVersion() >= 3 ? List.of("-legacy") : List.of();
  }
}
