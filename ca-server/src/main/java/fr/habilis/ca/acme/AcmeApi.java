package fr.habilis.ca.acme;

import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.SqlWork;
import fr.habilis.ca.web.MethodNotAllowed;
import fr.habilis.ca.web.ProblemHandler;
import fr.habilis.ca.web.RequestObserver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ACME front end (RFC 8555) under {@code /acme}: every POST goes through one pipeline — media
 * type, flattened JWS, nonce (single use across instances), account, signature — before its
 * resource handler runs. Every response carries a fresh Replay-Nonce and the directory link.
 */
public final class AcmeApi {
  private final ServerContext ctx;
  private final AcmeUrls urls;
  /** Seconds a client may keep the directory (an hour: a new resource is seen within one). */
  private static final int DIRECTORY_MAX_AGE = 3600;
  private static final AcmeStore STORE = new AcmeStore();
  private final AcmeStore store = STORE;
  /** Accounts' keys, so that a request needs no transaction to verify its signature. */
  private final AccountCache accountCache = new AccountCache(10_000);
  private final Promise<Nonces> nonces = Promise.promise();
  private final Accounts accounts;
  private final Orders orders;
  private volatile Nonces readyNonces;
  private final RegistryService registry;
  private Revocations revocations;
  private RenewalInfo renewalInfo;
  /** Routing-context key: the response is public and cacheable (renewalInfo): no nonce, no no-store. */
  private static final String CACHEABLE = "habilis.cacheable";
  /** Test switch: the share of valid nonces refused, so that clients prove they retry badNonce. */
  private final int nonceRejectPercent;

  /**
   * One authenticated ACME request: the verified JWS and, for kid requests, the account. Its nonce
   * is spent by the first transaction run through {@link #tx}, together with the request's effect:
   * a state change and the use of its nonce commit or roll back as one (and one commit, not two).
   */
  static final class Signed {
    private final RoutingContext rc;
    private final SignedRequest jws;
    private final AcmeStore.Account account;
    private final Database db;
    private final Instant nonceExpires;
    private final AtomicBoolean nonceSpent = new AtomicBoolean();
    /** Set when the account came from the cache: the nonce's transaction checks it is unchanged. */
    private final AccountCache recheckIn;

    Signed(RoutingContext rc, SignedRequest jws, AcmeStore.Account account, Database db, Instant nonceExpires,
        AccountCache recheckIn) {
      this.rc = rc;
      this.jws = jws;
      this.account = account;
      this.db = db;
      this.nonceExpires = nonceExpires;
      this.recheckIn = recheckIn;
    }

    /** False when a cached account was deactivated or changed its key since (evicted then). */
    private boolean accountUnchanged(java.sql.Connection c) throws java.sql.SQLException {
      if (recheckIn == null || STORE.accountUnchanged(c, account.id(), account.thumbprint())) return true;
      recheckIn.evict(account.id());
      return false;
    }

    private DomainError accountChanged() {
      return DomainError.unauthorized("account " + jws.kid + " is no longer valid with this key");
    }

    RoutingContext rc() {
      return rc;
    }

    SignedRequest jws() {
      return jws;
    }

    AcmeStore.Account account() {
      return account;
    }

    /** Runs {@code work} in one transaction that also spends the nonce, if no earlier one did. */
    <T> Future<T> tx(SqlWork<T> work) {
      return db.tx(c -> {
        boolean spending = !nonceSpent.get();
        if (spending && !Nonces.use(c, jws.nonce, nonceExpires)) {
          throw DomainError.of(ErrorKind.BAD_NONCE, "the nonce has already been used");
        }
        if (spending && !accountUnchanged(c)) throw accountChanged();
        T result = work.run(c);
        if (spending) nonceSpent.set(true); // set only when the work succeeded: commit follows
        return result;
      });
    }

