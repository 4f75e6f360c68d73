package fr.habilis.ca.audit;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a signed {@link AuditCheckpoint} of the chain's head to the data directory and the log:
 * at start-up, every {@code auditCheckpointEvery}, and at a clean shutdown. A chain rewritten or
 * truncated before the latest checkpoint is then detected by {@code verify-audit}; what is
 * appended after it is protected by the hash chain alone until the next one.
 */
public final class AuditCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);
  private final ServerContext ctx;
  private final AuditCheckpoint.Signer signer;
  private final Path file;

  private AuditCheckpoints(ServerContext ctx) {
    this.ctx = ctx;
    this.signer = new AuditCheckpoint.Signer(ctx.caSecret());
    this.file = ctx.config().dataDir().resolve(AuditCheckpoint.FILE);
  }

  /**
   * Writes the first checkpoint, then one per period on the instance holding the
   * {@code audit-checkpoint} lease (in its data directory and its log).
   */
  public static Future<AuditCheckpoints> start(ServerContext ctx) {
    AuditCheckpoints c = new AuditCheckpoints(ctx);
    long every = Math.max(1000, ctx.config().getDuration(Setting.AUDIT_CHECKPOINT_EVERY).toMillis());
    return c.write().map(x -> {
      // The first periodic one a period after this start-up's (not a second one at once).
      ctx.scheduler().leased("audit-checkpoint", java.time.Duration.ofMillis(every), java.time.Duration.ofMillis(every), c::write);
      return c;
    });
  }

  /** One checkpoint now (on a worker: one read of the head, one file written). */
  public Future<AuditCheckpoint> write() {
    return ctx.db().tx(c -> {
      AuditLog.Head head = AuditLog.head(c);
      AuditCheckpoint cp = signer.sign(head.entries(), head.hash(), Instant.now(ctx.clock()));
      cp.write(file);
      LOG.info(cp.logLine());
      return cp;
    }).onFailure(e -> LOG.warn("writing the audit checkpoint " + file + " failed; the next one tries again", e));
  }

  /** Writes the shutdown checkpoint (the scheduler has cancelled the period). */
  public Future<Void> close() {
    return write().<Void>mapEmpty().otherwiseEmpty();
  }
}
