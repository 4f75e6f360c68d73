package fr.habilis.ca.acme;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.CsrRejected;
import fr.habilis.ca.issuance.IssuanceRequest;
import fr.habilis.ca.issuance.IssuanceService;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SubjectInfo;
import fr.habilis.ca.pki.Pem;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Decision;
import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.CertificateId;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.renewal.ReplacementDecision;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.web.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Orders, authorizations and certificates (RFC 8555 §7.4–7.5). The authorization of an order is
 * the habilitation: the registry decides at newOrder (authorizations are created valid, without
 * challenges) and again at finalize, so a habilitation revoked in between stops issuance.
 */
final class Orders {
  private final ServerContext ctx;
  private final AcmeStore store;
  private final AcmeUrls urls;
  private final RegistryService registry;
  private final IssuanceService issuance;
  private final CertificateRepository certificates = new CertificateRepository();
  /** Renewal (RFC 9773 replaces); null until {@link AcmeApi#withRenewal}: replaces is then refused. */
  private RenewalService renewal;
  /**
   * Test switch (testStopAfterProcessing): finalize commits the order's move to processing, its
   * serial and its CSR, answers with the processing order and goes no further, exactly as a
   * process killed at that point would leave it (for the crash-recovery tests).
   */
  private final boolean stopAfterProcessing;

  Orders(ServerContext ctx, AcmeStore store, AcmeUrls urls, RegistryService registry) {
    this.ctx = ctx;
    this.store = store;
    this.urls = urls;
    this.registry = registry;
    this.issuance = new IssuanceService(ctx);
    this.stopAfterProcessing = ctx.config().getBoolean(Setting.TEST_STOP_AFTER_PROCESSING);
  }

  void renewal(RenewalService renewal) {
    this.renewal = renewal;
  }

  Future<AcmeApi.Reply> newOrder(AcmeApi.Signed r) {
    JsonObject payload = r.jws().payload();
    List<Identifier> ids = Identifiers.read(payload.getValue("identifiers"));
    if (payload.containsKey("notBefore") || payload.containsKey("notAfter")) {
      throw AcmeProblems.malformed("notBefore and notAfter are not supported: the validity is the profile's");
    }
    Profile profile = profile(payload.getValue("profile"), ids);
    CertificateId replaces = replaces(payload.getValue("replaces"));
    long accountId = r.account().id();
    Instant now = ctx.clock().instant();
    Duration window = ctx.config().getDuration(Setting.RATE_LIMIT_WINDOW);
    return r.tx(c -> {
      int perAccount = ctx.config().getInt(Setting.RATE_LIMIT_ORDERS_PER_ACCOUNT);
      Duration wait = RateLimits.take(c, "account:" + accountId, perAccount, window, now);
      if (wait != null) {
        throw AcmeProblems.rateLimited("at most " + perAccount + " new orders per " + window + " for this account", wait);
      }
      Decision.Allow allow = allow(registry.decide(c, r.account().adminId(), profile, ids));
      String structure = allow.structure().nationalId();
      String replacesSerial = null;
      if (replaces != null) {
        ReplacementDecision.Predecessor predecessor = renewal.predecessor(c, replaces, accountId, r.account().adminId());
        ReplacementDecision.decide(predecessor, profile.name().name(), structure, now).ifPresent(refusal -> {
          throw replacementProblem(refusal);
        });
        replacesSerial = predecessor.facts().serialHex();
      }
      int perStructure = ctx.config().getInt(Setting.RATE_LIMIT_ORDERS_PER_STRUCTURE);
      wait = RateLimits.take(c, "structure:" + structure, perStructure, window, now);
      if (wait != null) {
        throw AcmeProblems.rateLimited("at most " + perStructure + " new orders per " + window + " for structure "
            + structure, wait);
      }
      Instant expires = now.plus(ctx.config().getDuration(Setting.ORDER_LIFETIME));
      long id = store.insertOrder(c, accountId, profile.name().name(), ids, structure, allow.habilitation().reference(),
          expires, now, replaces == null ? null : replaces.encode(), replacesSerial);
      JsonObject details = new JsonObject()
          .put("profile", profile.name().name()).put("identifiers", AcmeStore.identifiersJson(ids))
          .put("structure", structure).put("habilitation", allow.habilitation().reference());
      if (replacesSerial != null) details.put("replaces", replacesSerial);
      ctx.audit().append(c, "acme-account:" + accountId, "acme.order.created", urls.order(id), details.encode());
      return AcmeApi.Reply.json(201, json(store.order(c, id).orElseThrow(), now), urls.order(id));
    });
  }

