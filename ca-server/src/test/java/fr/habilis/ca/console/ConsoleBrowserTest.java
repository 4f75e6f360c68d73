package fr.habilis.ca.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.revocation.RevocationFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The officers' day in a real headless Chromium against a real server (HTTPS on 127.0.0.1, the
 * test root trusted): sign in, record a form 414, a second operator approves it and sees the EAB
 * credential once, an ACME client uses it, the structure is found, the certificate revoked, OCSP
 * says revoked. Each screen is saved in target/console-screenshots/ and checked for horizontal
 * scrolling at 1366 px.
 */
class ConsoleBrowserTest {
  private static final Path SHOTS = Path.of("target", "console-screenshots");
  private static TestServer server;
  private static Chromium chromium;
  private static ChromeDriver driver;
  private static String base;
  private static String structure;
  private static int shot;

  @BeforeAll
  static void start() throws Exception {
    Chromium.required();
    server = TestServer.start();
    ConsoleFixture.operator(server, "olivia", Role.OFFICER);
    ConsoleFixture.operator(server, "paul", Role.APPROVER);
    structure = ConsoleFixture.structure(server, "18751275100020", "CENTRE HOSPITALIER DU NAVIGATEUR");
    base = server.endpoints().httpsBase();
    Files.createDirectories(SHOTS);
    chromium = Chromium.start(server.trustPem());
    driver = chromium.driver;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (chromium != null) chromium.close();
    } finally {
      if (server != null) server.close();
    }
  }

  @Test
  void recordApproveIssueRevokeAndSeeOcspSayRevoked() throws Exception {
    // Sign in (the certificate is trusted: a certificate error would stop here).
    driver.get(base + "/console/");
    assertTrue(driver.getCurrentUrl().endsWith("/console/signin"), driver.getCurrentUrl());
    assertEquals("fr", driver.findElement(By.tagName("html")).getAttribute("lang"));
    screen("signin");
    signIn("olivia");
    assertTrue(driver.getCurrentUrl().endsWith("/console/habilitations"), driver.getCurrentUrl());
    // Keyboard: the first Tab reaches the skip link, which leads to the content.
    new Actions(driver).sendKeys(Keys.TAB).perform();
    assertEquals("skip", driver.switchTo().activeElement().getAttribute("class"));
    screen("inbox");

    // Record a form 414.
    go(By.id("record-new"));
    new Select(driver.findElement(By.id("form"))).selectByValue("414");
    type("structure", structure);
    type("sig-last", "DUPONT");
    type("sig-first", "MARIE");
    type("sig-email", "direction@example.test");
    type("admin0-card", "0123456789");
    new Select(driver.findElement(By.id("admin0-type"))).selectByValue("CPA");
    type("admin0-last", "MARTIN");
    type("admin0-first", "PAUL");
    type("admin0-email", "admin@example.test");
    driver.findElement(By.id("offer-ssl")).click();
    type("ssl-domain", "navigateur.example.test");
    new Select(driver.findElement(By.id("ssl-scope"))).selectByValue("DOMAIN");
    type("inform", "dpo@example.test");
    type("usage", "messagerie et serveurs du centre");
    screen("record-form");
    go(By.id("record"));
    String reference = driver.getCurrentUrl().replaceFirst(".*/console/habilitations/", "");
    assertTrue(reference.startsWith("HAB-") || !reference.isEmpty(), reference);
    assertTrue(text("hab-status").contains("attente"), text("hab-status"));
    assertFalse(driver.findElements(By.id("approve")).size() > 0, "an officer sees no approve button");
    screen("recorded");
    signOut();

    // A second operator approves; the EAB credential is shown once.
    signIn("paul");
    go(By.linkText(reference));
    screen("to-approve");
    confirm(By.id("approve"));
    WebElement table = new WebDriverWait(driver, Duration.ofSeconds(10)).until(
        ExpectedConditions.presenceOfElementLocated(By.id("credentials")));
    String kid = table.findElement(By.cssSelector("code.kid")).getText();
    String hmac = table.findElement(By.cssSelector("code.hmac")).getText();
    screen("eab-once");
    driver.get(base + "/console/habilitations/" + reference);
    assertFalse(driver.getPageSource().contains(hmac), "the key is never shown again");
    assertTrue(text("hab-status").contains("Approuv"), text("hab-status"));

    // The administrator's ACME client uses it: a certificate for the structure.
    RevocationFixture revocation = new RevocationFixture(server);
    RawAcmeClient acme = revocation.account(new RaFixture.Credential("0123456789", kid, hmac, structure));
    RevocationFixture.Issued issued = revocation.issue(acme, "www.navigateur.example.test");

    // Find the structure, then its certificate.
    go(By.linkText(nav("nav.structures")));
    type("q", structure);
    go(By.id("structure-search"));
    assertEquals(structure, text("structure-id"));
    screen("structure");
    go(By.linkText(issued.serialHex()));
    assertEquals("bon", text("ocsp-status").split(" ")[0]);
    assertTrue(driver.findElements(By.id("revoke")).isEmpty(), "an approver sees no revoke button");
    screen("certificate");
    signOut();

    // The officer revokes it (loss); OCSP says revoked.
    signIn("olivia");
    driver.get(base + "/console/certificates?structure=" + structure);
    screen("certificates");
    go(By.linkText(issued.serialHex()));
    new Select(driver.findElement(By.id("revoke-reason"))).selectByValue("loss");
    confirm(By.id("revoke"));
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
        By.id("ocsp-status"), "révoqué"));
    assertTrue(text("ocsp-status").contains("keyCompromise"), text("ocsp-status"));
    screen("revoked");

    // English is a click away.
    go(By.linkText("English"));
    assertEquals("en", driver.findElement(By.tagName("html")).getAttribute("lang"));
    assertTrue(text("ocsp-status").startsWith("revoked"), text("ocsp-status"));
    screen("revoked-en");
    driver.get(base + "/console/incidents");
    screen("incidents");

    // The administrator by card, whose card is replaced (form 503): the person keeps their rights.
    go(By.linkText(nav("nav.admins")));
    type("a-card", "0123456789");
    go(By.id("admin-search"));
    assertTrue(text("admin-card").startsWith("0123456789"), text("admin-card"));
    screen("administrator");
    type("new-card", "0123456790");
    go(By.id("replace-card"));
    assertTrue(text("admin-card").startsWith("0123456790"), text("admin-card"));
    assertTrue(driver.getPageSource().contains(reference), "still named on " + reference);
    screen("card-replaced");
  }

  private static void signIn(String login) {
    driver.get(base + "/console/signin");
    type("login", login);
    type("password", ConsoleFixture.PASSWORD);
    go(By.id("signin-submit"));
  }

  private static void signOut() {
    go(By.cssSelector("form[action='/console/signout'] button"));
    assertTrue(driver.getCurrentUrl().contains("/console/signin"), driver.getCurrentUrl());
  }

  /** Clicks something that loads a page, and waits until the new page has replaced the old one. */
  private static void go(By by) {
    mark();
    driver.findElement(by).click();
    settle();
  }

  /** Clicks a button whose form asks for confirmation (console.js), accepts, and waits for the answer. */
  private static void confirm(By by) {
    mark();
    driver.findElement(by).click();
    new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent()).accept();
    settle();
  }

  /** A flag on the current document: a new document does not have it. */
  private static void mark() {
    ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("window.habilisOldPage = true;");
  }

  private static void settle() {
    new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.WebDriverException.class).until(d ->
        Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
            "return window.habilisOldPage === undefined && document.readyState === 'complete';")));
  }

  private static String nav(String key) {
    String lang = driver.findElement(By.tagName("html")).getAttribute("lang");
    return ConsoleMessages.get(lang, key);
  }

  private static void type(String id, String value) {
    WebElement e = driver.findElement(By.id(id));
    e.clear();
    e.sendKeys(value);
  }

  private static String text(String id) {
    return driver.findElement(By.id(id)).getText().strip();
  }

  /** Saves the screen and checks it fits a 1366-pixel-wide laptop screen without horizontal scrolling. */
  private static void screen(String name) throws Exception {
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(String.format("%02d-%s.png", ++shot, name)), png);
    Object overflow = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertEquals(0L, ((Number) overflow).longValue(), name + " scrolls horizontally at 1366 px");
    assertTrue(driver.findElements(By.cssSelector("script:not([src])")).isEmpty(), name + " has an inline script");
    WebDriver.Window w = driver.manage().window();
    assertEquals(1366, w.getSize().getWidth(), "window width");
  }
}