    /**
     * Before the response: a request that ran no transaction of its own (or whose transaction
     * rolled back) spends its nonce now, so that a replay can never get the same answer.
     */
    Future<Void> spendNonceIfUnspent() {
      if (nonceSpent.get()) return Future.succeededFuture();
      // Refused inside the transaction, so it rolls back: after a failed insert PostgreSQL has
      // aborted it, and a commit there would only be turned into a rollback by the driver.
      return db.tx(c -> {
        if (!Nonces.use(c, jws.nonce, nonceExpires)) {
          throw DomainError.of(ErrorKind.BAD_NONCE, "the nonce has already been used");
        }
        return accountUnchanged(c); // the nonce is spent either way
      }).compose(unchanged -> unchanged ? Future.<Void>succeededFuture() : Future.failedFuture(accountChanged()));
    }
  }

  /** A resource's answer. */
  record Reply(int status, Object body, Map<String, String> headers) {
    static Reply json(int status, JsonObject body) {
      return new Reply(status, body, Map.of());
    }

    static Reply json(int status, JsonObject body, String location) {
      return new Reply(status, body, Map.of("Location", location));
    }
  }

  interface Resource {
    Future<Reply> handle(Signed request);
  }

  public AcmeApi(ServerContext ctx, RegistryService registry) {
    this.ctx = ctx;
    this.urls = new AcmeUrls(ctx.endpoints());
    this.registry = registry;
    this.accounts = new Accounts(ctx, store, urls, registry, accountCache);
    this.orders = new Orders(ctx, store, urls, registry);
    this.nonceRejectPercent = ctx.config().getInt(Setting.TEST_NONCE_REJECT_PERCENT);
    ctx.db().tx(Nonces::sharedKey).map(key -> new Nonces(key, ctx.clock(), ctx.config().getDuration(Setting.NONCE_LIFETIME)))
        .onSuccess(n -> readyNonces = n).onComplete(nonces);
    // Expired nonces are deleted by one instance (the nonce-purge lease holder): the table is shared.
    long purgeEvery = Math.max(1_000, ctx.config().getDuration(Setting.NONCE_LIFETIME).toMillis() / 4);
    ctx.scheduler().leased("nonce-purge", java.time.Duration.ofMillis(purgeEvery),
        () -> ctx.db().tx(c -> Nonces.purge(c, ctx.clock().instant())));
    OrderRetention.schedule(ctx, store);
  }

  /** The recovery of orders left processing by a stopped process (start it once the API is mounted). */
  public OrderRecovery recovery() {
    return new OrderRecovery(ctx, store, orders);
  }

  /** Completes when the finalizations under way have ended (graceful stop: after the listeners drained). */
  public Future<Void> finalizationsSettled() {
    return orders.finalizer().settled();
  }

  /** revokeCert (RFC 8555 §7.6), served once the revocation module provides its service. */
  public AcmeApi withRevocation(RevocationService revocation) {
    this.revocations = new Revocations(ctx, registry, revocation);
    return this;
  }

  /** renewalInfo and replaces (RFC 9773), served once the renewal module provides its service. */
  public AcmeApi withRenewal(RenewalService renewal) {
    this.renewalInfo = new RenewalInfo(renewal);
    orders.renewal(renewal);
    return this;
  }

  /** Marks a successful GET as cacheable by anyone for {@code maxAgeSeconds} (set just before it is sent). */
  static void cacheable(RoutingContext rc, long maxAgeSeconds) {
    rc.put(CACHEABLE, true);
    rc.response().putHeader("Cache-Control", "public, max-age=" + maxAgeSeconds);
  }

