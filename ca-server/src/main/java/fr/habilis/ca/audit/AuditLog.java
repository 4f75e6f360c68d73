package fr.habilis.ca.audit;

import fr.habilis.ca.store.AuditRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash-chained audit trail. {@link #append} runs inside the caller's transaction, so an
 * audited change and its audit row commit together or not at all. Each row's hash is
 * SHA-256(prev_hash | seq | at | actor | action | subject | details); {@link #verify} recomputes
 * the chain and reports the first row that does not match.
 */
public final class AuditLog {
  private final Clock clock;

  public AuditLog(Clock clock) {
    this.clock = clock;
  }

  /** Appends one entry. {@code details} is free text (usually compact JSON), may be null. */
  public void append(Connection c, String actor, String action, String subject, String details) throws SQLException {
    // Locking the head row first serialises appenders, even across server instances.
    AuditRepository.Head head = AuditRepository.advanceHead(c);
    long seq = head.seq();
    String prev = head.hash();
    OffsetDateTime at = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    String hash = hash(prev, seq, at, actor, action, subject, details);
    AuditRepository.append(c, new AuditRepository.Entry(seq, at, actor, action, subject, details, prev, hash));
  }

  /** Result of a chain verification: rows checked and, if broken, the first bad sequence. */
  public record Verification(long rowsChecked, Long firstBrokenSeq, String problem) {
    public boolean ok() {
      return firstBrokenSeq == null;
    }
  }

  /** The chain's head: how many entries, and the last one's hash (64 zeros for none). */
  public record Head(long entries, String hash) {}

  public static Head head(Connection c) throws SQLException {
    AuditRepository.Head head = AuditRepository.head(c);
    return new Head(head.seq(), head.hash());
  }

  /** Recomputes every hash in order; streams rows, so any length is fine. */
  public static Verification verify(Connection c) throws SQLException {
    return verify(c, null);
  }

  /**
   * {@link #verify(Connection)}, and the chain must also reach {@code checkpoint} (when not null;
   * its signature checked by the caller): as many entries at least, the same hash at its last
   * one. Detects a chain rewritten with recomputed hashes, or cut, before the checkpoint.
   */
  public static Verification verify(Connection c, AuditCheckpoint checkpoint) throws SQLException {
    ChainCheck check = new ChainCheck(checkpoint);
    AuditRepository.entries(c, check::next);
    if (check.broken != null) return check.broken;
    long n = check.n;
    if (checkpoint != null && n < checkpoint.entries()) {
      return new Verification(n, n + 1, "the signed checkpoint of " + checkpoint.at() + " counts " + checkpoint.entries()
          + " entries, the chain has " + n + ": entries were removed");
    }
    AuditRepository.Head head = AuditRepository.head(c);
    if (head.seq() != n || !head.hash().equals(check.prev)) {
      return new Verification(n, n + 1, "chain head does not match the last row (rows removed?)");
    }
    return new Verification(n, null, null);
  }

  /** The chain recomputed entry by entry, in sequence order, up to the first entry that does not match. */
  private static final class ChainCheck {
    private final AuditCheckpoint checkpoint;
    String prev = "0".repeat(64);
    long n;
    Verification broken;

    ChainCheck(AuditCheckpoint checkpoint) {
      this.checkpoint = checkpoint;
    }

    /** False, with {@link #broken} set, at the first entry that breaks the chain. */
    boolean next(AuditRepository.Entry e) {
      long seq = e.seq();
      long expectedSeq = n + 1;
      if (seq != expectedSeq) return fail(seq, "sequence gap: expected " + expectedSeq);
      if (!prev.equals(e.prevHash())) return fail(seq, "prev_hash does not match the previous row");
      String h = hash(prev, seq, e.at(), e.actor(), e.action(), e.subject(), e.details());
      if (!h.equals(e.hash())) return fail(seq, "hash does not match the row's content");
      if (checkpoint != null && seq == checkpoint.entries() && !h.equals(checkpoint.headHash())) {
        return fail(seq, "entry " + seq + " differs from the signed checkpoint of " + checkpoint.at()
            + ": the chain was rewritten up to it");
      }
      prev = h;
      n++;
      return true;
    }

    private boolean fail(long seq, String problem) {
      broken = new Verification(n, seq, problem);
      return false;
    }
  }

  static String hash(String prev, long seq, OffsetDateTime at, String actor, String action, String subject, String details) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {prev, Long.toString(seq), at.toInstant().toString(), actor, action, subject, details == null ? "" : details}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        // Length-prefix each field so that no two different rows serialise to the same bytes.
        md.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) ':');
        md.update(b);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
