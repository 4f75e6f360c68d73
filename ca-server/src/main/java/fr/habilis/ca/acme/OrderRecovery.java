package fr.habilis.ca.acme;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.CsrRejected;
import fr.habilis.ca.issuance.IssuanceRequest;
import fr.habilis.ca.issuance.IssuanceService;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.registry.Decision;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

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
  private static final Logger LOG = Logger.getLogger(OrderRecovery.class.getName());
  private static final int BATCH = 50;
  private final ServerContext ctx;
  private final AcmeStore store;
  private final AcmeUrls urls;
  private final Orders orders;
  private final Duration after;
  private long timer = -1;
  private volatile boolean closing;
  private volatile Future<Outcome> running = Future.succeededFuture(new Outcome(0, 0));

  /** What one pass did: orders made valid, orders failed with a problem. */
  public record Outcome(int completed, int failed) {}

  /** What the claim's transaction decided for one order. */
  private sealed interface Step {}

  private record Sign(IssuanceService.Prepared prepared, String replacesSerial) implements Step {}

  private record Done(boolean failed) implements Step {}

  OrderRecovery(ServerContext ctx, AcmeStore store, AcmeUrls urls, Orders orders) {
    this.ctx = ctx;
    this.store = store;
    this.urls = urls;
    this.orders = orders;
    // Zero would let an instance take over orders that another one is signing right now.
    Duration configured = ctx.config().getDuration(Setting.PROCESSING_RECOVERY_AFTER);
    this.after = configured.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : configured;
  }

  /** Runs a pass now (start-up), then every half of the bound. */
  public void start() {
    runOnce();
    timer = ctx.vertx().setPeriodic(Math.max(500, after.toMillis() / 2), id -> runOnce());
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
        .onFailure(e -> LOG.log(Level.WARNING, "recovery of orders left processing failed; retried at the next pass", e))
        .onComplete(done);
    return running;
  }

  /** Stops the periodic pass; completes when the pass in progress has finished. */
  public Future<Void> close() {
    closing = true;
    if (timer >= 0) ctx.vertx().cancelTimer(timer);
    return running.<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Outcome> recoverAll(List<Long> ids, int i, Outcome sofar) {
    if (i == ids.size() || closing) return Future.succeededFuture(sofar);
    return recover(ids.get(i))
        .map(step -> step == null ? sofar : step.failed()
            ? new Outcome(sofar.completed(), sofar.failed() + 1) : new Outcome(sofar.completed() + 1, sofar.failed()))
        .compose(next -> recoverAll(ids, i + 1, next));
  }

  /** One order: null if another instance claimed it first (or it left processing). */
  private Future<Done> recover(long orderId) {
    Instant cutoff = ctx.clock().instant().minus(after);
    return ctx.db().tx(c -> claimAndDecide(c, orderId, cutoff)).compose(step -> {
      if (!(step instanceof Sign sign)) return Future.succeededFuture((Done) step);
      String serial = IssuanceService.serialHex(sign.prepared());
      return orders.signAndComplete(orderId, sign.prepared(), sign.replacesSerial(), "system",
              (c, s) -> ctx.audit().append(c, "system", "acme.order.recovered", urls.order(orderId),
                  new JsonObject().put("serial", s).encode()))
          .map(x -> new Done(false))
          .recover(err -> {
            if (err instanceof Orders.NoLongerProcessing) return Future.succeededFuture(null);
            DomainError p = err instanceof CsrRejected || err instanceof IllegalArgumentException
                ? DomainError.badCsr(err.getMessage()) // e.g. the key certified meanwhile by another order
                : unfinished("signing with the reserved serial " + serial + " failed");
            if (!(err instanceof CsrRejected)) LOG.log(Level.WARNING, "recovery of order " + orderId + " failed", err);
            return fail(orderId, p, err.getMessage());
          });
    });
  }

  /**
   * In the claim's transaction: the order is this instance's, then either failed here (with the
   * reason) or prepared for signing with its reserved serial.
   */
  private Step claimAndDecide(Connection c, long orderId, Instant cutoff) throws Exception {
    Instant now = ctx.clock().instant();
    if (!store.claimProcessing(c, orderId, cutoff, now)) return null;
    AcmeStore.Order o = store.order(c, orderId).orElseThrow();
    byte[] der = store.processingCsr(c, orderId);
    if (der == null || o.certificateSerial() == null) {
      return failIn(c, o, unfinished("its request was not kept (finalized before this server version)"), "no stored CSR");
    }
    AcmeStore.Account account = store.accountById(c, o.accountId()).orElseThrow();
    Profile profile = Profiles.get(o.profile());
    if (profile == null) return failIn(c, o, unfinished("its profile " + o.profile() + " no longer exists"), "unknown profile");
    // The registry decides again, as finalize does: a habilitation withdrawn meanwhile stops issuance.
    Decision decision = orders.registry().decide(c, account.adminId(), profile, o.identifiers());
    if (decision instanceof Decision.Deny deny) {
      return failIn(c, o, DomainError.unauthorized("the habilitation no longer covers this order: " + deny.summary()),
          deny.summary());
    }
    try {
      PKCS10CertificationRequest csr = IssuanceService.parseCsr(der);
      CsrNames.Names names = CsrNames.check(csr, profile, o.identifiers());
      IssuanceRequest request = orders.issuanceRequest(c, o, account.adminId(), (Decision.Allow) decision, names, der);
      return new Sign(orders.issuance().resume(c, request, csr, o.certificateSerial()), o.replacesSerial());
    } catch (CsrRejected | IllegalArgumentException e) {
      return failIn(c, o, DomainError.badCsr(e.getMessage()), e.getMessage());
    } catch (DomainError e) {
      return failIn(c, o, e, e.getMessage());
    } catch (IssuanceService.UnusableReservation e) {
      return failIn(c, o, unfinished("its reserved serial cannot be used"), e.getMessage());
    }
  }

  private Done failIn(Connection c, AcmeStore.Order o, DomainError problem, String reason) throws Exception {
    Instant now = ctx.clock().instant();
    store.failOrder(c, o.id(), AcmeProblems.toJson(problem), now);
    ctx.audit().append(c, "system", "acme.order.recovery-failed", urls.order(o.id()),
        new JsonObject().put("reason", reason).put("reservedSerial", o.certificateSerial()).encode());
    return new Done(true);
  }

  private Future<Done> fail(long orderId, DomainError problem, String reason) {
    return ctx.db().tx(c -> {
      if (!store.failProcessing(c, orderId, AcmeProblems.toJson(problem), ctx.clock().instant())) return null;
      ctx.audit().append(c, "system", "acme.order.recovery-failed", urls.order(orderId),
          new JsonObject().put("reason", String.valueOf(reason)).encode());
      return new Done(true);
    });
  }

  /** The order cannot be finished: a server fault, said on the order, with what the client can do. */
  private static DomainError unfinished(String why) {
    return DomainError.internal("the server stopped while issuing this order and cannot complete it: "
        + why + "; create a new order");
  }
}
