package fr.habilis.ca.finalize;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.issuance.IssuanceRequest;
import fr.habilis.ca.issuance.IssuanceService;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SubjectInfo;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Decision;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.SqlWork;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The one path from a ready order and a CSR to a stored certificate (RFC 8555 §7.4), for ACME
 * finalize and for the recovery of orders a stopped process left processing. The front end parses
 * the request and maps the errors; this class decides and orchestrates:
 * <ol>
 *   <li>one transaction (the caller's, so that ACME spends the request's nonce in it): the order,
 *       locked, must be the account's and ready; the CSR's names must be the order's; the registry
 *       decides again (a habilitation withdrawn since newOrder fails the order); a {@code replaces}
 *       claim is taken; the CSR is checked and a serial reserved; the order moves to processing
 *       with its CSR and serial, which a recovery needs if the process dies now;
 *   <li>signing on a worker, then one transaction storing the certificate and making the order
 *       valid — neither exists without the other.
 * </ol>
 * A refusal that changes nothing fails the future with its {@link DomainError} (the order stays
 * ready for a corrected CSR); one that must be recorded on the order is {@link FinalizeOutcome.Invalid}.
 */
public final class Finalizer {
  private final ServerContext ctx;
  private final AcmeStore store;
  private final RegistryService registry;
  private final IssuanceService issuance;
  /** The order's URL (the subject of its audit entries). */
  private final LongFunction<String> orderUrl;
  /** How an error is written on an order (the ACME problem document the client will read). */
  private final Function<DomainError, JsonObject> orderError;
  /** Finalizations under way: a graceful stop waits for them even when their client has gone. */
  private final Set<Future<FinalizeOutcome>> running = ConcurrentHashMap.newKeySet();
  /** Renewal (RFC 9773 replaces); null when the server runs without it. */
  private RenewalService renewal;
  /**
   * Test switch (testStopAfterProcessing): finalize commits the order's move to processing, its
   * serial and its CSR, and goes no further, exactly as a process killed at that point would leave
   * it (for the crash-recovery tests).
   */
  private final boolean stopAfterProcessing;

  /** Runs work in one transaction; ACME's passes its request's, which also spends the nonce. */
  @FunctionalInterface
  public interface Transactions {
    <T> Future<T> tx(SqlWork<T> work);
  }

  /** What the client asked: finalize this order of this account with this CSR (parsed by the front end). */
  public record Request(long orderId, long accountId, String adminId, byte[] csrDer, PKCS10CertificationRequest csr) {}

  /** What a deciding transaction concluded: sign with the reserved serial, or fail the order (committed). */
  public sealed interface Decided permits Sign, Failed {}

  public record Sign(IssuanceService.Prepared prepared, String replacesSerial) implements Decided {}

  public record Failed(DomainError error) implements Decided {}

  public Finalizer(ServerContext ctx, AcmeStore store, RegistryService registry, LongFunction<String> orderUrl,
      Function<DomainError, JsonObject> orderError) {
    this.ctx = ctx;
    this.store = store;
    this.registry = registry;
    this.issuance = new IssuanceService(ctx);
    this.orderUrl = orderUrl;
    this.orderError = orderError;
    this.stopAfterProcessing = ctx.config().getBoolean(Setting.TEST_STOP_AFTER_PROCESSING);
  }

  public void renewal(RenewalService renewal) {
    this.renewal = renewal;
  }

  public Future<FinalizeOutcome> finalize(Request r, Transactions tx) {
    Future<FinalizeOutcome> f = finalizeNow(r, tx);
    running.add(f);
    f.onComplete(x -> running.remove(f));
    return f;
  }

