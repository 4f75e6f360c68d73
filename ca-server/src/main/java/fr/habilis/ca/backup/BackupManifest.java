package fr.habilis.ca.backup;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a backup holds, written beside it as {@code manifest.json}: when, the schema version, the
 * number of certificates, the audit chain's length and the CRL numbers at the time of the copy.
 * A restore checks the copy against it before touching the data directory.
 */
public record BackupManifest(Instant at, String schemaVersion, long certificates, long auditEntries,
    Map<String, Long> crlNumbers) {
  public static final String FILE = "manifest.json";
  public static final String DATABASE = "database.zip";
  private static final int VERSION = 1;

  public JsonObject toJson() {
    JsonObject crl = new JsonObject();
    crlNumbers.forEach(crl::put);
    return new JsonObject().put("version", VERSION).put("at", at.toString()).put("schemaVersion", schemaVersion)
        .put("certificates", certificates).put("auditEntries", auditEntries).put("crlNumbers", crl);
  }

  public static BackupManifest read(Path file) throws IOException {
    try {
      JsonObject j = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      if (!Integer.valueOf(VERSION).equals(j.getInteger("version"))) throw new IllegalArgumentException("unknown version");
      Map<String, Long> crl = new TreeMap<>();
      j.getJsonObject("crlNumbers").forEach(e -> crl.put(e.getKey(), ((Number) e.getValue()).longValue()));
      return new BackupManifest(Instant.parse(j.getString("at")), j.getString("schemaVersion"), j.getLong("certificates"),
          j.getLong("auditEntries"), crl);
    } catch (DecodeException | ClassCastException | NullPointerException | DateTimeParseException e) {
      throw new IllegalArgumentException(file + " is not a Habilis backup manifest: " + e.getMessage(), e);
    }
  }
}
