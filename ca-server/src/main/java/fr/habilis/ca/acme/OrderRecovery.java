package fr.habilis.ca.acme;

import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.finalize.FinalizeOutcome;
import fr.habilis.ca.finalize.Finalizer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes the orders that a dead process left in {@code processing}: finalize had committed the
 * order's move to processing with its reserved serial and its CSR, but the process died before the
 * certificate was stored. Such an order would otherwise stay processing for ever, and its client
 * could neither finalize again nor download a certificate.
 *
 * <p>At start-up and then every half of {@code processingRecoveryAfter}, the orders processing for
 * longer than that bound are taken one by one. Several instances may share the database, and one
 * of them may still be signing an order: only an order older than the bound is touched, and a
 * conditional UPDATE (which also resets its age) lets one instance only claim it. The claim's
 * transaction then decides as finalize did — the habilitation is decided again by the registry,
 * the CSR is checked again — and the order is either signed again with its reserved serial (the
 * order becomes valid in the transaction that stores the certificate) or failed with a problem the
 * client reads on the order: {@code unauthorized} for a habilitation withdrawn meanwhile,
 * {@code badCSR} for a key certified or blocked meanwhile, {@code serverInternal} when the reserved
 * serial cannot be used or the CSR was not kept (orders finalized before V10). A serial is never
 * drawn again: a reservation that is not signed stays consumed.
 */
public final class OrderRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(OrderRecovery.class);
  private static final int BATCH = 50;
  private final ServerContext ctx;
  private final AcmeStore store;
  private final Finalizer finalizer;
  private final Duration after;
  private volatile boolean closing;
  private volatile Future<Outcome> running = Future.succeededFuture(new Outcome(0, 0));

  /** What one pass did: orders made valid, orders failed with a problem. */
  public record Outcome(int completed, int failed) {}

  OrderRecovery(ServerContext ctx, AcmeStore store, Orders orders) {
    this.ctx = ctx;
    this.store = store;
    this.finalizer = orders.finalizer();
    // Zero would let an instance take over orders that another one is signing right now.
    Duration configured = ctx.config().getDuration(Setting.PROCESSING_RECOVERY_AFTER);
    this.after = configured.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : configured;
  }

  /**
   * A pass at start-up on every instance (a restart after a crash finishes its orders at once,
   * whoever holds the lease), then one every half of the bound on the instance holding the
   * {@code order-recovery} lease (each order is claimed anyway: two passes never complete one order twice).
   */
  public void start() {
    runOnce();
    Duration period = Duration.ofMillis(Math.max(500, after.toMillis() / 2));
    ctx.scheduler().leased("order-recovery", period, period, this::runOnce);
  }

  /**
   * One pass over the orders processing for longer than the bound; joins the pass in progress, if
   * any (never two at once on an instance).
   */
  public synchronized Future<Outcome> runOnce() {
    if (closing || !running.isComplete()) return running;
    Promise<Outcome> done = Promise.promise();
    running = done.future();
    Instant cutoff = ctx.clock().instant().minus(after);
    ctx.db().tx(c -> store.processingSince(c, cutoff, BATCH))
        .compose(ids -> recoverAll(ids, 0, new Outcome(0, 0)))
        .onSuccess(o -> {
          if (o.completed() + o.failed() > 0) {
            LOG.info("orders left processing by a stopped process: " + o.completed() + " completed, " + o.failed() + " failed");
          }
        })
        .onFailure(e -> LOG.warn("recovery of orders left processing failed; retried at the next pass", e))
        .onComplete(done);
    return running;
  }

  /** No pass starts any more; completes when the pass in progress has finished (the scheduler cancels the timer). */
  public Future<Void> close() {
    closing = true;
    return running.<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Outcome> recoverAll(List<Long> ids, int i, Outcome sofar) {
    if (i == ids.size() || closing) return Future.succeededFuture(sofar);
    return recover(ids.get(i))
        .map(step -> step instanceof FinalizeOutcome.Valid ? new Outcome(sofar.completed() + 1, sofar.failed())
            : step instanceof FinalizeOutcome.Invalid ? new Outcome(sofar.completed(), sofar.failed() + 1) : sofar)
        .compose(next -> recoverAll(ids, i + 1, next));
  }

  /** One order: its outcome, or null if another instance claimed it first (or it left processing). */
  private Future<FinalizeOutcome> recover(long orderId) {
    Instant cutoff = ctx.clock().instant().minus(after);
    return ctx.db().tx(c -> claimAndDecide(c, orderId, cutoff)).compose(decided -> {
      if (decided == null) return Future.succeededFuture(null);
      if (decided instanceof Finalizer.Failed failed) return Future.succeededFuture(new FinalizeOutcome.Invalid(failed.error()));
      return finalizer.completeResumed(orderId, (Finalizer.Sign) decided).recover(err -> {
        LOG.warn("recovery of order " + orderId + " failed", err);
        return Future.succeededFuture(new FinalizeOutcome.Invalid(Finalizer.unfinished("signing failed")));
      });
    });
  }

  /**
   * In the claim's transaction: the order is this instance's, then either failed here (with the
   * reason) or prepared for signing with its reserved serial.
   */
  private Finalizer.Decided claimAndDecide(Connection c, long orderId, Instant cutoff) throws Exception {
    Instant now = ctx.clock().instant();
    if (!store.claimProcessing(c, orderId, cutoff, now)) return null;
    AcmeStore.Order o = store.order(c, orderId).orElseThrow();
    byte[] der = store.processingCsr(c, orderId);
    if (der == null || o.certificateSerial() == null) {
      return finalizer.failIn(c, o, Finalizer.unfinished("its request was not kept (finalized before this server version)"),
          "system", "acme.order.recovery-failed", "no stored CSR");
    }
    AcmeStore.Account account = store.accountById(c, o.accountId()).orElseThrow();
    return finalizer.resume(c, o, account.adminId(), der);
  }
}