  /**
   * Completes when every finalization started so far has ended: its order is then valid, or back
   * to ready, never left processing by the pool closing under it.
   */
  public Future<Void> settled() {
    return Future.join(List.copyOf(running)).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<FinalizeOutcome> finalizeNow(Request r, Transactions tx) {
    Instant now = ctx.clock().instant();
    return tx.tx(c -> decide(c, r, now)).compose(decided -> {
      if (decided instanceof Failed f) return Future.succeededFuture(new FinalizeOutcome.Invalid(f.error()));
      Sign s = (Sign) decided;
      if (stopAfterProcessing) {
        return ctx.db().tx(c -> new FinalizeOutcome.Processing(store.order(c, r.orderId()).orElseThrow()));
      }
      return sign(r.orderId(), s, "acme-account:" + r.accountId(), (c, serial) -> null)
          .recover(err -> signingFailed(r.orderId(), err));
    });
  }

  private Decided decide(Connection c, Request r, Instant now) throws Exception {
    long id = r.orderId();
    AcmeStore.Order o = store.order(c, id, true).filter(x -> x.accountId() == r.accountId())
        .orElseThrow(() -> DomainError.notFound("no such order"));
    if (!"ready".equals(o.status()) || o.expiresAt().isBefore(now)) {
      String status = "ready".equals(o.status()) ? "invalid" : o.status();
      throw DomainError.of(ErrorKind.ORDER_NOT_READY, "order is " + status + ", not ready");
    }
    Profile profile = Profiles.get(o.profile());
    CsrNames.Names names = CsrNames.check(r.csr(), profile, o.identifiers());
    Decision decision = registry.decide(c, r.adminId(), profile, o.identifiers());
    if (decision instanceof Decision.Deny deny) {
      DomainError error = DomainError.unauthorized("the habilitation no longer covers this order: " + deny.summary());
      return failIn(c, o, error, "acme-account:" + r.accountId(), "acme.order.refused", deny.summary());
    }
    String replacesSerial = null;
    if (o.replacesSerial() != null && renewal != null) {
      // The claim is taken here, under the order's lock: another order may have finalized a
      // successor since this one was created (a ready order does not hold the predecessor).
      var refusal = renewal.stillReplaceable(c, o.replacesSerial(), id);
      if (refusal.isPresent()) {
        return failIn(c, o, refusal.get().toError(), "acme-account:" + r.accountId(), "acme.order.refused", refusal.get().detail());
      }
      replacesSerial = o.replacesSerial();
    }
    // CSR checks and the serial reservation commit with the order's move to processing; a refused
    // CSR rolls it all back (the order stays ready for a corrected CSR).
    IssuanceService.Prepared prepared = issuance.prepare(c, request(c, o, r.adminId(), (Decision.Allow) decision, names, r.csrDer()),
        r.csr());
    if (!store.startProcessing(c, id, r.csrDer(), IssuanceService.serialHex(prepared), now)) {
      throw DomainError.of(ErrorKind.ORDER_NOT_READY, "order is being finalized");
    }
    return new Sign(prepared, replacesSerial);
  }

  /**
   * The recovery's decision for an order it claimed (processing, with its CSR and reserved serial):
   * the same checks as finalize — registry, CSR names, CSR policy — in {@code c}, and the same
   * serial; an order that cannot be completed is failed in {@code c} with the reason.
   */
  public Decided resume(Connection c, AcmeStore.Order o, String adminId, byte[] der) throws Exception {
    Profile profile = Profiles.get(o.profile());
    if (profile == null) return failIn(c, o, unfinished("its profile " + o.profile() + " no longer exists"), "system",
        "acme.order.recovery-failed", "unknown profile");
    // The registry decides again, as finalize does: a habilitation withdrawn meanwhile stops issuance.
    Decision decision = registry.decide(c, adminId, profile, o.identifiers());
    if (decision instanceof Decision.Deny deny) {
      return failIn(c, o, DomainError.unauthorized("the habilitation no longer covers this order: " + deny.summary()), "system",
          "acme.order.recovery-failed", deny.summary());
    }
    try {
      PKCS10CertificationRequest csr = IssuanceService.parseCsr(der);
      CsrNames.Names names = CsrNames.check(csr, profile, o.identifiers());
      IssuanceRequest request = request(c, o, adminId, (Decision.Allow) decision, names, der);
      return new Sign(issuance.resume(c, request, csr, o.certificateSerial()), o.replacesSerial());
    } catch (IssuanceService.UnusableReservation e) {
      return failIn(c, o, unfinished("its reserved serial cannot be used"), "system", "acme.order.recovery-failed", e.getMessage());
    } catch (DomainError e) { // e.g. the key certified or blocked meanwhile
      return failIn(c, o, e, "system", "acme.order.recovery-failed", e.getMessage());
    }
  }

  /** The recovery's signing of a resumed order; its audit entry joins the storing transaction. */
  public Future<FinalizeOutcome> completeResumed(long orderId, Sign sign) {
    return sign(orderId, sign, "system", (c, serial) -> {
          ctx.audit().append(c, "system", "acme.order.recovered", orderUrl.apply(orderId), new JsonObject().put("serial", serial).encode());
          return null;
        })
        .recover(err -> {
          if (err instanceof NoLongerProcessing) return settledElsewhere(orderId);
          DomainError error = err instanceof DomainError e ? e
              : unfinished("signing with the reserved serial " + IssuanceService.serialHex(sign.prepared()) + " failed");
          return ctx.db().tx(c -> {
            if (!store.failProcessing(c, orderId, orderError.apply(error), ctx.clock().instant())) {
              return (FinalizeOutcome) new FinalizeOutcome.SettledElsewhere(store.order(c, orderId).orElseThrow());
            }
            ctx.audit().append(c, "system", "acme.order.recovery-failed", orderUrl.apply(orderId),
                new JsonObject().put("reason", String.valueOf(err.getMessage())).encode());
            return new FinalizeOutcome.Invalid(error);
          }).compose(outcome -> err instanceof DomainError ? Future.succeededFuture(outcome) : Future.failedFuture(err));
        });
  }

  /** The order cannot be finished: a server fault, said on the order, with what the client can do. */
  public static DomainError unfinished(String why) {
    return DomainError.internal("the server stopped while issuing this order and cannot complete it: " + why
        + "; create a new order");
  }

  /** Fails the order in {@code c} with {@code error} (committed with the caller's transaction) and audits why. */
  public Failed failIn(Connection c, AcmeStore.Order o, DomainError error, String actor, String event, String reason)
      throws Exception {
    store.failOrder(c, o.id(), orderError.apply(error), ctx.clock().instant());
    JsonObject details = new JsonObject().put("reason", reason);
    if ("system".equals(actor)) details.put("reservedSerial", o.certificateSerial());
    ctx.audit().append(c, actor, event, orderUrl.apply(o.id()), details.encode());
    return new Failed(error);
  }

  /**
   * What finalize (and the recovery of an order it left processing) asks the CA to sign: subject
   * from the registry's decision (a PRO certificate's CN too), names from the CSR as checked against the order.
   */
  private IssuanceRequest request(Connection c, AcmeStore.Order o, String adminId, Decision.Allow allow, CsrNames.Names names,
      byte[] der) throws java.sql.SQLException {
    String card = registry.administrator(c, adminId).map(Administrator::cardNumber).orElse(null);
    // A PRO certificate's CN is the professional's, from the registry; a CSR's differing CN is refused.
    String cn = allow.professional() == null ? names.commonName()
        : CsrNames.personCommonName(names.commonName(), allow.professional());
    return new IssuanceRequest(o.profile(), der, new SubjectInfo(allow.structure().certificateName(),
        allow.structure().departmentLabel(), allow.structure().nationalId(), cn),
        names.dnsNames(), names.emails(), card, o.accountId(), o.id(), o.replacesSerial());
  }

  /** Signing failed after the order moved to processing. */
  private Future<FinalizeOutcome> signingFailed(long orderId, Throwable err) {
    if (err instanceof NoLongerProcessing) return settledElsewhere(orderId);
    if (err instanceof DomainError refusal) {
      // The client's CSR was refused at signing time (e.g. its key certified meanwhile by another
      // order): the order is ready again for a corrected CSR, and the client reads why.
      return ctx.db().tx(c -> store.backToReady(c, orderId, ctx.clock().instant())).transform(x -> Future.failedFuture(refusal));
    }
    // A fault: the order cannot complete; say so on the order itself, and let the front end log it.
    DomainError internal = DomainError.internal("internal error while signing; create a new order");
    return ctx.db().tx(c -> store.failProcessing(c, orderId, orderError.apply(internal), ctx.clock().instant()))
        .transform(x -> Future.failedFuture(err));
  }

  private Future<FinalizeOutcome> settledElsewhere(long orderId) {
    return ctx.db().tx(c -> new FinalizeOutcome.SettledElsewhere(store.order(c, orderId).orElseThrow()));
  }

  /** The order left processing before its certificate was stored (another instance completed or failed it). */
  private static final class NoLongerProcessing extends RuntimeException {
    NoLongerProcessing(long orderId) {
      super("order " + orderId + " is no longer processing", null, false, false);
    }
  }

  /**
   * Signs {@code sign}'s request (its serial reserved and committed with the order's move to
   * processing) and stores the certificate. The order becomes valid in that transaction: no crash
   * can leave a certificate without its order, or an order in processing after its certificate.
   * The renewal chain (and the predecessor's revocation, if its profile says so) and {@code also}
   * join it; revoked predecessors are published once it committed. Fails with NoLongerProcessing,
   * nothing stored, when the order left processing meanwhile.
   */
  private Future<FinalizeOutcome> sign(long orderId, Sign sign, String actor, IssuanceService.WithCertificate<?> also) {
    return issuance.issue(sign.prepared(), (c, serial) -> {
          if (!store.completeOrder(c, orderId, serial, ctx.clock().instant())) throw new NoLongerProcessing(orderId);
          List<StoredCertificate> superseded = sign.replacesSerial() != null && renewal != null
              ? renewal.successorIssued(c, sign.replacesSerial(), serial, actor) : List.of();
          also.run(c, serial);
          return new Completion(store.order(c, orderId).orElseThrow(), superseded);
        })
        .compose(issued -> (renewal == null ? Future.<Void>succeededFuture() : renewal.published(issued.joined().superseded()))
            .map(x -> (FinalizeOutcome) new FinalizeOutcome.Valid(issued.joined().order(), issued.certificate().serialHex())));
  }

  /** What the storing transaction read and changed besides the certificate. */
  private record Completion(AcmeStore.Order order, List<StoredCertificate> superseded) {}
}
