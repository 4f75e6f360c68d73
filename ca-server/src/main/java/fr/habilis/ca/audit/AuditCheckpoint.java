package fr.habilis.ca.audit;

import fr.habilis.ca.pki.CaSecret;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * A signed statement of the audit chain's head: {@code entries} rows, the last one's hash, when.
 * The hash chain alone detects an edited or removed row, not a chain rewritten from some row on
 * with its hashes recomputed, nor the last rows cut off with the head moved back; a checkpoint kept
 * outside the database and signed with a key of the CA keystore detects both, up to its time.
 * Signed with HMAC-SHA256 under a key derived from the CA secret: verifiable by whoever holds the
 * keystore (the operator, {@code verify-audit}), forgeable by no one else.
 */
public record AuditCheckpoint(long entries, String headHash, Instant at, String mac) {
  public static final String FILE = "audit-checkpoint.json";
  private static final int VERSION = 1;

  /** Signs and verifies checkpoints with the CA secret's audit-checkpoint key. */
  public static final class Signer {
    private final SecretKey key;

    public Signer(CaSecret secret) {
      this.key = secret.derive("audit-checkpoint/v1", "HmacSHA256");
    }

    public AuditCheckpoint sign(long entries, String headHash, Instant at) {
      return new AuditCheckpoint(entries, headHash, at, mac(entries, headHash, at));
    }

    public boolean verifies(AuditCheckpoint cp) {
      byte[] expected = mac(cp.entries(), cp.headHash(), cp.at()).getBytes(StandardCharsets.US_ASCII);
      return MessageDigest.isEqual(expected, String.valueOf(cp.mac()).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(long entries, String headHash, Instant at) {
      try {
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(key);
        String signed = "habilis-audit-checkpoint/" + VERSION + "\n" + entries + "\n" + headHash + "\n" + at;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", VERSION).put("entries", entries).put("headHash", headHash)
        .put("at", at.toString()).put("mac", mac);
  }

  /** The log line that publishes it a second time, outside the data directory. */
  public String logLine() {
    return "audit checkpoint: entries=" + entries + " head=" + headHash + " at=" + at + " mac=" + mac;
  }

  /** Replaces the file atomically (a reader sees the old or the new checkpoint), owner-only. */
  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The checkpoint in {@code file}; fails with {@link IllegalArgumentException} when unreadable. */
  public static AuditCheckpoint read(Path file) throws IOException {
    try {
      JsonObject j = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      if (!Integer.valueOf(VERSION).equals(j.getInteger("version"))) throw new IllegalArgumentException("unknown version");
      long entries = j.getLong("entries");
      String head = j.getString("headHash");
      if (entries < 0 || head == null || !head.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("bad head");
      return new AuditCheckpoint(entries, head, Instant.parse(j.getString("at")), j.getString("mac"));
    } catch (DecodeException | ClassCastException | NullPointerException | DateTimeParseException e) {
      throw new IllegalArgumentException(file + " is not an audit checkpoint: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not an audit checkpoint: " + e.getMessage(), e);
    }
  }
}
