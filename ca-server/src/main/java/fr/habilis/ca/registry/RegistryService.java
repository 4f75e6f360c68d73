package fr.habilis.ca.registry;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.operators.FourEyes;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.notify.NoticeKind;
import fr.habilis.ca.notify.Notices;
import fr.habilis.ca.registry.Habilitation.Signatory;
import fr.habilis.ca.registry.Habilitation.Status;
import fr.habilis.ca.store.EabRepository;
import fr.habilis.ca.store.ProfessionalRepository;
import fr.habilis.ca.store.RegistryRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's operations: each is one transaction with its audit entry (and outbox notices,
 * see {@link Notices}), so a failure anywhere changes nothing. Illegal transitions fail with 409,
 * unknown records with 404.
 */
public final class RegistryService {
  private final ServerContext ctx;
  private final RegistryRepository repo = new RegistryRepository();
  private final EabRepository eab;
  private final ProfessionalRepository professionals = new ProfessionalRepository();
  private final Notices notices;

  public RegistryService(ServerContext ctx) {
    this.ctx = ctx;
    this.eab = new EabRepository(new EabKeySealer(ctx.caSecret()));
    this.notices = new Notices(ctx);
  }

  /**
   * A habilitation request as received (form 413/414), already validated field by field;
   * {@code language} (null: French) and {@code informEmails} concern its notices;
   * {@code supersedes} (null: none) is the active habilitation of the same structure it amends.
   */
  public record NewHabilitation(String structureId, String form, Signatory signatory, List<Administrator> administrators,
      List<Offer> offers, String usage, String editor, String solution, Language language, List<String> informEmails,
      String supersedes) {

    public NewHabilitation(String structureId, String form, Signatory signatory, List<Administrator> administrators,
        List<Offer> offers, String usage, String editor, String solution, Language language, List<String> informEmails) {
      this(structureId, form, signatory, administrators, offers, usage, editor, solution, language, informEmails, null);
    }

    public NewHabilitation(String structureId, String form, Signatory signatory, List<Administrator> administrators,
        List<Offer> offers, String usage, String editor, String solution) {
      this(structureId, form, signatory, administrators, offers, usage, editor, solution, Language.FR, List.of());
    }
  }

  /** A credential as shown once to the operator. */
  public record IssuedCredential(String cardNumber, EabCredential credential) {}

  public record Approval(Habilitation habilitation, List<IssuedCredential> credentials) {}

  public Future<Structure> createStructure(Structure s, String actor) {
    return ctx.db().tx(c -> {
      if (repo.findStructure(c, s.nationalId()).isPresent()) {
        throw DomainError.conflict("structure " + s.nationalId() + " is already recorded");
      }
      repo.insertStructure(c, s, now());
      ctx.audit().append(c, actor, "structure.created", s.nationalId(), new JsonObject().put("name", s.name())
          .put("environment", s.environment()).encode());
      return s;
    });
  }

  /** Gives a structure the name its certificates carry in O (≤ 64 characters, already validated). */
  public Future<Structure> setCertificateName(String nationalId, String certificateName, String actor) {
    return ctx.db().tx(c -> {
      Structure s = repo.findStructure(c, nationalId).orElseThrow(() -> DomainError.notFound("no structure " + nationalId));
      repo.setCertificateName(c, nationalId, certificateName);
      ctx.audit().append(c, actor, "structure.certificate-name", nationalId, new JsonObject()
          .put("from", s.certificateName()).put("to", certificateName).encode());
      return repo.findStructure(c, nationalId).orElseThrow();
    });
  }

  public Future<Structure> structure(String nationalId) {
    return ctx.db().tx(c -> repo.findStructure(c, nationalId)
        .orElseThrow(() -> DomainError.notFound("no structure " + nationalId)));
  }

  /** The structure, in the caller's transaction. */
  public Optional<Structure> structure(Connection c, String nationalId) throws SQLException {
    return repo.findStructure(c, nationalId);
  }

