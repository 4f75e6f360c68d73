package fr.habilis.client;

import java.util.Locale;

/**
 * Why a certificate is revoked (RFC 5280 §5.3.1). The platform's reasons map as: error → {@link
 * #SUPERSEDED} or {@link #CESSATION_OF_OPERATION}, loss or theft of the key → {@link #KEY_COMPROMISE}
 * (the key can then never be certified again).
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

  /** The CRL reason code. */
  public int code() {
    return code;
  }

  /** The RFC 5280 name, e.g. {@code keyCompromise}. */
  public String rfcName() {
    return rfcName;
  }

  /** Parses {@code keyCompromise}, {@code KEY_COMPROMISE} or {@code key-compromise}. */
  public static RevocationReason parse(String name) {
    String n = name.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    StringBuilder all = new StringBuilder();
    for (RevocationReason r : values()) {
      if (r.rfcName.toLowerCase(Locale.ROOT).equals(n)) return r;
      all.append(all.length() == 0 ? "" : ", ").append(r.rfcName);
    }
    throw new IllegalArgumentException("unknown revocation reason '" + name + "'; one of " + all);
  }
}
