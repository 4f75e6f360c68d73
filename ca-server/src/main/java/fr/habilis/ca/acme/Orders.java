package fr.habilis.ca.acme;

import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.finalize.FinalizeOutcome;
import fr.habilis.ca.finalize.Finalizer;
import fr.habilis.ca.issuance.IssuanceService;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.pki.Pem;
import fr.habilis.ca.registry.Decision;
import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.CertificateId;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.renewal.ReplacementDecision;
import fr.habilis.ca.store.CertificateRepository;
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
  private final Finalizer finalizer;
  private final CertificateRepository certificates = new CertificateRepository();
  /** Renewal (RFC 9773 replaces); null until {@link AcmeApi#withRenewal}: replaces is then refused. */
  private RenewalService renewal;

  Orders(ServerContext ctx, AcmeStore store, AcmeUrls urls, RegistryService registry) {
    this.ctx = ctx;
    this.store = store;
    this.urls = urls;
    this.registry = registry;
    this.finalizer = new Finalizer(ctx, store, registry, urls::order, AcmeProblems::toJson);
  }

  void renewal(RenewalService renewal) {
    this.renewal = renewal;
    finalizer.renewal(renewal);
  }

  Future<AcmeApi.Reply> newOrder(AcmeApi.Signed r) {
    JsonObject payload = r.jws().payload();
    List<Identifier> ids = Identifiers.read(payload.getValue("identifiers"));
    if (payload.containsKey("notBefore") || payload.containsKey("notAfter")) {
      throw DomainError.malformed("notBefore and notAfter are not supported: the validity is the profile's");
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
        throw DomainError.rateLimited("at most " + perAccount + " new orders per " + window + " for this account", wait);
      }
      Decision.Allow allow = allow(registry.decide(c, r.account().adminId(), profile, ids));
      String structure = allow.structure().nationalId();
      String replacesSerial = null;
      if (replaces != null) {
        ReplacementDecision.Predecessor predecessor = renewal.predecessor(c, replaces, accountId, r.account().adminId());
        ReplacementDecision.decide(predecessor, profile.name().name(), structure, now).ifPresent(refusal -> {
          throw refusal.toError();
        });
        replacesSerial = predecessor.facts().serialHex();
      }
      int perStructure = ctx.config().getInt(Setting.RATE_LIMIT_ORDERS_PER_STRUCTURE);
      wait = RateLimits.take(c, "structure:" + structure, perStructure, window, now);
      if (wait != null) {
        throw DomainError.rateLimited("at most " + perStructure + " new orders per " + window + " for structure "
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
    if (!(payload.getValue("identifier") instanceof JsonObject j)) throw DomainError.malformed("identifier is required");
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
    if (!r.jws().isPostAsGet()) throw DomainError.malformed("read an order with POST-as-GET (empty payload)");
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
        throw DomainError.malformed("an authorization's status can only be set to deactivated");
      }
      deactivate = true;
    }
    return r.tx(c -> {
      AcmeStore.Authorization a = store.authorization(c, id).filter(x -> x.accountId() == r.account().id())
          .orElseThrow(() -> DomainError.notFound("no such authorization"));
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
   * Finalize (RFC 8555 §7.4): this front end reads the CSR and checks it is not the account key;
   * {@link Finalizer} decides and issues, in the request's transaction (which spends its nonce).
   */
  Future<AcmeApi.Reply> finalize(AcmeApi.Signed r) {
    long id = pathId(r, "order");
    JsonObject payload = r.jws().payload();
    if (!(payload.getValue("csr") instanceof String csrText)) throw DomainError.malformed("csr is required");
    byte[] der;
    try {
      der = Base64.getUrlDecoder().decode(csrText);
    } catch (IllegalArgumentException e) {
      throw DomainError.badCsr("csr is not base64url");
    }
    PKCS10CertificationRequest csr = IssuanceService.parseCsr(der);
    checkNotAccountKey(csr, r.account().jwk());
    return finalizer.finalize(new Finalizer.Request(id, r.account().id(), r.account().adminId(), der, csr), r::tx)
        .compose(outcome -> outcome instanceof FinalizeOutcome.WithOrder answer
            ? Future.succeededFuture(orderReply(answer.order()))
            : Future.failedFuture(((FinalizeOutcome.Invalid) outcome).error()));
  }

  private AcmeApi.Reply orderReply(AcmeStore.Order o) {
    return AcmeApi.Reply.json(200, json(o, ctx.clock().instant()));
  }

  /** newOrder's replaces: an RFC 9773 §4.1 certificate identifier, or null when absent. */
  private CertificateId replaces(Object value) {
    if (value == null) return null;
    if (renewal == null) throw DomainError.malformed("replaces is not supported by this server (no renewalInfo)");
    if (!(value instanceof String s)) throw DomainError.malformed("replaces must be a certificate identifier string");
    try {
      return CertificateId.parse(s);
    } catch (IllegalArgumentException e) {
      throw DomainError.malformed("replaces: " + e.getMessage());
    }
  }

  Finalizer finalizer() {
    return finalizer;
  }

  Future<AcmeApi.Reply> certificate(AcmeApi.Signed r) {
    String serial = r.rc().pathParam("serial");
    if (!r.jws().isPostAsGet()) throw DomainError.malformed("download a certificate with POST-as-GET (empty payload)");
    return r.tx(c -> certificates.findBySerial(c, serial)
            .filter(cert -> cert.accountId() != null && cert.accountId() == r.account().id())
            .orElseThrow(() -> DomainError.notFound("no such certificate")))
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
        throw DomainError.notAccepted(ErrorKind.INVALID_PROFILE, "invalidProfile: unknown profile " + requested
            + "; accepted: " + String.join(", ", names), names);
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
    List<DomainError.Subproblem> subs = new ArrayList<>();
    for (Decision.Refusal refusal : deny.refusals()) {
      ErrorKind kind = refusal.reason() == Decision.Reason.IDENTIFIER_NOT_FOR_PROFILE
          ? ErrorKind.IDENTIFIER_NOT_FOR_PROFILE : ErrorKind.IDENTIFIER_NOT_COVERED;
      subs.add(new DomainError.Subproblem(kind, refusal.identifier().type(), refusal.identifier().value(), refusal.detail(),
          refusal.reason().name()));
    }
    throw DomainError.withSubproblems(ErrorKind.IDENTIFIER_NOT_COVERED, "no habilitation covers " + deny.summary(), subs);
  }

  private AcmeStore.Order ownOrder(java.sql.Connection c, AcmeApi.Signed r, long id) throws java.sql.SQLException {
    return store.order(c, id).filter(o -> o.accountId() == r.account().id())
        .orElseThrow(() -> DomainError.notFound("no such order"));
  }

  private static long pathId(AcmeApi.Signed r, String what) {
    try {
      return Long.parseLong(r.rc().pathParam("id"));
    } catch (NumberFormatException e) {
      throw DomainError.notFound("no such " + what);
    }
  }

  /** RFC 8555 §11.1: the account key may not be the certified key. */
  private static void checkNotAccountKey(PKCS10CertificationRequest csr, JWK accountKey) {
    try {
      byte[] account = accountKey instanceof RSAKey rsa ? rsa.toPublicKey().getEncoded()
          : accountKey instanceof ECKey ec ? ec.toPublicKey().getEncoded() : null;
      if (account != null && Arrays.equals(account, csr.getSubjectPublicKeyInfo().getEncoded())) {
        throw DomainError.badCsr("the certificate key must not be the account key");
      }
    } catch (JOSEException | java.io.IOException e) {
      throw DomainError.badCsr("the CSR's public key cannot be compared with the account key");
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
