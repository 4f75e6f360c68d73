package fr.habilis.client.renewal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** What one renewal run did, certificate by certificate. */
public final class RunReport {
  /** The outcome for one certificate. */
  public enum Outcome {
    /** Renewed: new key, new certificate written, hook run. */
    RENEWED,
    /** Renewed, but the deploy hook failed. */
    RENEWED_HOOK_FAILED,
    /** Its window has not opened yet. */
    NOT_DUE,
    /** An earlier failure's backoff has not elapsed. */
    BACKING_OFF,
    /** Revoked: no longer renewed. */
    REVOKED,
    /** Every attempt of this run failed; more time is left than the alert margin. */
    FAILED,
    /** Every attempt failed and less than the alert margin is left. */
    ALERT
  }

  /** One certificate's line in the report. */
  public static final class Line {
    private final String name;
    private final Outcome outcome;
    private final Instant next;
    private final String detail;

    Line(String name, Outcome outcome, Instant next, String detail) {
      this.name = name;
      this.outcome = outcome;
      this.next = next;
      this.detail = detail;
    }

    public String name() {
      return name;
    }

    public Outcome outcome() {
      return outcome;
    }

    /** When this certificate needs attention next (its renewal time, or the retry), if known. */
    public Optional<Instant> next() {
      return Optional.ofNullable(next);
    }

    public String detail() {
      return detail;
    }

    @Override
    public String toString() {
      return name + ": " + outcome + (detail == null ? "" : " (" + detail + ")");
    }
  }

  private final List<Line> lines;

  RunReport(List<Line> lines) {
    this.lines = Collections.unmodifiableList(new ArrayList<>(lines));
  }

  public List<Line> lines() {
    return lines;
  }

  public long count(Outcome o) {
    return lines.stream().filter(l -> l.outcome == o).count();
  }

  /** True when a renewal failed (including alerts) or a hook failed. */
  public boolean hasFailures() {
    return count(Outcome.FAILED) + count(Outcome.ALERT) + count(Outcome.RENEWED_HOOK_FAILED) > 0;
  }

  public boolean hasAlerts() {
    return count(Outcome.ALERT) > 0;
  }

  /** The earliest instant at which some certificate needs attention. */
  public Optional<Instant> nextWake() {
    return lines.stream().map(l -> l.next).filter(n -> n != null).min(Instant::compareTo);
  }
}