  /** Pre-authorization (RFC 8555 §7.4.1) of one identifier under its default profile. */
  Future<AcmeApi.Reply> newAuthz(AcmeApi.Signed r) {
    JsonObject payload = r.jws().payload();
    if (!(payload.getValue("identifier") instanceof JsonObject j)) throw AcmeProblems.malformed("identifier is required");
    List<Identifier> ids = Identifiers.read(new JsonArray().add(j));
    Profile profile = profile(payload.getValue("profile"), ids);
    Instant now = ctx.clock().instant();
    return r.tx(c -> {
      allow(registry.decide(c, r.account().adminId(), profile, ids));
      Instant expires = now.plus(ctx.config().getDuration(Setting.ORDER_LIFETIME));
      long id = store.insertAuthorization(c, r.account().id(), null, ids.get(0), expires, now);
      ctx.audit().append(c, "acme-account:" + r.account().id(), "acme.authz.created", urls.authz(id),
          new JsonObject().put("identifier", ids.get(0).toString()).encode());
      return AcmeApi.Reply.json(201, json(store.authorization(c, id).orElseThrow()), urls.authz(id));
    });
  }

  Future<AcmeApi.Reply> order(AcmeApi.Signed r) {
    long id = pathId(r, "order");
    if (!r.jws().isPostAsGet()) throw AcmeProblems.malformed("read an order with POST-as-GET (empty payload)");
    return r.tx(c -> ownOrder(c, r, id)).map(o -> {
      Map<String, String> headers = "processing".equals(o.status()) ? Map.of("Retry-After", "1") : Map.of();
      return new AcmeApi.Reply(200, json(o, ctx.clock().instant()), headers);
    });
  }

  Future<AcmeApi.Reply> authorization(AcmeApi.Signed r) {
    long id = pathId(r, "authorization");
    boolean deactivate;
    if (r.jws().isPostAsGet()) {
      deactivate = false;
    } else {
      if (!"deactivated".equals(r.jws().payload().getValue("status"))) {
        throw AcmeProblems.malformed("an authorization's status can only be set to deactivated");
      }
      deactivate = true;
    }
    return r.tx(c -> {
      AcmeStore.Authorization a = store.authorization(c, id).filter(x -> x.accountId() == r.account().id())
          .orElseThrow(() -> AcmeProblems.notFound("authorization"));
      if (deactivate) {
        store.deactivateAuthorization(c, id);
        ctx.audit().append(c, "acme-account:" + r.account().id(), "acme.authz.deactivated", urls.authz(id), "{}");
        a = store.authorization(c, id).orElseThrow();
      }
      Map<String, String> headers = a.orderId() == null ? Map.of()
          : Map.of("Link", "<" + urls.order(a.orderId()) + ">;rel=\"up\"");
      return new AcmeApi.Reply(200, json(a), headers);
    });
  }

