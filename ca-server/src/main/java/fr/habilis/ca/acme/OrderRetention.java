package fr.habilis.ca.acme;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.store.Database;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the ACME order tables: orders finished for longer than {@code orderRetention} (valid or
 * invalid since then, or ready and expired since then) are deleted with their authorizations by
 * the {@code order-purge} job, leased to one instance. Orders in processing are never deleted
 * (OrderRecovery finishes them); certificates, serials, revocations and the audit trail are not
 * touched. Each batch is one transaction, so a stop between batches leaves nothing half deleted.
 */
public final class OrderRetention {
  private static final Logger LOG = LoggerFactory.getLogger(OrderRetention.class);
  static final String JOB = "order-purge";
  /** Orders per transaction: a short lock and a bounded transaction even after a long outage. */
  static final int BATCH = 500;

  private OrderRetention() {}

  /** Registers the job: every quarter of the retention, between 1 s and 1 hour. */
  static void schedule(ServerContext ctx, AcmeStore store) {
    Duration retention = ctx.config().getDuration(Setting.ORDER_RETENTION);
    long every = Math.max(1_000, Math.min(Duration.ofHours(1).toMillis(), retention.toMillis() / 4));
    ctx.scheduler().leased(JOB, Duration.ofMillis(every),
        () -> purge(ctx.db(), store, ctx.clock().instant().minus(retention), ctx.scheduler()::isClosed));
  }

  /**
   * Deletes the orders finished before {@code cutoff}, batch after batch until none is left or
   * {@code stop} says the server is stopping; completes with how many.
   */
  public static Future<Integer> purge(Database db, AcmeStore store, Instant cutoff, BooleanSupplier stop) {
    return batches(db, store, cutoff, stop, 0).onSuccess(n -> {
      if (n > 0) LOG.info("order retention: {} orders finished before {} deleted", n, cutoff);
    });
  }

  private static Future<Integer> batches(Database db, AcmeStore store, Instant cutoff, BooleanSupplier stop, int done) {
    return db.tx(c -> store.deleteFinishedBefore(c, cutoff, BATCH)).compose(n -> n < BATCH || stop.getAsBoolean()
        ? Future.succeededFuture(done + n)
        : batches(db, store, cutoff, stop, done + n));
  }
}
