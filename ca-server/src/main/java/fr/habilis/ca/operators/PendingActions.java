package fr.habilis.ca.operators;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.operators.PendingAction.Kind;
import fr.habilis.ca.operators.PendingAction.State;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.Incident;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.PendingActionRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Four-eyes for the actions that took effect at once before issue 19: an incident (renewal
 * windows moved) and a habilitation revocation with its structure's certificates. One principal
 * records the action (state {@code recorded}, nothing done); another approves it, which runs it in
 * the approval's transaction (the action, its audit rows and the decision commit together, as the
 * approver), or rejects it with a reason. What the RA API's {@code /pending-actions} and the
 * console call; principals are given by id ({@link Principal#id()}), roles are the caller's check.
 */
public final class PendingActions {
  private final ServerContext ctx;
  private final RegistryService registry;
  private final RevocationService revocation;
  private final PendingActionRepository repo = new PendingActionRepository();
  private RenewalService renewal;

  public PendingActions(ServerContext ctx, RegistryService registry, RevocationService revocation) {
    this.ctx = ctx;
    this.registry = registry;
    this.revocation = revocation;
  }

  /** Incidents, once the renewal module provides its service. */
  public PendingActions renewal(RenewalService renewal) {
    this.renewal = renewal;
    return this;
  }

  public Future<PendingAction> find(long id) {
    return ctx.db().tx(c -> found(c, id));
  }

  /** Newest first; {@code state} null for all. */
  public Future<List<PendingAction>> list(State state, int limit, int offset) {
    return ctx.db().tx(c -> repo.list(c, state, limit, offset));
  }

  /** Records an incident (its fields already checked); 404 when its certificate or structure does not exist. */
  public Future<PendingAction> recordIncident(Incident.Scope scope, String target, String reason, String explanationUrl,
      String actor) {
    return ctx.db().tx(c -> {
      renewal().checkTarget(c, scope, target);
      return record(c, Kind.INCIDENT, scope.wireName() + ":" + target, new JsonObject().put("scope", scope.wireName())
          .put("value", target).put("reason", reason).put("explanationUrl", explanationUrl), actor);
    });
  }

  /** Records the revocation of an ACTIVE habilitation with its certificates (404 unknown, 409 not active). */
  public Future<PendingAction> recordRevocation(String reference, String reason, String actor) {
    return ctx.db().tx(c -> {
      Habilitation h = registry.habilitation(c, reference);
      if (h.status() != Habilitation.Status.ACTIVE) {
        throw DomainError.conflict("habilitation " + reference + " is " + h.status() + "; only an ACTIVE habilitation can be revoked");
      }
      return record(c, Kind.HABILITATION_REVOCATION, reference, new JsonObject().put("reason", reason)
          .put("revokeCertificates", true), actor);
    });
  }

  /**
   * Runs the action as {@code actor}, in one transaction with the decision: FORBIDDEN to its
   * recorder (four-eyes), CONFLICT once decided, NOT_FOUND for an unknown id. When the action
   * itself is refused (the habilitation was revoked meanwhile), nothing changes and it stays recorded.
   */
  public Future<PendingAction> approve(long id, String actor) {
    return ctx.db().tx(c -> decidable(c, id, actor, true)).compose(a -> switch (a.kind()) {
      case INCIDENT -> ctx.db().tx(c -> {
        decidable(c, id, actor, true);
        JsonObject request = new JsonObject(a.request());
        RenewalService.Declared d = renewal().declare(c, Incident.Scope.ofWireName(request.getString("scope")),
            request.getString("value"), request.getString("reason"), request.getString("explanationUrl"), actor);
        Incident i = d.incident();
        return decided(c, a, actor, new JsonObject().put("id", i.id()).put("scope", i.scope().wireName())
            .put("value", i.target()).put("reason", i.reason()).put("explanationURL", renewal().explanationUrl(i))
            .put("declaredBy", i.actor()).put("declaredAt", i.declaredAt().toString()).put("certificates", d.certificates()));
      });
      case HABILITATION_REVOCATION -> {
        String reason = new JsonObject(a.request()).getString("reason");
        yield registry.revoke(a.subject(), reason, actor, (c, h) -> {
          decidable(c, id, actor, true);
          List<StoredCertificate> revoked = revocation.revokeLive(c, h.structureId(), profilesOf(h),
              RevocationReason.CESSATION_OF_OPERATION, actor);
          decided(c, a, actor, new JsonObject().put("reference", h.reference()).put("status", h.status().name())
              .put("revokedCertificates", revoked.size()));
          return revoked;
        }).compose(r -> revocation.published(r.also())).compose(v -> find(id));
      }
    });
  }

  /** Ends a recorded action without running it; any principal the caller allows, the recorder included. */
  public Future<PendingAction> reject(long id, String reason, String actor) {
    return ctx.db().tx(c -> {
      PendingAction a = decidable(c, id, actor, false);
      repo.decide(c, id, State.REJECTED, actor, ctx.clock().instant(), reason, null);
      ctx.audit().append(c, actor, "ra.action.rejected", "action:" + id, new JsonObject().put("kind", a.kind().wireName())
          .put("subject", a.subject()).put("recordedBy", a.recordedBy()).put("reason", reason).encode());
      return found(c, id);
    });
  }

  /** Names of the profiles issued under a habilitation's offers. */
  public static Set<String> profilesOf(Habilitation h) {
    Set<String> kinds = h.offers().stream().map(o -> o.kind().name()).collect(Collectors.toSet());
    return Profiles.all().stream().filter(p -> kinds.contains(p.offer())).map(p -> p.name().name())
        .collect(Collectors.toSet());
  }

  private PendingAction record(Connection c, Kind kind, String subject, JsonObject request, String actor) throws Exception {
    long id = repo.insert(c, kind, subject, request.encode(), actor, ctx.clock().instant());
    ctx.audit().append(c, actor, "ra.action.recorded", "action:" + id, new JsonObject().put("kind", kind.wireName())
        .put("subject", subject).put("request", request).encode());
    return found(c, id);
  }

  /** The action, locked, still recorded, and not {@code actor}'s own when it is an approval. */
  private PendingAction decidable(Connection c, long id, String actor, boolean approving) throws Exception {
    PendingAction a = repo.findForUpdate(c, id).orElseThrow(() -> DomainError.notFound("no pending action " + id));
    if (a.state() != State.RECORDED) {
      throw DomainError.conflict("pending action " + id + " is " + a.state().wireName() + " by " + a.decidedBy()
          + "; only a recorded action can be decided");
    }
    if (approving) FourEyes.check(a.recordedBy(), actor, "pending action " + id + " (" + a.kind().wireName() + ")", ctx.config());
    return a;
  }

  private PendingAction decided(Connection c, PendingAction a, String actor, JsonObject outcome) throws Exception {
    repo.decide(c, a.id(), State.APPROVED, actor, ctx.clock().instant(), null, outcome.encode());
    ctx.audit().append(c, actor, "ra.action.approved", "action:" + a.id(), new JsonObject().put("kind", a.kind().wireName())
        .put("subject", a.subject()).put("recordedBy", a.recordedBy()).put("outcome", outcome).encode());
    return found(c, a.id());
  }

  private RenewalService renewal() {
    if (renewal == null) throw DomainError.of(ErrorKind.UNAVAILABLE, "incidents need the renewal module");
    return renewal;
  }

  private PendingAction found(Connection c, long id) throws Exception {
    return repo.find(c, id).orElseThrow(() -> DomainError.notFound("no pending action " + id));
  }
}
