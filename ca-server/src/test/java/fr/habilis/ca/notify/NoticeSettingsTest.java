package fr.habilis.ca.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.ConfigLoader;
import fr.habilis.ca.config.HabilisConfig;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HABILIS_SMTP_* and HABILIS_NOTICE_* settings: defaults, modes, and what is refused with a one-line message. */
class NoticeSettingsTest {

  private static String refused(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> Notifier.checkSettings(ConfigLoader.load(null, env))).getMessage();
  }

  @Test
  void withoutSmtpHostNothingIsSentAndDefaultsAreStarttlsOn587WithVerifiedCertificates() {
    assertNull(SmtpSettings.from(ConfigLoader.load(null, Map.of())));
    SmtpSettings s = SmtpSettings.from(ConfigLoader.load(null, Map.of("HABILIS_SMTP_HOST", "smtp.example.test",
        "HABILIS_SMTP_USERNAME", "ca", "HABILIS_SMTP_PASSWORD", "pw", "HABILIS_HOSTNAME", "ca.example.test")));
    assertEquals(587, s.mail().getPort());
    assertEquals(StartTLSOptions.REQUIRED, s.mail().getStarttls());
    assertEquals("HTTPS", s.mail().getHostnameVerificationAlgorithm());
    assertEquals(LoginOption.REQUIRED, s.mail().getLogin());
    assertEquals("Habilis <no-reply@ca.example.test>", s.from());
    SmtpSettings tls = SmtpSettings.from(ConfigLoader.load(null, Map.of("HABILIS_SMTP_HOST", "smtp.example.test",
        "HABILIS_SMTP_SECURITY", "tls", "HABILIS_SMTP_PORT", "465")));
    assertTrue(tls.mail().isSsl());
    assertEquals(LoginOption.DISABLED, tls.mail().getLogin());
  }

  @Test
  void inconsistentOrUnsafeSettingsAreRefusedWithTheirName() {
    assertTrue(refused(Map.of("HABILIS_SMTP_HOST", "smtp.example.test", "HABILIS_SMTP_TIMEOUT", "PT3M"))
        .contains("noticeClaimLease"), "a claim shorter than two sends could be taken over mid-send");
    assertTrue(refused(Map.of("HABILIS_SMTP_HOST", "smtp.example.test", "HABILIS_SMTP_TRUST_PEM", "/nonexistent.pem"))
        .contains("smtpTrustPem"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("HABILIS_ENVIRONMENT", "production",
        "HABILIS_SMTP_HOST", "smtp.example.test", "HABILIS_SMTP_SECURITY", "none"))).getMessage()
        .contains("refused in production"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
        Map.of("HABILIS_NOTICE_EXPIRY_OFFSETS", "P60D,soon"))).getMessage().contains("HABILIS_NOTICE_EXPIRY_OFFSETS"));
    assertEquals(3, HabilisConfig.of(Map.of("noticeExpiryOffsets", "60d, 30d, 7d"))
        .getDurations(fr.habilis.ca.config.Setting.NOTICE_EXPIRY_OFFSETS).size());
  }
}