  public Future<Habilitation> createHabilitation(NewHabilitation req, String actor) {
    return ctx.db().tx(c -> {
      Instant now = now();
      List<DomainError.FieldError> errors = new ArrayList<>();
      Optional<Structure> structure = repo.findStructure(c, req.structureId());
      if (structure.isEmpty()) {
        errors.add(new DomainError.FieldError("structure", "no structure " + req.structureId() + " is recorded"));
      } else {
        String env = structure.get().environment();
        if (req.form().equals("414") && !env.equals("test")) {
          errors.add(new DomainError.FieldError("form", "form 414 is for test structures; " + req.structureId() + " is a production structure"));
        } else if (req.form().equals("413") && !env.equals("production")) {
          errors.add(new DomainError.FieldError("form", "form 413 is for production structures; use form 414 for a test structure"));
        }
        IdType type = structure.get().idType();
        if (req.signatory().role() == Signatory.Role.PRACTICE_HOLDER && type != IdType.RPPS_RANG && type != IdType.ADELI_RANG) {
          errors.add(new DomainError.FieldError("signatory.role", "PRACTICE_HOLDER signs for a practice known by its RPPS or ADELI rang"));
        }
      }
      for (int i = 0; i < req.administrators().size(); i++) {
        if (repo.isReplacedCard(c, req.administrators().get(i).cardNumber())) {
          errors.add(new DomainError.FieldError("administrators[" + i + "].cardNumber",
              "this card has been replaced; name the holder's current card"));
        }
      }
      Habilitation amended = req.supersedes() == null ? null : amended(c, req, errors);
      if (!errors.isEmpty()) throw DomainError.invalidFields(errors);
      if (amended != null && amended.status() != Status.ACTIVE) {
        throw DomainError.conflict("habilitation " + amended.reference() + " is " + amended.status()
            + "; only an ACTIVE habilitation can be amended by a new form");
      }
      String reference = repo.insertHabilitation(c, req.structureId(), req.form(), req.signatory(), req.usage(),
          req.editor(), req.solution(), req.language() == null ? Language.FR : req.language(),
          req.informEmails() == null ? List.of() : req.informEmails(), now);
      long id = repo.findHabilitation(c, reference).orElseThrow().id();
      repo.setRecordedBy(c, id, actor);
      for (int i = 0; i < req.offers().size(); i++) repo.insertOffer(c, id, i, req.offers().get(i));
      for (Administrator a : req.administrators()) repo.addAdmin(c, id, person(c, a, now).id(), now);
      if (amended != null) repo.setSupersedes(c, id, amended.reference());
      Habilitation h = repo.findHabilitation(c, reference).orElseThrow();
      ctx.audit().append(c, actor, "habilitation.received", reference, summary(h).encode());
      return h;
    });
  }

  /** The habilitation a new form amends: it must be one of the same structure (else a field error). */
  private Habilitation amended(Connection c, NewHabilitation req, List<DomainError.FieldError> errors) throws SQLException {
    Optional<Habilitation> earlier = repo.findHabilitation(c, req.supersedes());
    if (earlier.isEmpty()) {
      errors.add(new DomainError.FieldError("supersedes", "no habilitation " + req.supersedes()));
      return null;
    }
    if (!earlier.get().structureId().equals(req.structureId())) {
      errors.add(new DomainError.FieldError("supersedes", req.supersedes() + " is a habilitation of structure "
          + earlier.get().structureId() + "; a new form amends a habilitation of the same structure"));
      return null;
    }
    return earlier.get();
  }

  public Future<Habilitation> habilitation(String reference) {
    return ctx.db().tx(c -> find(c, reference));
  }

  /** The habilitation in the caller's transaction; 404 when unknown. */
  public Habilitation habilitation(Connection c, String reference) throws SQLException {
    return find(c, reference);
  }

  public Future<List<Habilitation>> list(String structureId, Status status, int limit, int offset) {
    return ctx.db().tx(c -> repo.list(c, structureId, status, limit, offset));
  }

  /**
   * Habilitations by structure, statuses (empty: any) and administrator card (current or replaced;
   * null: any; an unknown card matches nothing), newest first.
   */
  public Future<List<Habilitation>> list(String structureId, List<Status> statuses, String adminCard, int limit,
      int offset) {
    return ctx.db().tx(c -> {
      String adminId = null;
      if (adminCard != null) {
        Optional<Administrator> holder = holderOf(c, adminCard);
        if (holder.isEmpty()) return List.<Habilitation>of();
        adminId = holder.get().id();
      }
      return repo.list(c, structureId, statuses, adminId, limit, offset);
    });
  }

  /** The person holding this card now, or who held it before a replacement. */
  public Optional<Administrator> holderOf(Connection c, String cardNumber) throws SQLException {
    List<String> cards = repo.cardsOf(c, cardNumber);
    return cards.isEmpty() ? Optional.empty() : repo.findAdminByCard(c, cards.get(0));
  }

  /** Every habilitation naming the person now or before a removal, newest first. */
  public List<Habilitation> habilitationsOf(Connection c, String adminId) throws SQLException {
    return repo.namingAdmin(c, adminId);
  }

