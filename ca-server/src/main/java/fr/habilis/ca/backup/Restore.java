package fr.habilis.ca.backup;

import fr.habilis.ca.audit.AuditCheck;
import fr.habilis.ca.audit.AuditCheckpoint;
import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.DataDirectory;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.pki.CaStore;
import fr.habilis.ca.store.BackupRepository;
import fr.habilis.ca.store.Database;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * {@code restore --from DIR}: puts a backup taken by {@link Backups} back in the data directory of
 * a stopped server, then checks it as {@code verify-audit} does and against its manifest. Refuses,
 * changing nothing, a backup that is incomplete or signed by another CA's keystore, a configured
 * external database, and a database in use; an existing database is kept beside the restored one.
 */
public final class Restore {
  private static final String DB_FILE = "habilis.mv.db";
  private static final DateTimeFormatter SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Restore() {}

  /** {@code ok}: restored and verified; {@code report}: what the operator reads. */
  public record Outcome(boolean ok, String report) {}

  public static Outcome run(HabilisConfig config, Path from, boolean replace) throws Exception {
    if (config.get(Setting.DB_URL) != null) {
      throw new ConfigException("restore covers the embedded H2 database; with dbUrl set, restore the database with"
          + " its own tools (pg_restore for a pg_dump archive)");
    }
    Path manifestFile = from.resolve(BackupManifest.FILE);
    Path zip = from.resolve(BackupManifest.DATABASE);
    Path checkpointFile = from.resolve(AuditCheckpoint.FILE);
    if (!Files.isRegularFile(manifestFile) || !Files.isRegularFile(zip) || !Files.isRegularFile(checkpointFile)) {
      throw new ConfigException(from + " is not a complete Habilis backup (" + BackupManifest.FILE + ", "
          + BackupManifest.DATABASE + " and " + AuditCheckpoint.FILE + " are needed)");
    }
    BackupManifest manifest;
    AuditCheckpoint checkpoint;
    try {
      manifest = BackupManifest.read(manifestFile);
      checkpoint = AuditCheckpoint.read(checkpointFile);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    AuditCheckpoint.Signer signer = new AuditCheckpoint.Signer(
        CaStore.loadSecret(config, AuditCheck.keystorePassword(config)));
    if (!signer.verifies(checkpoint)) {
      throw new ConfigException("the backup " + from + " was not taken by the CA of this keystore (its audit checkpoint"
          + " does not verify): its EAB keys and checkpoints could not be read");
    }
    Path dataDir = config.dataDir();
    DataDirectory.secure(dataDir, config.isProduction());
    Path current = dataDir.resolve(DB_FILE);
    String keptAs = null;
    if (Files.exists(current)) {
      if (!replace) {
        throw new ConfigException("a database already exists at " + current + ": stop the server and pass --replace"
            + " (the current database is kept beside the restored one)");
      }
      ensureNotInUse(current, dataDir);
      Path aside = dataDir.resolve(DB_FILE + ".before-restore-" + SUFFIX.format(Instant.now()));
      Files.move(current, aside);
      keptAs = aside.getFileName().toString();
    }
    org.h2.tools.Restore.execute(zip.toString(), dataDir.toString(), "habilis");
    Files.copy(checkpointFile, dataDir.resolve(AuditCheckpoint.FILE), StandardCopyOption.REPLACE_EXISTING);
    DataDirectory.tighten(dataDir);
    Outcome outcome = verify(config, manifest, checkpoint, from, keptAs);
    DataDirectory.tighten(dataDir); // files H2 created while the restored copy was opened and migrated
    return outcome;
  }

  /** The restored database holds at least what the manifest counted, and its chain reaches the checkpoint. */
  private static Outcome verify(HabilisConfig config, BackupManifest manifest, AuditCheckpoint checkpoint, Path from,
      String keptAs) throws Exception {
    try (Database db = Database.open(null, config.dbUrl(), null, null, 1)) {
      return db.txBlocking(c -> {
        long certificates = BackupRepository.certificateCount(c);
        Map<String, Long> crl = BackupRepository.crlNumbers(c);
        AuditLog.Verification v = AuditLog.verify(c, checkpoint);
        String kept = keptAs == null ? "" : "; the previous database is kept as " + keptAs;
        if (!v.ok()) {
          return new Outcome(false, "restored " + from + " but its audit chain is BROKEN at entry " + v.firstBrokenSeq()
              + ": " + v.problem() + kept);
        }
        for (Map.Entry<String, Long> e : manifest.crlNumbers().entrySet()) {
          if (crl.getOrDefault(e.getKey(), -1L) < e.getValue()) {
            return new Outcome(false, "restored " + from + " but the CRL number of " + e.getKey() + " is " + crl.get(e.getKey())
                + ", below the manifest's " + e.getValue() + kept);
          }
        }
        if (certificates < manifest.certificates()) {
          return new Outcome(false, "restored " + from + " but it holds " + certificates + " certificates, fewer than the"
              + " manifest's " + manifest.certificates() + kept);
        }
        return new Outcome(true, "restored " + from + " (taken " + manifest.at() + "): " + certificates + " certificates,"
            + " audit chain intact (" + v.rowsChecked() + " entries), CRL numbers " + crl + kept);
      });
    }
  }

  /**
   * H2 holds an OS lock on an open database's file (another process gets none; this JVM, an
   * overlapping-lock error): while a server uses it, the file is not ours to move.
   */
  private static void ensureNotInUse(Path file, Path dataDir) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = ch.tryLock();
      if (lock != null) {
        lock.release();
        return;
      }
    } catch (OverlappingFileLockException held) {
      // fall through
    }
    throw new ConfigException("the database in " + dataDir + " is in use: stop the server before restoring");
  }

}
