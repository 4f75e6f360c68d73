package fr.habilis.ca.operators;

import java.time.Instant;
import java.util.Locale;

/**
 * An RA action held for a second principal's approval (four-eyes): an incident that moves renewal
 * windows, or a habilitation revocation that also revokes its structure's certificates. Recorded
 * with its parameters ({@code request}, JSON); approval runs it, by someone other than
 * {@code recordedBy}, and keeps what it did ({@code outcome}, JSON); rejection ends it.
 */
public record PendingAction(long id, Kind kind, String subject, String request, State state, String recordedBy,
    Instant recordedAt, String decidedBy, Instant decidedAt, String decisionReason, String outcome) {

  public enum Kind {
    /** POST /incidents: renewal windows moved to now (RFC 9773). Subject: scope:value. */
    INCIDENT,
    /** POST /habilitations/{reference}/revoke with revokeCertificates: the habilitation and its certificates. */
    HABILITATION_REVOCATION;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind ofWireName(String s) {
      for (Kind k : values()) if (k.wireName().equals(s)) return k;
      return null;
    }
  }

  public enum State {
    RECORDED, APPROVED, REJECTED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static State ofWireName(String s) {
      for (State v : values()) if (v.wireName().equals(s)) return v;
      return null;
    }
  }
}
