package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * The default {@code smtpSecurity=starttls} against a real SMTP server that speaks STARTTLS
 * (SubEthaSMTP, in process, on 127.0.0.1), whose certificate for 127.0.0.1 the test makes. The
 * server records, for every AUTH and every MAIL FROM, whether the session was already upgraded
 * to TLS. Proven: with the certificate trusted through {@code smtpTrustPem}, the notice is
 * delivered over the upgraded session, authenticated after the upgrade; with the JVM's default
 * trust, the handshake fails, the error is on the notice and nothing (no password, no MAIL FROM)
 * is sent in clear; a server that does not offer STARTTLS gets nothing either (the mail client's
 * StartTLSOptions.REQUIRED), though it would accept plain text.
 */
class SmtpStartTlsTest {
  private static Path dir;
  private static Path trustPem;
  private static SSLContext serverTls;

  @BeforeAll
  static void certificate() throws Exception {
    dir = Files.createTempDirectory("habilis-starttls");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    Instant now = Instant.now();
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name("CN=127.0.0.1"), BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
        Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=127.0.0.1"), kp.getPublic())
        .addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("smtp", kp.getPrivate(), "changeit".toCharArray(), new X509Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    trustPem = dir.resolve("smtp-ca.pem");
    Files.writeString(trustPem, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    TestServer.deleteRecursively(dir);
  }

  @Test
  void startTlsUpgradesBeforeAuthAndMailFromAndDeliversWhenTheCertificateIsTrusted() throws Exception {
    try (StartTlsServer smtp = new StartTlsServer(Offer.REQUIRED)) {
      // The server itself refuses a plain MAIL FROM: a delivery to it cannot have been in clear.
      assertTrue(smtp.plainMailFromReply().startsWith("530"), "plain MAIL FROM must be refused");
      Map<String, String> settings = smtp.settings();
      settings.put("smtpTrustPem", trustPem.toString());
      try (TestServer server = TestServer.start(settings)) {
        NoticeFixture fx = new NoticeFixture(server);
        approve(fx, 1, "direction@starttls.test");
        long end = System.currentTimeMillis() + 10_000;
        while (smtp.deliveries.isEmpty() && System.currentTimeMillis() < end) Thread.sleep(50);
        assertEquals(1, smtp.deliveries.size(), "delivered; notices: " + fx.notices("").encode());
        Delivery d = smtp.deliveries.get(0);
        assertTrue(d.tlsAtMailFrom(), "session upgraded to TLS before MAIL FROM");
        assertTrue(d.protocol().startsWith("TLSv1."), d.protocol());
        assertEquals("direction@starttls.test", d.to());
        assertTrue(d.data().contains("X-Habilis-Notice: habilitation.approved"), d.data());
        assertEquals(List.of(true), smtp.logins, "authenticated once, after the upgrade");
        assertEquals(1, smtp.mailFroms.get());
        JsonObject row = awaitState(fx, "sent");
        assertEquals("direction@starttls.test", row.getString("recipient"), row.encode());
      }
    }
  }

  @Test
  void anUntrustedCertificateFailsTheHandshakeAndNothingIsSentInClear() throws Exception {
    // STARTTLS offered but not required: a client falling back to plain text would be served.
    try (StartTlsServer smtp = new StartTlsServer(Offer.OPTIONAL)) {
      assertTrue(smtp.plainMailFromReply().startsWith("250"), "this server accepts plain text");
      smtp.mailFroms.set(0); // forget the probe
      smtp.sessions.set(0);
      try (TestServer server = TestServer.start(smtp.settings())) { // the JVM's default trust
        NoticeFixture fx = new NoticeFixture(server);
        approve(fx, 2, "direction@untrusted.test");
        JsonObject row = awaitAttempted(fx);
        assertEquals(List.of(), smtp.deliveries, "nothing delivered, in clear or to an untrusted server");
        assertEquals("pending", row.getString("state"), "retried later");
        assertTrue(row.getString("lastError").toLowerCase().matches("(?s).*(certif|ssl|handshake|pkix|trust).*"),
            row.encode());
        assertTrue(smtp.sessions.get() >= 1, "the client did connect");
        assertEquals(0, smtp.mailFroms.get(), "no MAIL FROM");
        assertEquals(List.of(), smtp.logins, "no password");
      }
    }
  }

  @Test
  void starttlsModeRefusesAServerThatDoesNotOfferStartTls() throws Exception {
    // No STARTTLS in the EHLO reply; AUTH and mail in plain text would be accepted.
    try (StartTlsServer smtp = new StartTlsServer(Offer.NONE)) {
      assertTrue(smtp.plainMailFromReply().startsWith("250"), "this server accepts plain text");
      smtp.mailFroms.set(0); // forget the probe
      smtp.sessions.set(0);
      Map<String, String> settings = smtp.settings();
      settings.put("smtpTrustPem", trustPem.toString());
      try (TestServer server = TestServer.start(settings)) {
        NoticeFixture fx = new NoticeFixture(server);
        approve(fx, 3, "direction@notls.test");
        JsonObject row = awaitAttempted(fx);
        assertEquals(List.of(), smtp.deliveries, "nothing delivered in clear");
        assertEquals("pending", row.getString("state"), "retried later");
        assertTrue(row.getString("lastError").contains("STARTTLS required"), row.encode());
        assertTrue(smtp.sessions.get() >= 1, "the client did connect");
        assertEquals(0, smtp.mailFroms.get(), "no MAIL FROM");
        assertEquals(List.of(), smtp.logins, "no password");
      }
    }
  }

  /** What the server offers in its EHLO reply: STARTTLS required before anything else, offered, or not at all. */
  private enum Offer { REQUIRED, OPTIONAL, NONE }

  /** One message received: whether its session was TLS when MAIL FROM came, the TLS protocol, RCPT TO, DATA. */
  private record Delivery(boolean tlsAtMailFrom, String protocol, String to, String data) {}

  /** SubEthaSMTP on 127.0.0.1, a free port, AUTH PLAIN/LOGIN for habilis / s3cret, recording what it saw. */
  private static final class StartTlsServer implements AutoCloseable {
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger mailFroms = new AtomicInteger();
    /** Per successful or failed AUTH: whether the session was TLS. */
    final List<Boolean> logins = new CopyOnWriteArrayList<>();
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final SMTPServer server;

    StartTlsServer(Offer offer) throws Exception {
      SMTPServer.Builder b = SMTPServer.port(0).bindAddress(InetAddress.getByName("127.0.0.1")).hostName("127.0.0.1")
          .connectionTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
          .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
            logins.add(tls(ctx));
            if (!"habilis".equals(user) || !"s3cret".equals(password)) throw new LoginFailedException();
          }))
          .sessionHandler(new SessionHandler() {
            @Override
            public SessionAcceptance accept(Session session) {
              sessions.incrementAndGet();
              return SessionAcceptance.success();
            }

            @Override
            public void onSessionEnd(Session session) {}
          })
          .messageHandlerFactory(this::handler);
      switch (offer) {
        case REQUIRED -> b.enableTLS().requireTLS().startTlsSocketFactory(serverTls);
        case OPTIONAL -> b.enableTLS().startTlsSocketFactory(serverTls);
        case NONE -> b.enableTLS(false);
      }
      server = b.build();
      server.start();
    }