  /**
   * Finalize: the CSR's names must be the order's, the registry must still allow it, and only one
   * request moves the order from ready to processing, so concurrent finalizes issue once.
   */
  Future<AcmeApi.Reply> finalize(AcmeApi.Signed r) {
    long id = pathId(r, "order");
    JsonObject payload = r.jws().payload();
    if (!(payload.getValue("csr") instanceof String csrText)) throw AcmeProblems.malformed("csr is required");
    byte[] der;
    try {
      der = Base64.getUrlDecoder().decode(csrText);
    } catch (IllegalArgumentException e) {
      throw AcmeProblems.badCsr("csr is not base64url");
    }
    PKCS10CertificationRequest csr;
    try {
      csr = IssuanceService.parseCsr(der);
    } catch (CsrRejected e) {
      throw AcmeProblems.badCsr(e.getMessage());
    }
    checkNotAccountKey(csr, r.account().jwk());
    Instant now = ctx.clock().instant();
    AtomicReference<String> replacesSerial = new AtomicReference<>();
    return r.tx(c -> {
          AcmeStore.Order o = store.order(c, id, true).filter(x -> x.accountId() == r.account().id())
              .orElseThrow(() -> AcmeProblems.notFound("order"));
          if (!"ready".equals(o.status()) || o.expiresAt().isBefore(now)) {
            throw AcmeProblems.orderNotReady("order is " + displayStatus(o, now) + ", not ready");
          }
          Profile profile = Profiles.get(o.profile());
          CsrNames.Names names = CsrNames.check(csr, profile, o.identifiers());
          Decision decision = registry.decide(c, r.account().adminId(), profile, o.identifiers());
          if (decision instanceof Decision.Deny deny) {
            Problem p = AcmeProblems.unauthorized("the habilitation no longer covers this order: " + deny.summary());
            store.failOrder(c, id, p.toJson(), now);
            ctx.audit().append(c, "acme-account:" + r.account().id(), "acme.order.refused", urls.order(id),
                new JsonObject().put("reason", deny.summary()).encode());
            return p;
          }
          Decision.Allow allow = (Decision.Allow) decision;
          if (o.replacesSerial() != null && renewal != null) {
            // The claim is taken here, under a lock: another order may have finalized a successor
            // since this one was created (a ready order does not hold the predecessor).
            var refusal = renewal.stillReplaceable(c, o.replacesSerial(), id);
            if (refusal.isPresent()) {
              Problem p = replacementProblem(refusal.get());
              store.failOrder(c, id, p.toJson(), now);
              ctx.audit().append(c, "acme-account:" + r.account().id(), "acme.order.refused", urls.order(id),
                  new JsonObject().put("reason", refusal.get().detail()).encode());
              return p;
            }
            replacesSerial.set(o.replacesSerial());
          }
          IssuanceRequest request = issuanceRequest(c, o, r.account().adminId(), allow, names, der);
          // CSR checks and the serial reservation commit with the order's move to processing, which
          // keeps the serial and the CSR for a crash recovery (OrderRecovery); a refused CSR rolls
          // it all back (the order stays ready for a corrected CSR).
          IssuanceService.Prepared prepared;
          try {
            prepared = issuance.prepare(c, request, csr);
          } catch (CsrRejected | IllegalArgumentException e) {
            throw csrProblem(e);
          }
          if (!store.startProcessing(c, id, der, IssuanceService.serialHex(prepared), now)) {
            throw AcmeProblems.orderNotReady("order is being finalized");
          }
          return prepared;
        })
        .compose(next -> {
          if (next instanceof Problem p) return Future.failedFuture(p);
          if (stopAfterProcessing) {
            return r.tx(c -> AcmeApi.Reply.json(200, json(store.order(c, id).orElseThrow(), ctx.clock().instant())));
          }
          return issue(id, (IssuanceService.Prepared) next, replacesSerial.get(), r.account().id());
        });
  }

  /**
   * What finalize (and the recovery of an order it left processing) asks the CA to sign: subject
   * from the registry's decision (a PRO certificate's CN too), names from the CSR as checked against the order.
   */
  IssuanceRequest issuanceRequest(java.sql.Connection c, AcmeStore.Order o, String adminId, Decision.Allow allow,
      CsrNames.Names names, byte[] der) throws java.sql.SQLException {
    String card = registry.administrator(c, adminId).map(Administrator::cardNumber).orElse(null);
    String cn = allow.professional() == null ? names.commonName()
        : CsrNames.personCommonName(names.commonName(), allow.professional());
    return new IssuanceRequest(o.profile(), der, new SubjectInfo(allow.structure().certificateName(),
        allow.structure().departmentLabel(), allow.structure().nationalId(), cn),
        names.dnsNames(), names.emails(), card, o.accountId(), o.id());
  }

  /** newOrder's replaces: an RFC 9773 §4.1 certificate identifier, or null when absent. */
  private CertificateId replaces(Object value) {
    if (value == null) return null;
    if (renewal == null) throw AcmeProblems.malformed("replaces is not supported by this server (no renewalInfo)");
    if (!(value instanceof String s)) throw AcmeProblems.malformed("replaces must be a certificate identifier string");
    try {
      return CertificateId.parse(s);
    } catch (IllegalArgumentException e) {
      throw AcmeProblems.malformed("replaces: " + e.getMessage());
    }
  }

  private static Problem replacementProblem(ReplacementDecision.Refusal refusal) {
    return switch (refusal.kind()) {
      case MALFORMED -> AcmeProblems.malformed(refusal.detail());
      case UNAUTHORIZED -> AcmeProblems.unauthorized(refusal.detail());
      case ALREADY_REPLACED -> AcmeProblems.alreadyReplaced(refusal.detail());
    };
  }

