package fr.habilis.ca.console;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, trusting the test server's
 * root the way a workstation trusts a CA: in the NSS database of a throw-away home directory
 * (certutil, from libnss3-tools), so no certificate error is ignored. The network is closed:
 * background networking, updates and sync are off. {@code -DskipBrowserTests} skips; otherwise a
 * missing Chromium fails the test with the command that installs it.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CERTUTIL = Path.of("/usr/bin/certutil");
  final ChromeDriver driver;
  private final Path home;

  private Chromium(ChromeDriver driver, Path home) {
    this.driver = driver;
    this.home = home;
  }

  /** Skipped with -DskipBrowserTests; fails clearly when Chromium, its driver or certutil is missing. */
  static void required() {
    Assumptions.assumeFalse(Boolean.getBoolean("skipBrowserTests") || "".equals(System.getProperty("skipBrowserTests")),
        "browser tests skipped (-DskipBrowserTests)");
    for (Path p : List.of(BINARY, DRIVER, CERTUTIL)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(p + " is missing: the console's browser tests need Debian's chromium,"
            + " chromium-driver and libnss3-tools (apt-get install -y chromium chromium-driver libnss3-tools,"
            + " as .ci/run does), or -DskipBrowserTests to skip them");
      }
    }
  }

  static Chromium start(Path trustedRoot) throws Exception {
    Path home = Files.createTempDirectory("habilis-chromium");
    Path nss = home.resolve(".pki/nssdb");
    Files.createDirectories(nss);
    run(CERTUTIL.toString(), "-N", "-d", "sql:" + nss, "--empty-password");
    run(CERTUTIL.toString(), "-A", "-d", "sql:" + nss, "-t", "C,,", "-n", "habilis-test-root", "-i", trustedRoot.toString());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().withEnvironment(Map.of("HOME", home.toString())).build();
    ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--lang=fr-FR", "--window-size=1366,768", "--user-data-dir=" + home.resolve("profile"));
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Chromium(driver, home);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      driver.quit();
    } finally {
      fr.habilis.ca.TestServer.deleteRecursively(home);
    }
  }

}