  public void mount(Router router) {
    ProblemHandler problems = new ProblemHandler(AcmeProblems::toProblem, null);
    router.route("/acme/*").handler(rc -> {
      rc.addHeadersEndHandler(v -> decorate(rc));
      if (readyNonces != null) rc.next();
      else nonces.future().onComplete(x -> rc.next());
    }).failureHandler(problems);
    router.route("/acme/*").handler(BodyHandler.create(false).setBodyLimit(ctx.config().getInt(Setting.ACME_MAX_BODY_BYTES)));

    // The directory changes only with the configuration: clients (acme4j) cache it instead of
    // fetching it again before every request, as they do when it says no-store.
    router.get("/acme/directory").handler(rc -> rc.response().putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=" + DIRECTORY_MAX_AGE).end(directory().encode()));
    router.head("/acme/new-nonce").handler(rc -> rc.response().setStatusCode(200).end());
    router.get("/acme/new-nonce").handler(rc -> rc.response().setStatusCode(204).end());
    MethodNotAllowed.after(router, "GET", problems, "/acme/directory");
    MethodNotAllowed.after(router, "GET, HEAD", problems, "/acme/new-nonce");
    if (renewalInfo != null) renewalInfo.mount(router);

    post(router, "/acme/new-account", false, accounts::newAccount);
    post(router, "/acme/acct/:id", true, accounts::account);
    post(router, "/acme/acct/:id/orders", true, accounts::orders);
    post(router, "/acme/key-change", true, accounts::keyChange);
    post(router, "/acme/new-order", true, orders::newOrder);
    post(router, "/acme/new-authz", true, orders::newAuthz);
    post(router, "/acme/order/:id", true, orders::order);
    post(router, "/acme/order/:id/finalize", true, orders::finalize);
    post(router, "/acme/authz/:id", true, orders::authorization);
    post(router, "/acme/cert/:serial", true, orders::certificate);
    if (revocations != null) post(router, "/acme/revoke-cert", null, revocations::revokeCert);
  }

  JsonObject directory() {
    JsonObject profiles = new JsonObject();
    for (Profile p : Profiles.all()) profiles.put(p.name().name(), p.description());
    JsonObject d = new JsonObject()
        .put("newNonce", urls.newNonce())
        .put("newAccount", urls.newAccount())
        .put("newOrder", urls.newOrder())
        .put("newAuthz", urls.newAuthz())
        .put("keyChange", urls.keyChange());
    if (revocations != null) d.put("revokeCert", urls.revokeCert());
    if (renewalInfo != null) d.put("renewalInfo", urls.renewalInfo());
    return d.put("meta", new JsonObject()
        .put("externalAccountRequired", true)
        .put("profiles", profiles)
        .put("website", ctx.config().isSet(Setting.ACME_WEBSITE) ? ctx.config().get(Setting.ACME_WEBSITE)
            : ctx.endpoints().raUrl()));
  }

  /**
   * Registers a JWS-authenticated POST resource. {@code kid}: true when the request must name an
   * account (kid), false when it must carry its key (jwk), null when either is allowed (revokeCert).
   */
  private void post(Router router, String path, Boolean kid, Resource resource) {
    router.route(path).handler(rc -> {
      if (rc.request().method() != HttpMethod.POST) {
        rc.response().putHeader("Allow", "POST");
        throw DomainError.of(ErrorKind.METHOD_NOT_ALLOWED, "use POST (POST-as-GET for reads, RFC 8555 §6.3)");
      }
      String type = rc.request().getHeader("Content-Type");
      if (type == null || !type.split(";")[0].trim().equalsIgnoreCase("application/jose+json")) {
        throw DomainError.of(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/jose+json");
      }
      SignedRequest jws = SignedRequest.parse(rc.body().asString(), urls.requestUrl(rc.request().uri()));
      if (kid != null && kid && jws.kid == null) throw DomainError.malformed("this request must be signed by an account (kid)");
      if (kid != null && !kid && jws.jwk == null) throw DomainError.malformed("this request must carry its key (jwk)");
      var expires = readyNonces.check(jws.nonce);
      if (expires == null) throw DomainError.of(ErrorKind.BAD_NONCE, "the nonce is unknown or expired");
      if (nonceRejectPercent > 0 && ThreadLocalRandom.current().nextInt(100) < nonceRejectPercent) {
        throw DomainError.of(ErrorKind.BAD_NONCE, "the nonce was rejected by the testNonceRejectPercent switch (test environment)");
      }
      long accountId = jws.kid == null ? -1 : urls.accountId(jws.kid);
      if (jws.kid != null && accountId < 0) throw DomainError.of(ErrorKind.ACCOUNT_DOES_NOT_EXIST, "no account " + jws.kid);
      if (accountId >= 0) RequestObserver.account(rc, accountId);
      // The signature: with a cached account's key, here on the event loop (one ECDSA or RSA
      // verification, 0.1-0.3 ms, the order of the TLS work the loop already does; a hand-off less,
      // and never queued behind slow certificate signatures on the signers pool). Otherwise off the
      // loop: the stored key read in a read-only transaction, or the request's own key on the
      // signers pool. A cached key that no longer verifies may have been changed by another
      // instance: the stored one decides.
      AccountCache.Entry cached = accountId >= 0 ? accountCache.get(accountId) : null;
      Future<AcmeStore.Account> verified;
      if (cached != null) {
        Future<AcmeStore.Account> quick;
        try {
          jws.verify(cached.key());
          quick = Future.succeededFuture(cached.account());
        } catch (DomainError e) {
          accountCache.evict(accountId);
          quick = verifyWithStoredKey(jws, accountId);
        }
        verified = quick;
      } else if (jws.kid != null) {
        verified = verifyWithStoredKey(jws, accountId);
      } else {
        verified = ctx.signers().executeBlocking(() -> {
          jws.verify(jws.jwk);
          return null;
        }, false);
      }
      verified.compose(account -> {
            Signed signed = new Signed(rc, jws, account, ctx.db(), expires, cached != null ? accountCache : null);
            Future<Reply> reply;
            try {
              reply = resource.handle(signed);
            } catch (RuntimeException e) {
              reply = Future.failedFuture(e);
            }
            // A refused request keeps its own problem even if its nonce turns out to be spent.
            return reply.transform(done -> signed.spendNonceIfUnspent().transform(spent -> done.failed()
                ? Future.<Reply>failedFuture(done.cause())
                : spent.failed() ? Future.<Reply>failedFuture(spent.cause()) : Future.succeededFuture(done.result())));
          })
          .onSuccess(reply -> send(rc, reply))
          .onFailure(rc::fail);
    });
  }

  private Future<AcmeStore.Account> verifyWithStoredKey(SignedRequest jws, long accountId) {
    return ctx.db().tx(c -> {
      AcmeStore.Account account = store.accountById(c, accountId)
          .orElseThrow(() -> DomainError.of(ErrorKind.ACCOUNT_DOES_NOT_EXIST, "no account " + jws.kid));
      if (!account.isValid()) throw DomainError.unauthorized("account " + jws.kid + " is " + account.status());
      jws.verify(accountCache.put(account).key());
      return account;
    });
  }

  private void send(RoutingContext rc, Reply reply) {
    reply.headers().forEach(rc.response()::putHeader);
    rc.response().setStatusCode(reply.status());
    if (reply.body() instanceof JsonObject json) {
      rc.response().putHeader("Content-Type", "application/json").end(json.encode());
    } else if (reply.body() instanceof String pem) {
      rc.response().putHeader("Content-Type", "application/pem-certificate-chain").end(pem);
    } else {
      rc.response().end();
    }
  }

  /**
   * Replay-Nonce and the directory link on every response (RFC 8555 §6.5, §7.1), and no-store —
   * except on cacheable answers (renewalInfo), where a cache would hand one nonce to many clients.
   */
  private void decorate(RoutingContext rc) {
    var h = rc.response().headers();
    boolean cacheable = Boolean.TRUE.equals(rc.get(CACHEABLE)) && rc.failure() == null;
    if (!cacheable && readyNonces != null && !h.contains("Replay-Nonce")) h.set("Replay-Nonce", readyNonces.next());
    h.add("Link", "<" + urls.directory() + ">;rel=\"index\"");
    if (!cacheable && !h.contains("Cache-Control")) h.set("Cache-Control", "no-store");
  }
}
