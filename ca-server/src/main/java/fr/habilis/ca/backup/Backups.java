package fr.habilis.ca.backup;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.audit.AuditCheckpoint;
import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.config.DataDirectory;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.store.BackupRepository;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Online backups of the embedded H2 database, while the server runs: one directory per backup in
 * {@code backupDir} (default DATA_DIR/backups), owner-only, holding H2's consistent copy
 * ({@code database.zip}), an audit checkpoint signed at the time of the copy and a manifest. The
 * checkpoint is read before the copy is taken, so the copied chain always reaches it and
 * {@code verify-audit} passes after a restore. PostgreSQL is backed up with its own tools
 * ({@code pg_dump}): see the README.
 */
public final class Backups {
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("'habilis-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private final ServerContext ctx;
  private final AuditCheckpoint.Signer signer;
  private final AtomicBoolean running = new AtomicBoolean();

  public Backups(ServerContext ctx) {
    this.ctx = ctx;
    this.signer = new AuditCheckpoint.Signer(ctx.caSecret());
  }

  /** A backup taken: its directory and what it holds. */
  public record Taken(Path directory, BackupManifest manifest) {}

  public Path directory() {
    String configured = ctx.config().get(Setting.BACKUP_DIR);
    return configured != null ? Path.of(configured).toAbsolutePath().normalize()
        : ctx.config().dataDir().resolve("backups");
  }

  /** Takes one backup now, on a database worker; one at a time per server. */
  public Future<Taken> take(String actor) {
    if (ctx.db().isPostgres()) {
      return Future.failedFuture(DomainError.conflict("the database is PostgreSQL: back it up with pg_dump"
          + " (a server-side backup covers only the embedded H2 database)"));
    }
    if (!running.compareAndSet(false, true)) {
      return Future.failedFuture(DomainError.conflict("a backup is already under way"));
    }
    return ctx.db().tx(c -> {
      Instant at = Instant.now(ctx.clock()).truncatedTo(ChronoUnit.SECONDS);
      Path dir = newDirectory(at);
      try {
        AuditLog.Head head = AuditLog.head(c);
        BackupManifest manifest = new BackupManifest(at, BackupRepository.schemaVersion(c),
            BackupRepository.certificateCount(c), head.entries(), BackupRepository.crlNumbers(c));
        signer.sign(head.entries(), head.hash(), at).write(dir.resolve(AuditCheckpoint.FILE));
        BackupRepository.h2BackupTo(c, dir.resolve(BackupManifest.DATABASE));
        Files.writeString(dir.resolve(BackupManifest.FILE), manifest.toJson().encodePrettily() + "\n",
            StandardCharsets.UTF_8);
        DataDirectory.tighten(dir);
        ctx.audit().append(c, actor, "backup.taken", dir.toString(), manifest.toJson().encode());
        return new Taken(dir, manifest);
      } catch (Exception e) {
        deleteQuietly(dir);
        throw e;
      }
    }).eventually(() -> {
      running.set(false);
      return Future.succeededFuture();
    });
  }

  /** {@code habilis-<UTC time>}, with a suffix when two backups fall in the same second. */
  private Path newDirectory(Instant at) throws IOException {
    Path parent = directory();
    DataDirectory.secure(parent, ctx.config().isProduction());
    String base = NAME.format(at);
    for (int i = 1; ; i++) {
      Path dir = parent.resolve(i == 1 ? base : base + "-" + i);
      try {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // next suffix
      } catch (UnsupportedOperationException notPosix) {
        if (!Files.exists(dir)) return Files.createDirectory(dir);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a partial backup directory left behind holds no manifest: a restore refuses it
    }
  }
}