  /**
   * Every refusal of the CSR, its key included (weak, blocked, already certified), is badCSR: RFC
   * 8555 reserves badPublicKey for the key that signed the JWS, and clients print it as such ("the
   * JWS was signed by a public key the server does not support").
   */
  private static Problem csrProblem(RuntimeException e) {
    return AcmeProblems.badCsr(e.getMessage());
  }

  private Future<AcmeApi.Reply> issue(long orderId, IssuanceService.Prepared request, String replacesSerial, long accountId) {
    AtomicReference<AcmeApi.Reply> reply = new AtomicReference<>();
    return signAndComplete(orderId, request, replacesSerial, "acme-account:" + accountId,
            (c, serial) -> reply.set(AcmeApi.Reply.json(200, json(store.order(c, orderId).orElseThrow(), ctx.clock().instant()))))
        .map(x -> reply.get())
        .recover(err -> {
          if (err instanceof NoLongerProcessing) {
            // Completed or failed meanwhile by a recovering instance: the order says which.
            return ctx.db().tx(c -> AcmeApi.Reply.json(200, json(store.order(c, orderId).orElseThrow(), ctx.clock().instant())));
          }
          Problem problem;
          if (err instanceof CsrRejected || err instanceof IllegalArgumentException) {
            problem = csrProblem((RuntimeException) err); // e.g. the key certified meanwhile by another order
          } else {
            // A real fault: the order cannot complete; say so on the order itself.
            Problem internal = AcmeProblems.serverInternal();
            return ctx.db().tx(c -> store.failProcessing(c, orderId, internal.toJson(), ctx.clock().instant()))
                .transform(x -> Future.failedFuture(err));
          }
          // The client's CSR was refused: the order is ready again for a corrected CSR.
          return ctx.db().tx(c -> store.backToReady(c, orderId, ctx.clock().instant()))
              .transform(x -> Future.failedFuture(problem));
        });
  }

  /** The order left processing before its certificate was stored (another instance completed or failed it). */
  static final class NoLongerProcessing extends RuntimeException {
    NoLongerProcessing(long orderId) {
      super("order " + orderId + " is no longer processing", null, false, false);
    }
  }

  /**
   * Signs {@code request} (its serial reserved and committed with the order's move to processing)
   * and stores the certificate. The order becomes valid in that transaction: no crash can leave a
   * certificate without its order, or an order in processing after its certificate. The renewal
   * chain (and the predecessor's revocation, if its profile says so) and {@code also} join it;
   * revoked predecessors are published once it committed. Fails with {@link NoLongerProcessing},
   * nothing stored, when the order left processing meanwhile.
   */
  Future<Void> signAndComplete(long orderId, IssuanceService.Prepared request, String replacesSerial, String actor,
      IssuanceService.WithCertificate also) {
    AtomicReference<List<StoredCertificate>> superseded = new AtomicReference<>(List.of());
    return issuance.issue(request, (c, serial) -> {
          if (!store.completeOrder(c, orderId, serial, ctx.clock().instant())) throw new NoLongerProcessing(orderId);
          if (replacesSerial != null && renewal != null) {
            superseded.set(renewal.successorIssued(c, replacesSerial, serial, actor));
          }
          also.run(c, serial);
        })
        .compose(cert -> renewal == null ? Future.succeededFuture() : renewal.published(superseded.get()));
  }

  IssuanceService issuance() {
    return issuance;
  }

  RegistryService registry() {
    return registry;
  }

