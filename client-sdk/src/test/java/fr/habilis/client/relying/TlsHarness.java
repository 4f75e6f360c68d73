package fr.habilis.client.relying;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real TLS exchange on 127.0.0.1: a JSSE server socket requiring a client certificate and using
 * the trust manager under test, and a JSSE client presenting an issued certificate. The server
 * reads one byte and echoes it, so the handshake must complete on both sides (in TLS 1.3 the
 * client learns of a refused certificate only when it reads).
 */
final class TlsHarness {
  private static final char[] PASSWORD = "test".toCharArray();
  private static final KeyPair SERVER_KEY;
  private static final X509Certificate SERVER_CERT;

  static {
    try {
      SERVER_KEY = HabilisCa.ecKey();
      Instant now = Instant.now();
      SERVER_CERT = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
              new X500Name("CN=teleservice.test"), BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(600)),
              Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=teleservice.test"), SERVER_KEY.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(SERVER_KEY.getPrivate())));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What each side saw. */
  record Outcome(boolean echoed, Exception clientError, Exception serverError, RevocationResult serverResult) {
    /** The checker's refusal, found in the server-side handshake failure's causes. */
    RevocationCheckException refusal() {
      for (Throwable t = serverError; t != null; t = t.getCause()) {
        if (t instanceof RevocationCheckException e) return e;
      }
      return null;
    }
  }

  /** One connection from a client holding {@code client} to a server trusting through {@code trustManager}. */
  static Outcome handshake(RevocationCheckingTrustManager trustManager, HabilisCa.Issued client) throws Exception {
    KeyStore serverKs = KeyStore.getInstance("PKCS12");
    serverKs.load(null, null);
    serverKs.setKeyEntry("server", SERVER_KEY.getPrivate(), PASSWORD, new X509Certificate[] {SERVER_CERT});
    KeyManagerFactory serverKmf = KeyManagerFactory.getInstance("PKIX");
    serverKmf.init(serverKs, PASSWORD);
    SSLContext serverCtx = SSLContext.getInstance("TLS");
    serverCtx.init(serverKmf.getKeyManagers(), trustManager.asArray(), null);

    KeyStore clientKs = KeyStore.getInstance("PKCS12");
    clientKs.load(null, null);
    clientKs.setKeyEntry("client", client.key().getPrivate(), PASSWORD, client.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory clientKmf = KeyManagerFactory.getInstance("PKIX");
    clientKmf.init(clientKs, PASSWORD);
    KeyStore clientTrust = KeyStore.getInstance("PKCS12");
    clientTrust.load(null, null);
    clientTrust.setCertificateEntry("server", SERVER_CERT);
    TrustManagerFactory clientTmf = TrustManagerFactory.getInstance("PKIX");
    clientTmf.init(clientTrust);
    SSLContext clientCtx = SSLContext.getInstance("TLS");
    clientCtx.init(clientKmf.getKeyManagers(), clientTmf.getTrustManagers(), null);

    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      listener.setNeedClientAuth(true);
      listener.setSoTimeout(20_000);
      Future<Object[]> server = pool.submit(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(20_000);
          try {
            s.startHandshake();
            InputStream in = s.getInputStream();
            int b = in.read();
            OutputStream out = s.getOutputStream();
            out.write(b);
            out.flush();
            return new Object[] {null, RevocationCheckingTrustManager.resultOf(s.getSession())};
          } catch (Exception e) {
            return new Object[] {e, null};
          }
        }
      });
      boolean echoed = false;
      Exception clientError = null;
      try (SSLSocket c = (SSLSocket) clientCtx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
          listener.getLocalPort())) {
        c.setSoTimeout(20_000);
        c.startHandshake();
        c.getOutputStream().write(42);
        c.getOutputStream().flush();
        echoed = c.getInputStream().read() == 42;
      } catch (Exception e) {
        clientError = e;
      }
      Object[] s = server.get(30, TimeUnit.SECONDS);
      return new Outcome(echoed, clientError, (Exception) s[0], (RevocationResult) s[1]);
    } finally {
      pool.shutdownNow();
    }
  }
}
