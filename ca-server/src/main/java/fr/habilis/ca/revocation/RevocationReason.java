package fr.habilis.ca.revocation;

import java.util.Optional;

/**
 * The RFC 5280 reasons a subscriber or the RA may give (§5.3.1), restricted to those that make
 * sense for end-entity certificates here: the agency's seeds revoke on error, loss, theft or end.
 */
public enum RevocationReason {
  UNSPECIFIED(0, "unspecified"),
  KEY_COMPROMISE(1, "keyCompromise"),
  AFFILIATION_CHANGED(3, "affiliationChanged"),
  SUPERSEDED(4, "superseded"),
  CESSATION_OF_OPERATION(5, "cessationOfOperation");

  private final int code;
  private final String rfcName;

  RevocationReason(int code, String rfcName) {
    this.code = code;
    this.rfcName = rfcName;
  }

  public int code() {
    return code;
  }

  public String rfcName() {
    return rfcName;
  }

  public static Optional<RevocationReason> ofCode(int code) {
    for (RevocationReason r : values()) if (r.code == code) return Optional.of(r);
    return Optional.empty();
  }

  public static Optional<RevocationReason> ofName(String name) {
    for (RevocationReason r : values()) if (r.rfcName.equals(name)) return Optional.of(r);
    return Optional.empty();
  }
}