  public List<Habilitation> habilitationsOfStructure(Connection c, String structureId) throws SQLException {
    return repo.ofStructure(c, structureId);
  }

  /**
   * RECEIVED → ACTIVE, and one fresh EAB credential per named administrator. The conditional
   * status update makes concurrent approvals produce exactly one set of credentials. Four-eyes:
   * refused (FORBIDDEN) to the principal who recorded the request.
   */
  public Future<Approval> approve(String reference, String actor) {
    return ctx.db().tx(c -> {
      Instant now = now();
      Habilitation h = find(c, reference);
      FourEyes.check(repo.recordedBy(c, h.id()), actor, "habilitation " + reference, ctx.config());
      Structure structure = repo.findStructure(c, h.structureId()).orElseThrow();
      if (structure.certificateName() == null) {
        // Approving it would give administrators a habilitation whose every finalize fails.
        throw DomainError.conflict("structure " + structure.nationalId() + " has no certificate name: its legal name is "
            + structure.name().length() + " characters, a certificate's O holds " + Structure.CERTIFICATE_NAME_MAX
            + "; give one with PATCH /structures/" + structure.nationalId() + " {\"certificateName\": …} first");
      }
      transition(c, h, Status.RECEIVED, Status.ACTIVE, null, now);
      Habilitation earlier = h.supersedes() == null ? null : supersede(c, h, actor, now);
      List<IssuedCredential> creds = new ArrayList<>();
      for (Administrator a : h.administrators()) {
        // Someone the amended habilitation named keeps their ACME accounts; only a newcomer needs one.
        if (earlier != null && earlier.names(a.id())) continue;
        creds.add(new IssuedCredential(a.cardNumber(), eab.mint(c, a.id(), now, eabValidity())));
      }
      Habilitation active = find(c, reference);
      ctx.audit().append(c, actor, "habilitation.approved", reference, new JsonObject()
          .put("credentials", new JsonArray(creds.stream().map(x -> x.credential().kid()).toList()))
          .put("supersedes", h.supersedes()).encode());
      notices.habilitation(c, NoticeKind.HABILITATION_APPROVED, active, null, now);
      return new Approval(active, creds);
    });
  }

  /**
   * The approval of an amendment, in its transaction: the habilitation it amends becomes
   * SUPERSEDED (it must still be ACTIVE: a revocation or another amendment approved since makes
   * this approval a 409 and changes nothing), and the professionals recorded under its PRO offer
   * whom the new PRO offer still covers are recorded under the new one. From the commit on, the
   * administrators' authorizations are the new form's (the decision reads ACTIVE habilitations only).
   */
  private Habilitation supersede(Connection c, Habilitation amendment, String actor, Instant now) throws SQLException {
    Habilitation earlier = find(c, amendment.supersedes());
    if (!repo.supersede(c, earlier.id(), amendment.reference(), "superseded by " + amendment.reference(), now)) {
      Habilitation current = find(c, earlier.reference());
      throw DomainError.conflict("habilitation " + earlier.reference() + " is " + current.status()
          + (current.supersededBy() == null ? "" : " (by " + current.supersededBy() + ")") + "; " + amendment.reference()
          + " amends it and can no longer be approved: reject it and record a new form");
    }
    List<Offer> pro = amendment.offers().stream().filter(o -> o.kind() == Offer.Kind.PRO).toList();
    List<Professional> kept = professionals.of(c, amendment.id());
    for (Professional p : professionals.of(c, earlier.id())) {
      boolean covered = pro.stream().anyMatch(o -> o.coversEmail(p.email()));
      boolean known = kept.stream().anyMatch(k -> k.nationalId().equals(p.nationalId()) || k.email().equals(p.email()));
      if (covered && !known) {
        professionals.insert(c, new Professional(amendment.id(), p.idKind(), p.idValue(), p.lastName(), p.firstName(),
            p.email()), now);
      }
    }
    ctx.audit().append(c, actor, "habilitation.superseded", earlier.reference(), new JsonObject()
        .put("by", amendment.reference()).encode());
    return earlier;
  }

  public Future<Habilitation> reject(String reference, String reason, String actor) {
    return ctx.db().tx(c -> {
      Instant now = now();
      Habilitation h = find(c, reference);
      transition(c, h, Status.RECEIVED, Status.REJECTED, reason, now);
      ctx.audit().append(c, actor, "habilitation.rejected", reference, new JsonObject().put("reason", reason).encode());
      notices.habilitation(c, NoticeKind.HABILITATION_REJECTED, h, reason, now);
      return find(c, reference);
    });
  }