  Future<AcmeApi.Reply> certificate(AcmeApi.Signed r) {
    String serial = r.rc().pathParam("serial");
    if (!r.jws().isPostAsGet()) throw AcmeProblems.malformed("download a certificate with POST-as-GET (empty payload)");
    return r.tx(c -> certificates.findBySerial(c, serial)
            .filter(cert -> cert.accountId() != null && cert.accountId() == r.account().id())
            .orElseThrow(() -> AcmeProblems.notFound("certificate")))
        .map(cert -> {
          List<Object> chain = new ArrayList<>();
          chain.add(new PemObject("CERTIFICATE", cert.der()));
          for (X509Certificate ca : ctx.ca().chainOf(cert.caId())) {
            // The root is the relying party's trust anchor: not part of the served chain.
            if (!ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal())) chain.add(ca);
          }
          return new AcmeApi.Reply(200, Pem.encode(chain), Map.of());
        });
  }

  // ---

  /** The profile named in the request, or the default for the identifiers (dns → SERV_SSL, structure → ORG_AUTH_CLI). */
  private static Profile profile(Object requested, List<Identifier> ids) {
    if (requested != null) {
      Profile p = requested instanceof String s ? Profiles.get(s) : null;
      if (p == null) {
        List<String> names = Profiles.all().stream().map(x -> x.name().name()).toList();
        throw new Problem(AcmeProblems.PREFIX + "malformed", 400, "invalidProfile: unknown profile " + requested
            + "; accepted: " + String.join(", ", names), List.of(), new JsonObject().put("profiles", new JsonArray(names)));
      }
      return p;
    }
    boolean dns = ids.stream().anyMatch(i -> i.type().equals(Identifier.DNS));
    boolean email = ids.stream().anyMatch(i -> i.type().equals(Identifier.EMAIL));
    return Profiles.get(dns ? "SERV_SSL" : email ? "SERV_SMIME" : "ORG_AUTH_CLI");
  }

  /** A refusal becomes rejectedIdentifier with one subproblem per identifier, naming the rule. */
  private static Decision.Allow allow(Decision d) {
    if (d instanceof Decision.Allow a) return a;
    Decision.Deny deny = (Decision.Deny) d;
    List<JsonObject> subs = new ArrayList<>();
    for (Decision.Refusal refusal : deny.refusals()) {
      String type = refusal.reason() == Decision.Reason.IDENTIFIER_NOT_FOR_PROFILE ? "unsupportedIdentifier" : "rejectedIdentifier";
      subs.add(new JsonObject().put("type", AcmeProblems.PREFIX + type).put("status", 403)
          .put("detail", refusal.detail()).put("reason", refusal.reason().name())
          .put("identifier", new JsonObject().put("type", refusal.identifier().type()).put("value", refusal.identifier().value())));
    }
    throw AcmeProblems.rejected("no habilitation covers " + deny.summary(), subs);
  }

  private AcmeStore.Order ownOrder(java.sql.Connection c, AcmeApi.Signed r, long id) throws java.sql.SQLException {
    return store.order(c, id).filter(o -> o.accountId() == r.account().id())
        .orElseThrow(() -> AcmeProblems.notFound("order"));
  }

  private static long pathId(AcmeApi.Signed r, String what) {
    try {
      return Long.parseLong(r.rc().pathParam("id"));
    } catch (NumberFormatException e) {
      throw AcmeProblems.notFound(what);
    }
  }

  /** RFC 8555 §11.1: the account key may not be the certified key. */
  private static void checkNotAccountKey(PKCS10CertificationRequest csr, JWK accountKey) {
    try {
      byte[] account = accountKey instanceof RSAKey rsa ? rsa.toPublicKey().getEncoded()
          : accountKey instanceof ECKey ec ? ec.toPublicKey().getEncoded() : null;
      if (account != null && Arrays.equals(account, csr.getSubjectPublicKeyInfo().getEncoded())) {
        throw AcmeProblems.badCsr("the certificate key must not be the account key");
      }
    } catch (JOSEException | java.io.IOException e) {
      throw AcmeProblems.badCsr("the CSR's public key cannot be compared with the account key");
    }
  }

  private static String displayStatus(AcmeStore.Order o, Instant now) {
    return "ready".equals(o.status()) && o.expiresAt().isBefore(now) ? "invalid" : o.status();
  }

  JsonObject json(AcmeStore.Order o, Instant now) {
    JsonArray authz = new JsonArray();
    o.authorizations().forEach(a -> authz.add(urls.authz(a)));
    JsonObject j = new JsonObject().put("status", displayStatus(o, now)).put("expires", o.expiresAt().toString())
        .put("identifiers", AcmeStore.identifiersJson(o.identifiers())).put("profile", o.profile())
        .put("authorizations", authz).put("finalize", urls.finalize(o.id()));
    // Until the order is valid, certificate_serial is only the serial reserved for it.
    if ("valid".equals(o.status()) && o.certificateSerial() != null) j.put("certificate", urls.certificate(o.certificateSerial()));
    if (o.replaces() != null) j.put("replaces", o.replaces());
    if (o.error() != null) j.put("error", o.error());
    return j;
  }

  JsonObject json(AcmeStore.Authorization a) {
    return new JsonObject().put("identifier", new JsonObject().put("type", a.identifier().type())
            .put("value", a.identifier().value()))
        .put("status", a.status()).put("expires", a.expiresAt().toString()).put("challenges", new JsonArray());
  }
}
