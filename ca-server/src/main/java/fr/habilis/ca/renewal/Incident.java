package fr.habilis.ca.renewal;

import java.time.Instant;
import java.util.Locale;

/**
 * An RA incident: every certificate in its scope issued before it was declared should be renewed
 * now. Its reason is what renewalInfo's explanationURL shows (unless the operator gave a URL of
 * their own, e.g. the agency's published notice).
 */
public record Incident(long id, Scope scope, String target, String reason, String explanationUrl, String actor,
    Instant declaredAt) {

  /** What an incident covers: one certificate (serial), a structure, a profile or an issuing CA. */
  public enum Scope {
    CERTIFICATE, STRUCTURE, PROFILE, CA;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Scope ofWireName(String s) {
      for (Scope v : values()) if (v.wireName().equals(s)) return v;
      return null;
    }
  }

  /** True when the certificate falls in the scope and was issued before the incident was declared. */
  public boolean covers(RenewalFacts cert) {
    if (!cert.issuedAt().isBefore(declaredAt)) return false;
    return switch (scope) {
      case CERTIFICATE -> target.equals(cert.serialHex());
      case STRUCTURE -> target.equals(cert.structureId());
      case PROFILE -> target.equals(cert.profile());
      case CA -> target.equals(cert.caId());
    };
  }
}