    private static boolean tls(MessageContext ctx) {
      return ctx instanceof Session s && s.isTLSStarted() && s.getSocket() instanceof SSLSocket;
    }

    /** Called by the server on MAIL FROM. */
    private MessageHandler handler(MessageContext ctx) {
      mailFroms.incrementAndGet();
      boolean tls = tls(ctx);
      String protocol = tls ? ((SSLSocket) ((Session) ctx).getSocket()).getSession().getProtocol() : "plain";
      return new MessageHandler() {
        private String to;

        @Override
        public void from(String from) {}

        @Override
        public void recipient(String recipient) {
          to = recipient;
        }

        @Override
        public String data(InputStream data) throws java.io.IOException {
          deliveries.add(new Delivery(tls, protocol, to, new String(data.readAllBytes(), StandardCharsets.UTF_8)));
          return null;
        }

        @Override
        public void done() {}
      };
    }

    /** The reply to a MAIL FROM sent in plain text after EHLO (then QUIT). */
    String plainMailFromReply() throws Exception {
      try (Socket s = new Socket("127.0.0.1", server.getPortAllocated())) {
        s.setSoTimeout(5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        reply(in);
        out.write("EHLO probe.test\r\n".getBytes(StandardCharsets.US_ASCII));
        reply(in);
        out.write("MAIL FROM:<probe@probe.test>\r\n".getBytes(StandardCharsets.US_ASCII));
        String r = reply(in);
        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        return r;
      }
    }

    /** The last line of a (possibly multi-line) SMTP reply. */
    private static String reply(BufferedReader in) throws Exception {
      String line = in.readLine();
      while (line != null && line.length() > 3 && line.charAt(3) == '-') line = in.readLine();
      return line;
    }

    Map<String, String> settings() {
      Map<String, String> s = new HashMap<>();
      s.put("smtpHost", "127.0.0.1");
      s.put("smtpPort", Integer.toString(server.getPortAllocated()));
      // smtpSecurity left to its default, starttls.
      s.put("smtpUsername", "habilis");
      s.put("smtpPassword", "s3cret");
      s.put("smtpFrom", "Habilis <notices@habilis.test>");
      s.put("smtpTimeout", "PT2S");
      s.put("noticeScanEvery", "PT0.1S");
      s.put("noticeRetryDelay", "PT10M");
      return s;
    }

    @Override
    public void close() {
      server.stop();
    }
  }

  private static void approve(NoticeFixture fx, int n, String email) throws Exception {
    String st = fx.structure(NoticeFixture.siret(4000 + n));
    // The administrator shares the signatory's address: one notice per approval.
    String domain = email.substring(email.indexOf('@') + 1);
    String ref = fx.request(st, email, new JsonArray().add(NoticeFixture.admin("050000000" + n, email, null)), domain,
        new JsonArray());
    fx.approve(ref, st);
  }

  private static JsonObject awaitAttempted(NoticeFixture fx) throws Exception {
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      JsonArray rows = fx.notices("");
      // A notice sent (when it should not have been) ends the wait too, for the assertions to say so.
      if (!rows.isEmpty() && (rows.getJsonObject(0).getString("lastError") != null
          || "sent".equals(rows.getJsonObject(0).getString("state")))) {
        return rows.getJsonObject(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no attempt recorded: " + fx.notices("").encodePrettily());
  }

  private static JsonObject awaitState(NoticeFixture fx, String state) throws Exception {
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      JsonArray rows = fx.notices("");
      if (!rows.isEmpty() && state.equals(rows.getJsonObject(0).getString("state"))) return rows.getJsonObject(0);
      Thread.sleep(100);
    }
    throw new AssertionError("no notice " + state + ": " + fx.notices("").encodePrettily());
  }
}
