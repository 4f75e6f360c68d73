package fr.habilis.ca.operators;

import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.error.DomainError;

/**
 * The four-eyes rule (issue 19): a habilitation request, an incident or a habilitation revocation
 * with its structure's certificates, recorded by one principal, is approved by a different one.
 * Principals are compared by id ({@code operator:<login>}, {@code ra-token}): the shared token is
 * one principal like any operator, so what it records needs an operator to approve it. A record
 * made before named operators existed has no recorder ({@code null}) and any approver may approve it.
 */
public final class FourEyes {
  private FourEyes() {}

  /**
   * Throws FORBIDDEN (RA 403) when {@code approver} is the principal who recorded {@code what} —
   * except the shared token approving its own record when {@code config} says
   * {@code testRaTokenSelfApproval} (a test-environment switch, refused in production): load
   * generators written for the one-token API, such as the team's acme-go yardstick, record and
   * approve with it.
   */
  public static void check(String recordedBy, String approver, String what, HabilisConfig config) {
    if (Principal.RA_TOKEN.id().equals(approver) && config.getBoolean(Setting.TEST_RA_TOKEN_SELF_APPROVAL)) return;
    check(recordedBy, approver, what);
  }

  /** Throws FORBIDDEN (RA 403) when {@code approver} is the principal who recorded {@code what}. */
  public static void check(String recordedBy, String approver, String what) {
    if (recordedBy != null && recordedBy.equals(approver)) {
      throw DomainError.forbidden("four-eyes: " + what + " was recorded by " + recordedBy
          + "; another principal with the approver role must approve it");
    }
  }
}
