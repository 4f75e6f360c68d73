package fr.habilis.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificates the SDK trusts for the CA server's HTTPS: the JVM's default trust store, plus
 * extra anchors (a test or private deployment's root, e.g. {@code habilis-data/certs/root.pem}).
 * Host names are always checked.
 */
public final class Trust {
  private final List<X509Certificate> extraAnchors;
  private final boolean systemDefaults;

  private Trust(List<X509Certificate> extraAnchors, boolean systemDefaults) {
    this.extraAnchors = List.copyOf(extraAnchors);
    this.systemDefaults = systemDefaults;
  }

  /** The JVM's default trust store only (a CA server with a publicly trusted TLS certificate). */
  public static Trust systemDefault() {
    return new Trust(List.of(), true);
  }

  /** The JVM's defaults plus every certificate of a PEM file. */
  public static Trust withPem(Path pemFile) throws IOException {
    return new Trust(readPem(pemFile), true);
  }

  /** Only these anchors (the JVM's defaults are not trusted). */
  public static Trust only(X509Certificate... anchors) {
    return new Trust(Arrays.asList(anchors), false);
  }

  /** The extra anchors. */
  public List<X509Certificate> extraAnchors() {
    return extraAnchors;
  }

  /** An SSL context that accepts a server chain trusted by the defaults or by an extra anchor. */
  public SSLContext sslContext() {
    try {
      List<X509TrustManager> managers = new ArrayList<>();
      if (systemDefaults) managers.add(trustManager(null));
      if (!extraAnchors.isEmpty()) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : extraAnchors) ks.setCertificateEntry("anchor-" + i++, c);
        managers.add(trustManager(ks));
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AnyOf(managers)}, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the TLS trust: " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> readPem(Path pemFile) throws IOException {
    if (!Files.isReadable(pemFile)) throw new IOException("cannot read trust anchors file " + pemFile);
    try (InputStream in = Files.newInputStream(pemFile)) {
      List<X509Certificate> out = new ArrayList<>();
      for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) throw new IOException(pemFile + " holds no PEM certificate");
      return out;
    } catch (CertificateException e) {
      throw new IOException(pemFile + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager) return (X509TrustManager) tm;
    throw new GeneralSecurityException("no X509TrustManager");
  }

  /** Trusts a server when any of its managers does (the default store, or the extra anchors). */
  private static final class AnyOf implements X509TrustManager {
    private final List<X509TrustManager> managers;

    AnyOf(List<X509TrustManager> managers) {
      this.managers = managers;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the SDK does not accept TLS clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      CertificateException last = null;
      for (X509TrustManager m : managers) {
        try {
          m.checkServerTrusted(chain, authType);
          return;
        } catch (CertificateException e) {
          last = e;
        }
      }
      throw last != null ? last : new CertificateException("no trust anchor configured");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>();
      for (X509TrustManager m : managers) all.addAll(Arrays.asList(m.getAcceptedIssuers()));
      return all.toArray(new X509Certificate[0]);
    }
  }
}