  public Future<Habilitation> revoke(String reference, String reason, String actor) {
    return revoke(reference, reason, actor, (c, h) -> null).map(Revoked::habilitation);
  }

  /** A revoked habilitation and what was done with it in the same transaction. */
  public record Revoked<T>(Habilitation habilitation, T also) {}

  /** Work joined to a habilitation's revocation (its certificates revoked too, all or nothing). */
  @FunctionalInterface
  public interface OnRevoke<T> {
    T run(Connection c, Habilitation revoked) throws Exception;
  }

  public <T> Future<Revoked<T>> revoke(String reference, String reason, String actor, OnRevoke<T> also) {
    return ctx.db().tx(c -> {
      Instant now = now();
      Habilitation h = find(c, reference);
      transition(c, h, Status.ACTIVE, Status.REVOKED, reason, now);
      ctx.audit().append(c, actor, "habilitation.revoked", reference, new JsonObject().put("reason", reason).encode());
      notices.habilitation(c, NoticeKind.HABILITATION_REVOKED, h, reason, now);
      Habilitation revoked = find(c, reference);
      return new Revoked<>(revoked, also.run(c, revoked));
    });
  }

  /** Form 503: names one more administrator on an active habilitation, with a fresh credential. */
  public Future<Approval> addAdmin(String reference, Administrator a, String actor) {
    return ctx.db().tx(c -> {
      Instant now = now();
      Habilitation h = find(c, reference);
      repo.lock(c, h.id());
      h = find(c, reference);
      if (h.status() != Status.ACTIVE && h.status() != Status.RECEIVED) {
        throw DomainError.conflict("habilitation " + reference + " is " + h.status()
            + ": administrators can be added to a RECEIVED or ACTIVE habilitation only");
      }
      if (repo.isReplacedCard(c, a.cardNumber())) {
        throw DomainError.invalidField("cardNumber", "this card has been replaced; name the holder's current card");
      }
      Administrator person = person(c, a, now);
      if (h.names(person.id())) {
        throw DomainError.conflict("card " + a.cardNumber() + " is already named on " + reference);
      }
      repo.addAdmin(c, h.id(), person.id(), now);
      List<IssuedCredential> creds = new ArrayList<>();
      if (h.status() == Status.ACTIVE) creds.add(new IssuedCredential(person.cardNumber(), eab.mint(c, person.id(), now, eabValidity())));
      ctx.audit().append(c, actor, "habilitation.admin.added", reference, new JsonObject()
          .put("cardNumber", person.cardNumber()).encode());
      Habilitation after = find(c, reference);
      notices.administratorChange(c, NoticeKind.ADMIN_ADDED, after, repo.findAdminById(c, person.id()).orElseThrow(), now);
      return new Approval(after, creds);
    });
  }

  /** Form 503: the administrator loses this habilitation at once (the next order or finalize is refused). */
  public Future<Habilitation> removeAdmin(String reference, String cardNumber, String actor) {
    return ctx.db().tx(c -> {
      Instant now = now();
      Habilitation h = find(c, reference);
      repo.lock(c, h.id());
      if (h.status() != Status.RECEIVED && h.status() != Status.ACTIVE) {
        throw DomainError.conflict("habilitation " + reference + " is " + h.status());
      }
      Administrator a = repo.findAdminByCard(c, cardNumber)
          .orElseThrow(() -> DomainError.notFound("card " + cardNumber + " is not named on " + reference));
      if (h.administrators().size() == 1 && h.names(a.id())) {
        throw DomainError.conflict("card " + cardNumber + " is the last administrator of " + reference
            + "; revoke the habilitation instead");
      }
      if (!repo.removeAdmin(c, h.id(), a.id(), now)) {
        throw DomainError.notFound("card " + cardNumber + " is not named on " + reference);
      }
      ctx.audit().append(c, actor, "habilitation.admin.removed", reference, new JsonObject()
          .put("cardNumber", cardNumber).encode());
      Habilitation after = find(c, reference);
      notices.administratorChange(c, NoticeKind.ADMIN_REMOVED, after, a, now);
      return after;
    });
  }

