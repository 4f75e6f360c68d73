package fr.habilis.ca.notify;

import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code smtp*} settings as a mail client configuration. {@code starttls} (default, port 587)
 * requires the upgrade and {@code tls} opens TLS at once (port 465); both verify the server's
 * certificate and name, against {@code smtpTrustPem} when set, else the JVM's trust store.
 * {@code none} (plain text) is refused in production.
 */
record SmtpSettings(MailConfig mail, String from, Duration timeout) {

  /** Null when no {@code smtpHost} is configured: notices are then kept, not sent. */
  static SmtpSettings from(HabilisConfig config) {
    if (!config.isSet(Setting.SMTP_HOST)) return null;
    Duration timeout = config.getDuration(Setting.SMTP_TIMEOUT);
    Duration lease = config.getDuration(Setting.NOTICE_CLAIM_LEASE);
    if (lease.compareTo(timeout.multipliedBy(2)) <= 0) {
      // A claim must outlive the longest send, or a slow send could be claimed and sent again meanwhile.
      throw new ConfigException("configuration " + Setting.NOTICE_CLAIM_LEASE.key() + " (" + lease + ") must be more than"
          + " twice " + Setting.SMTP_TIMEOUT.key() + " (" + timeout + ")");
    }
    String security = config.get(Setting.SMTP_SECURITY);
    int timeoutMs = (int) Math.max(1, timeout.toMillis());
    MailConfig mail = new MailConfig()
        .setHostname(config.get(Setting.SMTP_HOST))
        .setPort(config.getInt(Setting.SMTP_PORT))
        .setConnectTimeout(timeoutMs)
        .setIdleTimeout(timeoutMs).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setOwnHostname(config.hostname())
        .setMaxPoolSize(2)
        .setKeepAlive(true);
    switch (security) {
      case "tls" -> mail.setSsl(true).setStarttls(StartTLSOptions.DISABLED);
      case "starttls" -> mail.setStarttls(StartTLSOptions.REQUIRED);
      default -> mail.setStarttls(StartTLSOptions.DISABLED);
    }
    if (!"none".equals(security)) {
      mail.setHostnameVerificationAlgorithm("HTTPS");
      if (config.isSet(Setting.SMTP_TRUST_PEM)) {
        Path pem = Path.of(config.get(Setting.SMTP_TRUST_PEM));
        if (!Files.isReadable(pem)) {
          throw new ConfigException("configuration " + Setting.SMTP_TRUST_PEM.key() + ": cannot read " + pem);
        }
        mail.setTrustOptions(new PemTrustOptions().addCertPath(pem.toString()));
      }
    }
    if (config.isSet(Setting.SMTP_USERNAME)) {
      mail.setLogin(LoginOption.REQUIRED).setUsername(config.get(Setting.SMTP_USERNAME))
          .setPassword(config.get(Setting.SMTP_PASSWORD));
    } else {
      mail.setLogin(LoginOption.DISABLED);
    }
    String from = config.isSet(Setting.SMTP_FROM) ? config.get(Setting.SMTP_FROM)
        : "Habilis <no-reply@" + config.hostname() + ">";
    return new SmtpSettings(mail, from, timeout);
  }
}
