package fr.habilis.client.relying;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A JSSE trust manager that refuses revoked peers during the TLS handshake: the delegate (the
 * JDK's PKIX trust manager by default) validates the chain with the usual JSSE semantics —
 * key usage for the auth type, algorithm constraints, endpoint identification — then the
 * {@link RevocationChecker} checks the peer's leaf. Any refusal is a {@link CertificateException},
 * so JSSE aborts the handshake with a fatal alert.
 *
 * <p>On a TLS server requiring client certificates:
 * <pre>{@code
 * SSLContext ctx = RevocationCheckingTrustManager.sslContext(serverKeyManagers, checker);
 * SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(443);
 * s.setNeedClientAuth(true);
 * }</pre>
 * The accepted peer's {@link RevocationResult} is stored in the handshake session; read it with
 * {@link #resultOf(SSLSession)}.
 */
public final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {
  /** SSLSession value name under which the peer's {@link RevocationResult} is stored. */
  public static final String SESSION_RESULT = RevocationResult.class.getName();

  private final X509TrustManager delegate;
  private final RevocationChecker checker;

  /**
   * Wraps {@code delegate}; prefer an {@link X509ExtendedTrustManager} so JSSE's per-connection
   * checks still apply. The checker validates the chain again to its own trust anchors (it needs
   * the validated issuer to verify OCSP and CRL signatures), so a chain the delegate accepts but
   * that does not lead to one of the checker's anchors is refused.
   */
  public RevocationCheckingTrustManager(X509TrustManager delegate, RevocationChecker checker) {
    if (delegate == null || checker == null) throw new NullPointerException("delegate and checker are required");
    this.delegate = delegate;
    this.checker = checker;
  }

  /** The JDK's PKIX trust manager over the checker's trust anchors, wrapped. */
  public static RevocationCheckingTrustManager create(RevocationChecker checker) throws GeneralSecurityException {
    return new RevocationCheckingTrustManager(pkixTrustManager(checker.trustAnchors()), checker);
  }

  /**
   * The JDK's PKIX trust manager trusting exactly {@code anchors} (an in-memory key store; its own
   * revocation checking stays off, as in the JDK's default).
   */
  public static X509ExtendedTrustManager pkixTrustManager(Collection<? extends X509Certificate> anchors)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot create an in-memory key store", e);
    }
    int i = 0;
    for (X509Certificate anchor : anchors) store.setCertificateEntry("anchor-" + i++, anchor);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager) return (X509ExtendedTrustManager) tm;
    }
    throw new GeneralSecurityException("the PKIX TrustManagerFactory offers no X509ExtendedTrustManager");
  }

  /** For {@link SSLContext#init}: this trust manager alone. */
  public TrustManager[] asArray() {
    return new TrustManager[] {this};
  }

  /**
   * A TLS context whose trust decisions go through {@link #create(RevocationChecker)}; the key
   * managers carry this side's own certificate (a server's identity, or a client's).
   */
  public static SSLContext sslContext(KeyManager[] keyManagers, RevocationChecker checker)
      throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keyManagers, create(checker).asArray(), null);
    return ctx;
  }

  /** The peer's revocation result stored during the handshake, or null (not checked by this trust manager). */
  public static RevocationResult resultOf(SSLSession session) {
    Object v = session == null ? null : session.getValue(SESSION_RESULT);
    return v instanceof RevocationResult ? (RevocationResult) v : null;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    check(chain, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    if (delegate instanceof X509ExtendedTrustManager) {
      ((X509ExtendedTrustManager) delegate).checkClientTrusted(chain, authType, socket);
    } else {
      delegate.checkClientTrusted(chain, authType);
    }
    check(chain, handshakeSession(socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    if (delegate instanceof X509ExtendedTrustManager) {
      ((X509ExtendedTrustManager) delegate).checkClientTrusted(chain, authType, engine);
    } else {
      delegate.checkClientTrusted(chain, authType);
    }
    check(chain, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    if (delegate instanceof X509ExtendedTrustManager) {
      ((X509ExtendedTrustManager) delegate).checkServerTrusted(chain, authType, socket);
    } else {
      delegate.checkServerTrusted(chain, authType);
    }
    check(chain, handshakeSession(socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    if (delegate instanceof X509ExtendedTrustManager) {
      ((X509ExtendedTrustManager) delegate).checkServerTrusted(chain, authType, engine);
    } else {
      delegate.checkServerTrusted(chain, authType);
    }
    check(chain, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private void check(X509Certificate[] chain, SSLSession session) throws CertificateException {
    RevocationResult result = checker.check(chain == null ? null : Arrays.asList(chain));
    if (session != null) session.putValue(SESSION_RESULT, result);
  }

  private static SSLSession handshakeSession(Socket socket) {
    return socket instanceof SSLSocket ? ((SSLSocket) socket).getHandshakeSession() : null;
  }
}