  /**
   * Records a professional under a RECEIVED or ACTIVE habilitation with a PRO offer whose mail
   * domain covers their address. {@code p.habilitationId()} is ignored (the reference says which).
   * Fails with 400 for an address outside the PRO scope or a CN longer than 64 characters (the
   * certificate could never be issued), 409 for a habilitation without PRO offer or a person
   * already recorded (same identifier or same address).
   */
  public Future<Professional> addProfessional(String reference, Professional p, String actor) {
    return ctx.db().tx(c -> {
      Habilitation h = find(c, reference);
      repo.lock(c, h.id());
      h = find(c, reference);
      if (h.status() != Status.ACTIVE && h.status() != Status.RECEIVED) {
        throw DomainError.conflict("habilitation " + reference + " is " + h.status()
            + ": professionals can be recorded under a RECEIVED or ACTIVE habilitation only");
      }
      List<Offer> pro = h.offers().stream().filter(o -> o.kind() == Offer.Kind.PRO).toList();
      if (pro.isEmpty()) throw DomainError.conflict("habilitation " + reference + " has no PRO offer");
      List<DomainError.FieldError> errors = new ArrayList<>();
      if (pro.stream().noneMatch(o -> o.coversEmail(p.email()))) {
        errors.add(new DomainError.FieldError("email", p.email() + " is outside the PRO offer ("
            + String.join("; ", pro.stream().map(Offer::describe).toList()) + ")"));
      }
      String cn = p.commonName();
      if (cn.length() > Professional.CN_MAX) {
        errors.add(new DomainError.FieldError("lastName", "the certificate's CN " + cn + " would be " + cn.length()
            + " characters; a CN holds " + Professional.CN_MAX + " (RFC 5280 ub-common-name): record the names as used"
            + " in practice (e.g. one given name)"));
      }
      if (!errors.isEmpty()) throw DomainError.invalidFields(errors);
      for (Professional known : professionals.of(c, h.id())) {
        if (known.nationalId().equals(p.nationalId())) {
          throw DomainError.conflict(p.nationalId() + " is already recorded under " + reference);
        }
        if (known.email().equals(p.email())) {
          throw DomainError.conflict(p.email() + " is already the address of " + known.nationalId() + " under " + reference);
        }
      }
      Professional stored = new Professional(h.id(), p.idKind(), p.idValue(), p.lastName(), p.firstName(), p.email());
      professionals.insert(c, stored, now());
      ctx.audit().append(c, actor, "habilitation.professional.added", reference, new JsonObject()
          .put("nationalId", stored.nationalId()).put("commonName", cn).put("email", stored.email()).encode());
      return stored;
    });
  }

  public Future<List<Professional>> professionals(String reference) {
    return ctx.db().tx(c -> professionals.of(c, find(c, reference).id()));
  }

  /** The professional is no longer covered: the next PRO order or finalize for them is refused. */
  public Future<Professional> removeProfessional(String reference, String nationalId, String actor) {
    return ctx.db().tx(c -> {
      Habilitation h = find(c, reference);
      repo.lock(c, h.id());
      Professional p = professionals.of(c, h.id()).stream().filter(x -> x.nationalId().equals(nationalId)).findFirst()
          .orElseThrow(() -> DomainError.notFound("no professional " + nationalId + " under " + reference));
      professionals.delete(c, h.id(), p.idKind(), p.idValue());
      ctx.audit().append(c, actor, "habilitation.professional.removed", reference, new JsonObject()
          .put("nationalId", nationalId).encode());
      return p;
    });
  }

  /** A fresh credential for an administrator named on at least one active habilitation. */
  public Future<IssuedCredential> newCredential(String cardNumber, String actor) {
    return ctx.db().tx(c -> {
      Instant now = now();
      Administrator a = repo.findAdminByCard(c, cardNumber)
          .orElseThrow(() -> DomainError.notFound("no administrator holds card " + cardNumber));
      boolean active = repo.namingAdmin(c, a.id()).stream().anyMatch(h -> h.status() == Status.ACTIVE && h.names(a.id()));
      if (!active) throw DomainError.conflict("card " + cardNumber + " is named on no active habilitation");
      EabCredential cred = eab.mint(c, a.id(), now, eabValidity());
      ctx.audit().append(c, actor, "eab.minted", cardNumber, new JsonObject().put("kid", cred.kid()).encode());
      return new IssuedCredential(a.cardNumber(), cred);
    });
  }

