package fr.habilis.ca.pki;

import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

/**
 * Key and chain of the HTTPS listener: configured PEM files, or a certificate issued by the
 * organisations CA for the configured host name (plus localhost and 127.0.0.1 in test), kept in
 * the data directory and re-issued when the host name changes or expiry is near.
 */
public final class TlsMaterial {
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private final PemKeyCertOptions options;

  private TlsMaterial(PemKeyCertOptions options) {
    this.options = options;
  }

  public PemKeyCertOptions keyCertOptions() {
    return options;
  }

  public static TlsMaterial loadOrCreate(HabilisConfig config, CaHierarchy ca, Clock clock) {
    if (config.isSet(Setting.TLS_CERT_PEM) || config.isSet(Setting.TLS_KEY_PEM)) {
      if (!config.isSet(Setting.TLS_CERT_PEM) || !config.isSet(Setting.TLS_KEY_PEM)) {
        throw new ConfigException("tlsCertPem and tlsKeyPem must be configured together");
      }
      Path cert = Path.of(config.get(Setting.TLS_CERT_PEM));
      Path key = Path.of(config.get(Setting.TLS_KEY_PEM));
      for (Path p : List.of(cert, key)) {
        if (!Files.isReadable(p)) throw new ConfigException("cannot read TLS PEM file " + p);
      }
      return new TlsMaterial(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
    }
    if (config.isProduction()) {
      throw new ConfigException("production environment: configure the HTTPS certificate with tlsCertPem and tlsKeyPem");
    }
    Path certFile = config.dataDir().resolve("tls-chain.pem");
    Path keyFile = config.dataDir().resolve("tls-key.pem");
    List<String> dns = new ArrayList<>(List.of(config.hostname()));
    if (!dns.contains("localhost")) dns.add("localhost");
    try {
      if (!Files.exists(certFile) || !Files.exists(keyFile) || needsRenewal(certFile, config.hostname(), clock)) {
        TlsIdentity id = HierarchyGenerator.tlsIdentity(ca.org(), dns, List.of("127.0.0.1"), clock);
        CaStore.writeAtomically(keyFile, Pem.privateKey(id.key()).getBytes());
        try {
          Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // not a POSIX file system
        }
        CaStore.writeAtomically(certFile, Pem.encode(id.chain()).getBytes());
      }
      return new TlsMaterial(new PemKeyCertOptions()
          .setCertValue(Buffer.buffer(Files.readAllBytes(certFile)))
          .setKeyValue(Buffer.buffer(Files.readAllBytes(keyFile))));
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("cannot prepare the HTTPS certificate: " + e.getMessage(), e);
    }
  }

  private static boolean needsRenewal(Path certFile, String hostname, Clock clock) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(certFile)))) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder holder)) return true;
      X509Certificate c = new JcaX509CertificateConverter().getCertificate(holder);
      if (c.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) return true;
      var sans = c.getSubjectAlternativeNames();
      return sans == null || sans.stream().noneMatch(s -> hostname.equalsIgnoreCase(String.valueOf(s.get(1))));
    } catch (GeneralSecurityException e) {
      return true;
    }
  }
}
