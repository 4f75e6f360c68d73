package fr.habilis.ca.renewal;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.RenewalRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renewal (RFC 9773): answers renewalInfo, decides and records {@code replaces}, and lets the RA
 * declare incidents. The window itself is {@link RenewalWindows}' pure function; this class reads
 * what it needs (one transaction per call, or the caller's) and writes the renewal chain.
 */
public final class RenewalService {
  /** Longest renewal chain walked for the RA (a 3-year product renewed for three centuries). */
  private static final int MAX_CHAIN = 100;
  private final ServerContext ctx;
  private final RegistryService registry;
  private final RevocationService revocation;
  private final RenewalPolicy policy;
  private final RenewalRepository repo = new RenewalRepository();
  private final CertificateRepository certificates = new CertificateRepository();
  /** base64url(keyIdentifier) of each issuing CA → its id: the AKI half of a certificate identifier. */
  private final Map<String, String> caByKeyId = new HashMap<>();

  public RenewalService(ServerContext ctx, RegistryService registry, RevocationService revocation) {
    this.ctx = ctx;
    this.registry = registry;
    this.revocation = revocation;
    this.policy = RenewalPolicy.from(ctx.config());
    for (IssuingCa ca : ctx.ca().issuingCas()) {
      caByKeyId.put(Base64.getUrlEncoder().withoutPadding().encodeToString(CertificateId.keyIdentifierOf(ca.certificate())),
          ca.id());
    }
  }

  public RenewalPolicy policy() {
    return policy;
  }

  /**
   * renewalInfo: two indexed reads (the certificate by primary key, the latest incident covering
   * it), no write and no lock. Fails with NOT_FOUND when no certificate of ours has this identifier.
   */
  public Future<SuggestedWindow> renewalInfo(CertificateId id) {
    String caId = caOf(id);
    if (caId == null) return Future.failedFuture(unknown(id));
    String serial = SerialNumbers.toHex(id.serial());
    return ctx.db().tx(c -> {
      RenewalFacts facts = repo.facts(c, serial).filter(f -> f.caId().equals(caId))
          .orElseThrow(() -> unknown(id));
      return RenewalWindows.suggest(facts, repo.latestIncident(c, facts).orElse(null), policy);
    });
  }

  private static DomainError unknown(CertificateId id) {
    return DomainError.notFound("no certificate " + id + " was issued by this CA");
  }

  /** Where an incident is explained: the operator's URL, else this server's public page for it. */
  public String explanationUrl(Incident incident) {
    return incident.explanationUrl() != null ? incident.explanationUrl()
        : ctx.endpoints().acmeBase() + "/incidents/" + incident.id();
  }

  public Future<Optional<Incident>> incident(long id) {
    return ctx.db().tx(c -> repo.incident(c, id));
  }

  // --- replaces (RFC 9773 §5)

  /**
   * What a newOrder replacing {@code id} needs to decide, read in its transaction. Nothing is
   * locked: a ready order does not hold the predecessor, finalize takes the claim
   * ({@link #stillReplaceable}).
   */
  public ReplacementDecision.Predecessor predecessor(Connection c, CertificateId id, long accountId, String adminId)
      throws SQLException {
    String caId = caOf(id);
    RenewalFacts facts = caId == null ? null
        : repo.facts(c, SerialNumbers.toHex(id.serial())).filter(f -> f.caId().equals(caId)).orElse(null);
    if (facts == null) return new ReplacementDecision.Predecessor(id.encode(), null, false, false, null);
    boolean ordered = facts.accountId() != null && facts.accountId() == accountId;
    Profile profile = Profiles.get(facts.profile());
    boolean managed = !ordered && adminId != null && profile != null
        && registry.managesOffer(c, adminId, facts.structureId(), Offer.Kind.valueOf(profile.offer()));
    return new ReplacementDecision.Predecessor(id.encode(), facts, ordered, managed,
        repo.claimingOrder(c, facts.serialHex(), -1));
  }

  /**
   * At finalize, in the transaction moving order {@code orderId} to processing, with the right to
   * replace locked until it commits: the predecessor must still be free (no successor issued, no
   * other order finalizing one). A replacing order that was never finalized does not block
   * another one, so a client that lost its order after newOrder can order again.
   */
  public Optional<ReplacementDecision.Refusal> stillReplaceable(Connection c, String predecessor, long orderId)
      throws SQLException {
    repo.lockReplacement(c, predecessor);
    Optional<RenewalFacts> facts = repo.facts(c, predecessor);
    if (facts.isPresent() && facts.get().replacedBy() != null) {
      return Optional.of(new ReplacementDecision.Refusal(ErrorKind.ALREADY_REPLACED,
          "certificate " + predecessor + " was already replaced by " + facts.get().replacedBy()));
    }
    Long other = repo.claimingOrder(c, predecessor, orderId);
    if (other != null) {
      return Optional.of(new ReplacementDecision.Refusal(ErrorKind.ALREADY_REPLACED,
          "certificate " + predecessor + " is already being replaced by order " + other));
    }
    return Optional.empty();
  }

  /**
   * In the transaction storing {@code successor}: records the succession and, when the policy says
   * so for the predecessor's profile, revokes it as superseded. Returns what was revoked, to be
   * published ({@link #published}) once committed.
   */
  public List<StoredCertificate> successorIssued(Connection c, String predecessor, String successor, String actor)
      throws SQLException {
    // finalize's stillReplaceable check, under the replacement lock, admits one successor only; a
    // link already present would mean a repaired database: the new certificate then stands alone.
    if (!repo.linkSuccessor(c, predecessor, successor)) return List.of();
    Optional<RenewalFacts> facts = repo.facts(c, predecessor);
    if (facts.isEmpty() || !policy.revokesReplaced(facts.get().profile())) return List.of();
    return revocation.revokeInTransaction(c, predecessor, RevocationReason.SUPERSEDED, actor).map(List::of).orElse(List.of());
  }

  public Future<Void> published(List<StoredCertificate> revoked) {
    return revoked.isEmpty() ? Future.succeededFuture() : revocation.published(revoked);
  }

  // --- RA: renewal chains and incidents

  /** The renewals of a product through {@code serial}: first certificate to latest, or 404. */
  public Future<List<StoredCertificate>> chain(String serial) {
    return ctx.db().tx(c -> {
      StoredCertificate cert = certificates.findBySerial(c, serial)
          .orElseThrow(() -> DomainError.notFound("no certificate with serial " + serial));
      Deque<StoredCertificate> chain = new ArrayDeque<>();
      chain.add(cert);
      for (StoredCertificate p = cert; p.replaces() != null && chain.size() < MAX_CHAIN; ) {
        p = certificates.findBySerial(c, p.replaces()).orElse(null);
        if (p == null) break;
        chain.addFirst(p);
      }
      for (StoredCertificate n = cert; n.replacedBy() != null && chain.size() < MAX_CHAIN; ) {
        n = certificates.findBySerial(c, n.replacedBy()).orElse(null);
        if (n == null) break;
        chain.addLast(n);
      }
      return new ArrayList<>(chain);
    });
  }

  /** A declared incident and the number of live certificates it covers. */
  public record Declared(Incident incident, int certificates) {}

  /**
   * Declares an incident in the caller's transaction (the approval of an incident recorded by
   * another principal, issue 19's four-eyes): from now on, renewalInfo tells every certificate of
   * the scope issued before now to renew at once, with {@code reason} behind its explanationURL.
   * Audited. The target must exist (404 otherwise).
   */
  public Declared declare(Connection c, Incident.Scope scope, String target, String reason, String explanationUrl,
      String actor) throws SQLException {
    Instant now = ctx.clock().instant();
    checkTarget(c, scope, target);
    long id = repo.insertIncident(c, scope, target, reason, explanationUrl, actor, now);
    Incident incident = repo.incident(c, id).orElseThrow();
    int covered = repo.countCovered(c, scope, target, incident.declaredAt(), now);
    ctx.audit().append(c, actor, "renewal.incident.declared", "incident:" + id, new JsonObject()
        .put("scope", scope.wireName()).put("target", target).put("reason", reason)
        .put("explanationUrl", explanationUrl).put("certificates", covered).encode());
    return new Declared(incident, covered);
  }

  /** 404 for a certificate or structure that does not exist (profile and CA names are checked with the request). */
  public void checkTarget(Connection c, Incident.Scope scope, String target) throws SQLException {
    switch (scope) {
      case CERTIFICATE -> certificates.findBySerial(c, target)
          .orElseThrow(() -> DomainError.notFound("no certificate with serial " + target));
      case STRUCTURE -> {
        if (registry.structure(c, target).isEmpty()) throw DomainError.notFound("no structure " + target);
      }
      default -> {
        // profile and CA names were checked with the request's other fields
      }
    }
  }

  public Future<List<Incident>> incidents(int limit, int offset) {
    return ctx.db().tx(c -> repo.incidents(c, limit, offset));
  }

  /** Live certificates an incident covers now. */
  public Future<Integer> covered(Incident incident) {
    return ctx.db().tx(c -> repo.countCovered(c, incident.scope(), incident.target(), incident.declaredAt(),
        ctx.clock().instant()));
  }

  private String caOf(CertificateId id) {
    return caByKeyId.get(Base64.getUrlEncoder().withoutPadding().encodeToString(id.keyIdentifier()));
  }
}
