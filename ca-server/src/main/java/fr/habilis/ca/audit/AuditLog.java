package fr.habilis.ca.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    try (PreparedStatement lock = c.prepareStatement("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")) {
      lock.executeUpdate();
    }
    long seq;
    String prev;
    try (PreparedStatement q = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      seq = rs.getLong(1);
      prev = rs.getString(2);
    }
    OffsetDateTime at = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    String hash = hash(prev, seq, at, actor, action, subject, details);
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)")) {
      ins.setLong(1, seq);
      ins.setObject(2, at);
      ins.setString(3, actor);
      ins.setString(4, action);
      ins.setString(5, subject);
      ins.setString(6, details);
      ins.setString(7, prev);
      ins.setString(8, hash);
      ins.executeUpdate();
    }
    try (PreparedStatement head = c.prepareStatement("UPDATE audit_head SET hash = ? WHERE id = 1")) {
      head.setString(1, hash);
      head.executeUpdate();
    }
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
    try (PreparedStatement q = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return new Head(rs.getLong(1), rs.getString(2));
    }
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
    String prev = "0".repeat(64);
    long expectedSeq = 1;
    long n = 0;
    try (PreparedStatement q = c.prepareStatement(
            "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq");
        ResultSet rs = q.executeQuery()) {
      q.setFetchSize(1000);
      while (rs.next()) {
        long seq = rs.getLong(1);
        OffsetDateTime at = rs.getObject(2, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
        if (seq != expectedSeq) return new Verification(n, seq, "sequence gap: expected " + expectedSeq);
        if (!prev.equals(rs.getString(7))) return new Verification(n, seq, "prev_hash does not match the previous row");
        String h = hash(prev, seq, at, rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
        if (!h.equals(rs.getString(8))) return new Verification(n, seq, "hash does not match the row's content");
        if (checkpoint != null && seq == checkpoint.entries() && !h.equals(checkpoint.headHash())) {
          return new Verification(n, seq, "entry " + seq + " differs from the signed checkpoint of " + checkpoint.at()
              + ": the chain was rewritten up to it");
        }
        prev = h;
        expectedSeq++;
        n++;
      }
    }
    if (checkpoint != null && n < checkpoint.entries()) {
      return new Verification(n, n + 1, "the signed checkpoint of " + checkpoint.at() + " counts " + checkpoint.entries()
          + " entries, the chain has " + n + ": entries were removed");
    }
    try (PreparedStatement q = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      if (rs.getLong(1) != n || !rs.getString(2).equals(prev)) {
        return new Verification(n, n + 1, "chain head does not match the last row (rows removed?)");
      }
    }
    return new Verification(n, null, null);
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