  /** A replaced card: the person keeps rights and ACME accounts under the new number. */
  public Future<Administrator> replaceCard(String oldCard, String newCard, Administrator.CardType type, String actor) {
    return ctx.db().tx(c -> {
      Administrator a = repo.findAdminByCard(c, oldCard)
          .orElseThrow(() -> DomainError.notFound("no administrator holds card " + oldCard));
      if (repo.findAdminByCard(c, newCard).isPresent() || repo.isReplacedCard(c, newCard)) {
        throw DomainError.conflict("card " + newCard + " is already known");
      }
      repo.replaceCard(c, a, newCard, type, now());
      ctx.audit().append(c, actor, "admin.card.replaced", a.id(), new JsonObject().put("from", oldCard)
          .put("to", newCard).encode());
      return repo.findAdminById(c, a.id()).orElseThrow();
    });
  }

  /** Every card number of the person holding this card, current first (certificates keep the card they were issued under). */
  public List<String> cardsOf(Connection c, String cardNumber) throws SQLException {
    return repo.cardsOf(c, cardNumber);
  }

  public Optional<Administrator> administrator(Connection c, String adminId) throws SQLException {
    return repo.findAdminById(c, adminId);
  }

  /**
   * Is the administrator named on an ACTIVE habilitation of the structure that includes the offer?
   * (Administrators manage the lifecycle of every certificate of what they are habilitated for.)
   */
  public boolean managesOffer(Connection c, String adminId, String structureId, Offer.Kind kind) throws SQLException {
    return repo.namingAdmin(c, adminId).stream().anyMatch(h -> h.status() == Status.ACTIVE
        && h.structureId().equals(structureId) && h.names(adminId) && h.hasOffer(kind));
  }

  /** Loads what the decision needs and runs it, in the caller's transaction. */
  public Decision decide(Connection c, String adminId, Profile profile, List<Identifier> ids) throws SQLException {
    Map<Long, Habilitation> habs = new LinkedHashMap<>();
    repo.namingAdmin(c, adminId).forEach(h -> habs.put(h.id(), h));
    Map<String, Structure> structures = new HashMap<>();
    for (Identifier id : ids) {
      if (!id.type().equals(Identifier.STRUCTURE)) continue;
      repo.findStructure(c, id.value()).ifPresent(s -> structures.put(s.nationalId(), s));
      repo.ofStructure(c, id.value()).forEach(h -> habs.put(h.id(), h));
    }
    for (Habilitation h : habs.values()) {
      if (!structures.containsKey(h.structureId())) repo.findStructure(c, h.structureId()).ifPresent(s -> structures.put(s.nationalId(), s));
    }
    Map<Long, List<Professional>> pros = Offer.Kind.valueOf(profile.offer()) == Offer.Kind.PRO
        ? professionals.of(c, habs.keySet()) : Map.of();
    return HabilitationDecision.decide(adminId, profile, ids,
        new RegistrySnapshot(ctx.config().environment(), structures, List.copyOf(habs.values()), pros));
  }

  public Optional<EabCredential> credential(Connection c, String kid) throws SQLException {
    return eab.find(c, kid);
  }

  public boolean consumeCredential(Connection c, String kid, long accountId) throws SQLException {
    return eab.consume(c, kid, accountId, now());
  }

  // ---

  private Habilitation find(Connection c, String reference) throws SQLException {
    return repo.findHabilitation(c, reference)
        .orElseThrow(() -> DomainError.notFound("no habilitation " + reference));
  }

  private void transition(Connection c, Habilitation h, Status from, Status to, String reason, Instant now) throws SQLException {
    if (!repo.transition(c, h.id(), from, to, reason, now)) {
      Status current = find(c, h.reference()).status();
      throw DomainError.conflict("habilitation " + h.reference() + " is " + current + "; only a " + from
          + " habilitation can become " + to);
    }
  }

  /** The person holding this card, created on first mention; contact details follow the latest form. */
  private Administrator person(Connection c, Administrator a, Instant now) throws SQLException {
    Optional<Administrator> known = repo.findAdminByCard(c, a.cardNumber());
    if (known.isPresent()) {
      repo.updateAdminContact(c, known.get().id(), a.email(), a.phone(), a.language());
      return known.get();
    }
    return repo.insertAdmin(c, a, now);
  }

  private static JsonObject summary(Habilitation h) {
    return new JsonObject().put("structure", h.structureId()).put("form", h.form())
        .put("administrators", new JsonArray(h.administrators().stream().map(Administrator::cardNumber).toList()))
        .put("offers", new JsonArray(h.offers().stream().map(Offer::describe).toList()));
  }

  private java.time.Duration eabValidity() {
    return ctx.config().getDuration(Setting.EAB_VALIDITY);
  }

  private Instant now() {
    return ctx.clock().instant();
  }
}
