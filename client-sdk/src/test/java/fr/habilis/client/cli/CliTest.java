package fr.habilis.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.client.CaFixture;
import fr.habilis.client.EabCredential;
import fr.habilis.client.Product;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CLI in process against the real CA: register, order every product, outputs, bad input and exit codes. */
class CliTest {
  private static CaFixture ca;
  @TempDir static Path shared;
  private static List<String> global;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    ca = CaFixture.start();
    global = List.of("--directory", ca.directory().toString(), "--trust-pem", ca.server.trustPem().toString(),
        "--state-dir", shared.resolve("state").toString());
    Path key = shared.resolve("eab.key");
    EabCredential eab = ca.credential();
    Files.writeString(key, eab.hmacKey() + "\n");
    CliRun r = CliRun.with(global, "account", "register", "--eab-kid", eab.keyId(), "--eab-hmac-key-file", key.toString(),
        "--contact", "admin@example.test");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("Account https://"), r.out());
  }

  @AfterAll
  static void stop() throws Exception {
    ca.close();
  }

  private Path password() throws Exception {
    Path pw = dir.resolve("p12.pw");
    Files.writeString(pw, "Motdepasse-2026\n");
    return pw;
  }

  static List<String> productArgs(Product p) {
    switch (p.identifierKind()) {
      case STRUCTURE:
        return List.of("--structure", CaFixture.NATIONAL_ID, "--cn", p == Product.ORG_AUTH_CLI ? "INSI-AUTO" : "DMP");
      case DNS:
        return List.of("-d", "cli-" + p.name().toLowerCase().replace('_', '-') + ".example.test");
      default:
        return p.nameKind() == Product.NameKind.PERSON
            ? List.of("--email", CaFixture.PRO_EMAIL)
            : List.of("--email", "bal.labo@example.test", "--cn", "MSS LABO");
    }
  }

  @ParameterizedTest
  @EnumSource(Product.class)
  void ordersEveryProductIntoAPkcs12ThatJavaAndOpenSslOpen(Product product) throws Exception {
    Path p12 = dir.resolve(product.name() + ".p12");
    List<String> args = new ArrayList<>(global);
    args.addAll(List.of("cert", "order", "--product", product.name(), "--key-type", "EC_P256", "--name", "cli-" + product.name(),
        "--p12", p12.toString(), "--password-file", password().toString()));
    args.addAll(productArgs(product));
    CliRun r = CliRun.of(args);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("Issued " + product.name()), r.out());

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "Motdepasse-2026".toCharArray());
    }
    String alias = "cli-" + product.name();
    assertTrue(ks.isKeyEntry(alias), "the friendly name is the alias");
    List<X509Certificate> chain = new ArrayList<>();
    for (var c : ks.getCertificateChain(alias)) chain.add((X509Certificate) c);
    ca.validate(chain);

    Process openssl = new ProcessBuilder("openssl", "pkcs12", "-info", "-noout", "-in", p12.toString(),
        "-passin", "file:" + password()).redirectErrorStream(true).start();
    String text = new String(openssl.getInputStream().readAllBytes());
    assertTrue(openssl.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, openssl.exitValue(), text);
    assertTrue(text.contains("AES-256-CBC"), text);
  }

  @Test
  void ordersServSslIntoPemFilesThatOpenSslVerifies() throws Exception {
    Path pem = dir.resolve("pem");
    CliRun r = CliRun.with(global, "cert", "order", "--product", "SERV_SSL", "-d", "pem.example.test", "--pem-dir", pem.toString());
    assertEquals(0, r.exit(), r.toString());
    for (String f : List.of("cert.pem", "chain.pem", "fullchain.pem", "privkey.pem")) assertTrue(Files.exists(pem.resolve(f)), f);
    Process verify = new ProcessBuilder("openssl", "verify", "-CAfile", ca.server.trustPem().toString(), "-untrusted",
        pem.resolve("chain.pem").toString(), pem.resolve("cert.pem").toString()).redirectErrorStream(true).start();
    String text = new String(verify.getInputStream().readAllBytes());
    assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, verify.exitValue(), text);
    assertTrue(r.err().contains("RSA_2048"), "RSA 2048 by default, with a progress line: " + r.err());
  }

  @Test
  void listStatusRenewAndRevoke() throws Exception {
    Path pem = dir.resolve("cycle");
    assertEquals(0, CliRun.with(global, "cert", "order", "--product", "ORG_SIGN", "--structure", CaFixture.NATIONAL_ID,
        "--cn", "DMP", "--key-type", "EC_P256", "--name", "cycle", "--pem-dir", pem.toString()).exit());
    String firstCert = Files.readString(pem.resolve("cert.pem"));

    CliRun list = CliRun.with(global, "cert", "list");
    assertEquals(0, list.exit(), list.toString());
    assertTrue(list.out().contains("cycle") && list.out().contains("ORG_SIGN"), list.out());

    CliRun status = CliRun.with(global, "cert", "status", "cycle");
    assertEquals(0, status.exit(), status.toString());
    assertTrue(status.out().contains("days left") && status.out().contains("renewal"), status.out());
    assertTrue(status.out().contains("revocation  good (OCSP"), status.out());

    CliRun notDue = CliRun.with(global, "cert", "renew", "cycle");
    assertEquals(0, notDue.exit(), notDue.toString());
    assertTrue(notDue.out().contains("0 renewed, 1 not due"), notDue.out());

    CliRun renewed = CliRun.with(global, "cert", "renew", "cycle", "--force");
    assertEquals(0, renewed.exit(), renewed.toString());
    assertTrue(renewed.out().contains("1 renewed"), renewed.out());
    assertFalse(firstCert.equals(Files.readString(pem.resolve("cert.pem"))), "new certificate written");

    CliRun revoke = CliRun.with(global, "cert", "revoke", "cycle", "--reason", "keyCompromise");
    assertEquals(0, revoke.exit(), revoke.toString());
    CliRun after = CliRun.with(global, "cert", "renew", "cycle", "--force");
    assertTrue(after.out().contains("REVOKED"), after.toString());
    CliRun revokedStatus = CliRun.with(global, "cert", "status", "cycle");
    assertTrue(revokedStatus.out().contains("revocation  REVOKED at") && revokedStatus.out().contains("KEY_COMPROMISE"),
        revokedStatus.out());
  }

  @Test
  void outOfScopeDomainIsRefusedWithTheRuleAndNothingIsWritten() throws Exception {
    Path pem = dir.resolve("refused");
    CliRun r = CliRun.with(global, "cert", "order", "--product", "SERV_SSL", "-d", "www.elsewhere.test", "--name", "refused",
        "--pem-dir", pem.toString());
    assertEquals(3, r.exit(), r.toString());
    assertTrue(r.err().contains("www.elsewhere.test") && r.err().contains("DOMAIN_OUT_OF_SCOPE"), r.err());
    assertFalse(Files.exists(pem.resolve("cert.pem")));
    assertFalse(CliRun.with(global, "cert", "list").out().contains("refused"));
  }

  @Test
  void badInputGetsAClearMessageAndItsExitCode() throws Exception {
    CliRun unknown = CliRun.with(global, "cert", "order", "--product", "SERV_TLS", "-d", "x.example.test", "--pem-dir", dir.toString());
    assertEquals(2, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("unknown product 'SERV_TLS'"), unknown.err());

    CliRun noPassword = CliRun.with(global, "cert", "order", "--product", "ORG_AUTH_CLI", "--structure", CaFixture.NATIONAL_ID,
        "--cn", "INSI-AUTO", "--p12", dir.resolve("x.p12").toString(), "--password-file", dir.resolve("missing.pw").toString());
    assertEquals(2, noPassword.exit(), noPassword.toString());
    assertTrue(noPassword.err().contains("cannot read the password file"), noPassword.err());
    assertFalse(Files.exists(dir.resolve("x.p12")));

    Path aFile = Files.writeString(dir.resolve("plain-file"), "x");
    CliRun notWritable = CliRun.with(global, "cert", "order", "--product", "SERV_SSL", "-d", "nw.example.test", "--name", "nw",
        "--pem-dir", aFile.resolve("sub").toString());
    assertEquals(5, notWritable.exit(), notWritable.toString());
    assertTrue(notWritable.err().contains("sub"), notWritable.err());
    assertFalse(CliRun.with(global, "cert", "list").out().contains(" nw "), "nothing recorded");

    Path wrongKey = Files.writeString(dir.resolve("wrong.key"), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
    EabCredential eab = ca.credential();
    CliRun wrongEab = CliRun.of("--directory", ca.directory().toString(), "--trust-pem", ca.server.trustPem().toString(),
        "--state-dir", dir.resolve("other-state").toString(), "account", "register", "--eab-kid", eab.keyId(),
        "--eab-hmac-key-file", wrongKey.toString());
    assertEquals(3, wrongEab.exit(), wrongEab.toString());
    assertTrue(wrongEab.err().contains("unauthorized"), wrongEab.err());

    CliRun again = CliRun.with(global, "account", "register", "--eab-kid", eab.keyId(), "--eab-hmac-key-file", wrongKey.toString());
    assertEquals(2, again.exit(), again.toString());
    assertTrue(again.err().contains("already holds an account"), again.err());

    CliRun noCn = CliRun.with(global, "cert", "order", "--product", "ORG_AUTH_CLI", "--structure", CaFixture.NATIONAL_ID,
        "--pem-dir", dir.toString());
    assertEquals(2, noCn.exit(), noCn.toString());
    assertTrue(noCn.err().contains("needs a CN"), noCn.err());
  }

  @Test
  void everyCommandHasHelp() {
    for (List<String> cmd : List.<List<String>>of(List.of(), List.of("account", "register"), List.of("cert", "order"), List.of("cert", "renew"),
        List.of("cert", "revoke"), List.of("cert", "status"), List.of("cert", "list"))) {
      List<String> args = new ArrayList<>(cmd);
      args.add("--help");
      CliRun r = CliRun.of(args);
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().contains("Usage: habilis"), r.out());
    }
    assertTrue(CliRun.of("cert", "renew", "--help").out().contains("Exit codes"));
  }
}
