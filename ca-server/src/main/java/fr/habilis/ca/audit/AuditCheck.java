package fr.habilis.ca.audit;

import fr.habilis.ca.HabilisServer;
import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.pki.CaStore;
import fr.habilis.ca.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code verify-audit} checks: the latest checkpoint's signature (with the CA secret), then
 * the whole hash chain against it. Reads the data directory and the database; writes nothing.
 */
public final class AuditCheck {
  private AuditCheck() {}

  /** {@code ok}: intact and reaching the checkpoint; {@code report}: one line for the operator. */
  public record Outcome(boolean ok, String report) {}

  public static Outcome run(HabilisConfig config) throws Exception {
    if (config.get(Setting.DB_URL) == null && !Files.exists(config.dataDir())) {
      throw new ConfigException("no data directory at " + config.dataDir());
    }
    Path file = config.dataDir().resolve(AuditCheckpoint.FILE);
    if (!Files.exists(file)) {
      return new Outcome(false, "no signed audit checkpoint at " + file + " (the server writes one at every start): a"
          + " rewritten or truncated chain could not be detected");
    }
    AuditCheckpoint checkpoint;
    try {
      checkpoint = AuditCheckpoint.read(file);
    } catch (IllegalArgumentException e) {
      return new Outcome(false, e.getMessage());
    }
    AuditCheckpoint.Signer signer = new AuditCheckpoint.Signer(CaStore.loadSecret(config, keystorePassword(config)));
    if (!signer.verifies(checkpoint)) {
      return new Outcome(false, "the audit checkpoint " + file + " is not signed by this CA's keystore");
    }
    try (Database db = Database.open(null, config.dbUrl(), config.get(Setting.DB_USER), config.get(Setting.DB_PASSWORD), 1)) {
      AuditLog.Verification v = db.txBlocking(c -> AuditLog.verify(c, checkpoint));
      if (v.ok()) {
        return new Outcome(true, "audit chain intact: " + v.rowsChecked() + " entries, reaching the signed checkpoint of "
            + checkpoint.at() + " (" + checkpoint.entries() + " entries)");
      }
      return new Outcome(false, "audit chain BROKEN at entry " + v.firstBrokenSeq() + ": " + v.problem()
          + " (" + v.rowsChecked() + " entries verified before it)");
    }
  }

  /** The configured password, else the one the server generated into the data directory; never a new one. */
  public static char[] keystorePassword(HabilisConfig config) throws IOException {
    if (config.isSet(Setting.KEYSTORE_PASSWORD)) return config.get(Setting.KEYSTORE_PASSWORD).toCharArray();
    Path file = config.dataDir().resolve(HabilisServer.KEYSTORE_PASSWORD_FILE);
    if (!Files.exists(file)) {
      throw new ConfigException("keystorePassword (HABILIS_KEYSTORE_PASSWORD) is not set and " + file + " does not exist");
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim().toCharArray();
  }
}
