package fr.habilis.ca;

import fr.habilis.ca.acme.AcmeApi;
import fr.habilis.ca.acme.OrderRecovery;
import fr.habilis.ca.audit.AuditCheckpoints;
import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.DataDirectory;
import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.ProductionGuards;
import fr.habilis.ca.config.Secrets;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.console.ConsoleApi;
import fr.habilis.ca.console.ConsoleServices;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.PendingActions;
import fr.habilis.ca.health.HealthApi;
import fr.habilis.ca.metrics.Metrics;
import fr.habilis.ca.metrics.MetricsApi;
import fr.habilis.ca.jobs.Scheduler;
import fr.habilis.ca.notify.Notifier;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.pki.CaPublisher;
import fr.habilis.ca.pki.CaSecret;
import fr.habilis.ca.pki.PolicyPage;
import fr.habilis.ca.pki.CaStore;
import fr.habilis.ca.pki.KeystoreReadAhead;
import fr.habilis.ca.pki.ResponderStore;
import fr.habilis.ca.pki.SharedHierarchy;
import fr.habilis.ca.pki.TlsMaterial;
import fr.habilis.ca.ra.RaApi;
import fr.habilis.ca.registry.EabKeySealer;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.RevocationApi;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.EabRepository;
import fr.habilis.ca.web.Listener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.web.HttpProblems;
import fr.habilis.ca.web.InFlight;
import fr.habilis.ca.web.ProblemHandler;
import fr.habilis.ca.web.RequestIds;
import fr.habilis.ca.web.RequestObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Habilis server: plain-HTTP listener (CA certificates, CRLs, OCSP) and HTTPS listener
 * (ACME, RA API) over one database and one CA hierarchy. Start-up order matters: the HTTP port
 * must be known before the CA certificates (which embed its URLs) can be generated.
 */
public final class HabilisServer {
  private static final Logger LOG = LoggerFactory.getLogger(HabilisServer.class);
  public static final String RA_TOKEN_FILE = "ra-token";
  public static final String KEYSTORE_PASSWORD_FILE = "keystore-password";

  private final Vertx vertx;
  private final ServerContext context;
  private final Listener http;
  private final Listener https;
  private final Path trustPem;
  private final Path raTokenFile;
  private Notifier notifier;
  private OrderRecovery recovery;
  private AuditCheckpoints checkpoints;
  private HealthApi health;
  private InFlight inFlight;
  private AcmeApi acme;
  private Listener metricsListener;
  private String metricsUrl;

  private HabilisServer(Vertx vertx, ServerContext context, Listener http, Listener https, Path trustPem, Path raTokenFile) {
    this.vertx = vertx;
    this.context = context;
    this.http = http;
    this.https = https;
    this.trustPem = trustPem;
    this.raTokenFile = raTokenFile;
  }

  /** Everything prepared off the event loop before the HTTPS listener can bind. */
  private record Prepared(HabilisConfig config, Endpoints httpOnly, Database db, CaHierarchy ca, CaSecret caSecret,
      TlsMaterial tls, Path trustPem, Path raTokenFile, CaPublisher publisher, ResponderStore responders, Scheduler scheduler) {}

  public static Future<HabilisServer> start(Vertx vertx, HabilisConfig initial) {
    try {
      ProductionGuards.check(initial);
      probePort(initial, Setting.HTTP_PORT);
      probePort(initial, Setting.HTTPS_PORT);
      if (initial.isSet(Setting.METRICS_PORT)) probePort(initial, Setting.METRICS_PORT);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    long began = System.nanoTime();
    Path dataDir = initial.dataDir();
    boolean freshDataDir = !Files.exists(dataDir);
    String host = initial.get(Setting.BIND_ADDRESS);
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    Router httpRouter = Router.router(vertx);
    Router httpsRouter = Router.router(vertx);
    RequestIds.install(httpRouter);
    RequestIds.install(httpsRouter);
    Metrics metrics = initial.getBoolean(Setting.METRICS_ENABLED) ? Metrics.enabled() : Metrics.disabled();
    RequestObserver observer = new RequestObserver(metrics, initial.getBoolean(Setting.ACCESS_LOG));
    observer.install(httpRouter);
    observer.install(httpsRouter);
    InFlight inFlight = new InFlight();
    inFlight.install(httpRouter);
    inFlight.install(httpsRouter);
    HealthApi health = new HealthApi();
    health.mount(httpRouter); // live from the first accepted connection; ready once serving
    boolean ownMetricsListener = metrics.isEnabled() && initial.isSet(Setting.METRICS_PORT);
    if (metrics.isEnabled() && !ownMetricsListener) {
      new MetricsApi(metrics, initial.get(Setting.METRICS_TOKEN)).mount(httpRouter);
    }
    WorkerExecutor signers = vertx.createSharedWorkerExecutor("habilis-signers", Math.max(2, instances));
    Clock clock = Clock.systemUTC();

    int maxPerIp = initial.getInt(Setting.MAX_CONNECTIONS_PER_IP);
    return Listener.start(vertx, connectionOptions(initial, new HttpServerOptions().setHttp2ClearTextEnabled(false)), httpRouter, host,
            initial.getInt(Setting.HTTP_PORT), instances, maxPerIp)
        .compose(http -> vertx.executeBlocking(() -> {
              phase("HTTP listener bound", began);
              return prepare(vertx, initial, http.port(), clock);
            }, false)
            .compose(p -> {
              long prepared = phase("prepared (database, keys, TLS)", began);
              HttpServerOptions tlsOptions = connectionOptions(initial, new HttpServerOptions().setSsl(true).setUseAlpn(true)
                  .setKeyCertOptions(p.tls().keyCertOptions()));
              return Listener.start(vertx, tlsOptions, httpsRouter, host, p.config().getInt(Setting.HTTPS_PORT), instances, maxPerIp)
                  .compose(https -> {
                    long httpsBound = phase("HTTPS listener bound", prepared);
                    String httpsBase = p.config().isSet(Setting.PUBLIC_URL) ? p.config().get(Setting.PUBLIC_URL)
                        : "https://" + p.config().hostname() + ":" + https.port();
                    Endpoints endpoints = new Endpoints(httpsBase, p.httpOnly().httpBase());
                    HabilisConfig config = p.config().with(Setting.HTTPS_PORT, Integer.toString(https.port()))
                        .with(Setting.HTTP_PORT, Integer.toString(http.port()));
                    metrics.bindPool(p.db().dataSource());
                    ServerContext ctx = new ServerContext(vertx, config, endpoints, p.db(), p.ca(), p.caSecret(), new AuditLog(clock),
                        signers, clock, metrics, p.scheduler());
                    p.publisher().mount(httpRouter);
                    new PolicyPage(config, endpoints, p.ca()).mount(httpRouter);
                    AcmeApi acme = mountApis(ctx, httpRouter, httpsRouter, p, health);
                    OrderRecovery recovery = acme.recovery();
                    HabilisServer server = new HabilisServer(vertx, ctx, http, https, p.trustPem(), p.raTokenFile());
                    server.notifier = Notifier.start(ctx);
                    server.recovery = recovery;
                    server.health = health;
                    server.inFlight = inFlight;
                    server.acme = acme;
                    recovery.start();
                    long mounted = phase("APIs mounted, notifier and recovery started", httpsBound);
                    Future<Void> metricsListening = ownMetricsListener ? server.startMetricsListener() : Future.succeededFuture();
                    return metricsListening.compose(x -> AuditCheckpoints.start(ctx)).onSuccess(c -> server.checkpoints = c).compose(c -> vertx.executeBlocking(() -> {
                      phase("audit checkpoint written", mounted);
                      server.writeEndpointsJson();
                      DataDirectory.ownerOnly(p.config().dataDir().resolve("endpoints.json"));
                      health.serving(ctx);
                      phase("ready, since start", began);
                      return server;
                    }, false));
                  })
                  .recover(err -> {
                    p.scheduler().cancel();
                    p.db().close();
                    return Future.failedFuture(err);
                  });
            })
            .recover(err -> http.close(vertx).transform(x -> Future.failedFuture(err))))
        .recover(err -> {
          signers.close();
          metrics.close();
          if (freshDataDir) deleteQuietly(dataDir);
          return Future.failedFuture(err instanceof ConfigException ? err : translate(err, initial));
        });
  }

  /** The one place where API modules are attached to the listeners; returns the ACME front end (recovery, finalizations). */
  private static AcmeApi mountApis(ServerContext ctx, Router httpRouter, Router httpsRouter, Prepared p, HealthApi health) {
    // Each module mounts its own sub-paths and failure handling.
    RevocationApi revocation = new RevocationApi(ctx, p.responders(), p.publisher());
    revocation.mount(httpRouter);
    health.responders(revocation::responderCertificate);
    RaApi ra = new RaApi(ctx, revocation.service());
    RenewalService renewal = new RenewalService(ctx, ra.registry(), revocation.service());
    ra.withRenewal(renewal).mount(httpsRouter);
    AcmeApi acme = new AcmeApi(ctx, ra.registry()).withRevocation(revocation.service()).withRenewal(renewal);
    acme.mount(httpsRouter);
    new ConsoleApi(ctx, Operators.of(ctx), new ConsoleServices(ctx, ra.registry(), revocation.service(), revocation.ocsp(),
        renewal, new PendingActions(ctx, ra.registry(), revocation.service()).renewal(renewal))).mount(httpsRouter);
    notFound(httpRouter);
    notFound(httpsRouter);
    return acme;
  }

  /**
   * Idle connections (keep-alive, a header sent halfway, a TLS handshake left open) are closed.
   * The plain HTTP listener serves HTTP/1.1 only (no h2c): Vert.x then sees each connection when it
   * is accepted, so the per-address cap applies before a byte is read; on HTTPS it applies after
   * the handshake, which the handshake timeout bounds.
   */
  private static HttpServerOptions connectionOptions(HabilisConfig config, HttpServerOptions options) {
    long idle = Math.max(1, config.getDuration(Setting.IDLE_TIMEOUT).toMillis());
    return options.setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idle)).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setSslHandshakeTimeout(Math.min(idle, 10_000)).setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Anything no module claimed: a problem document rather than the framework's HTML page. */
  private static void notFound(Router router) {
    ProblemHandler problems = new ProblemHandler(HttpProblems::toProblem, null);
    router.route().last().handler(rc -> problems.send(rc, DomainError.notFound("no resource at " + rc.request().path())));
  }

  private static Prepared prepare(Vertx vertx, HabilisConfig initial, int httpPort, Clock clock) throws Exception {
    long t = System.nanoTime();
    Path dataDir = initial.dataDir();
    DataDirectory.secure(dataDir, initial.isProduction());
    String httpBase = initial.isSet(Setting.PUBLIC_HTTP_URL) ? initial.get(Setting.PUBLIC_HTTP_URL)
        : "http://" + initial.hostname() + ":" + httpPort;
    Endpoints httpOnly = new Endpoints(null, httpBase);

    Notifier.checkSettings(initial);
    // An existing keystore is read meanwhile, on a thread of its own (only read; see KeystoreReadAhead).
    KeystoreReadAhead readAhead = KeystoreReadAhead.start(initial, dataDir.resolve(KEYSTORE_PASSWORD_FILE));
    // The database first: on an H2 file in use by another instance it fails here, before this
    // instance has written anything (secrets, CA material, published certificates).
    Database db;
    try {
      db = Database.open(vertx, initial.dbUrl(), initial.get(Setting.DB_USER), initial.get(Setting.DB_PASSWORD),
          initial.getInt(Setting.DB_POOL_SIZE));
    } catch (RuntimeException e) {
      throw new ConfigException("cannot open database " + redact(initial.dbUrl()) + ": " + rootMessage(e), e);
    }
    t = phase("database opened and migrated", t);
    Path raTokenFile = dataDir.resolve(RA_TOKEN_FILE);
    HabilisConfig config;
    CaHierarchy ca;
    CaSecret caSecret;
    TlsMaterial tls;
    Path trustPem;
    CaPublisher publisher;
    ResponderStore responders;
    Scheduler scheduler;
    try {
      // One CA per database: join the recorded hierarchy, or record this one (docs/deployment.md);
      // without a keystore to join with, refused before a secret is generated into the data directory.
      scheduler = new Scheduler(vertx, db, clock, initial.getDuration(Setting.JOB_LEASE_GRACE));
      SharedHierarchy shared = new SharedHierarchy(db, initial, scheduler.instance(), clock, readAhead);
      shared.refuseWithoutKeystore();
      String raToken = Secrets.configuredOrGenerated(initial, Setting.RA_TOKEN, raTokenFile);
      config = initial.with(Setting.RA_TOKEN, raToken);
      char[] ksPassword = Secrets.configuredOrGenerated(config, Setting.KEYSTORE_PASSWORD, dataDir.resolve(KEYSTORE_PASSWORD_FILE)).toCharArray();
      ca = shared.loadOrCreate(ksPassword, httpOnly);
      t = phase("CA hierarchy loaded and checked", t);
      CaSecret secretAhead = readAhead.secret();
      caSecret = secretAhead != null ? secretAhead : CaStore.loadOrCreateSecret(config, ksPassword);
      shared.checkSecret(caSecret);
      ca = shared.reconcileResponders(ca, ksPassword);
      t = phase("CA secret and responders checked", t);
      EabRepository eab = new EabRepository(new EabKeySealer(caSecret));
      db.txBlocking(eab::sealClearKeys); // keys of a database from before V15
      tls = TlsMaterial.loadOrCreate(config, ca, clock);
      t = phase("TLS material", t);
      responders = new ResponderStore(config, ksPassword);
      publisher = new CaPublisher(ca);
      trustPem = publisher.writeTo(dataDir.resolve("certs"));
      DataDirectory.tighten(dataDir); // the keystore, the H2 file and the certificates were written with the umask
    } catch (Exception e) {
      db.close();
      throw e;
    }
    return new Prepared(config, httpOnly, db, ca, caSecret, tls, trustPem, raTokenFile, publisher, responders, scheduler);
  }

  /** Debug ({@code logLevel: debug}): how long a start-up phase took; returns now, the next phase's start. */
  private static long phase(String what, long since) {
    long now = System.nanoTime();
    LOG.debug("start-up: {} in {} ms", what, (now - since) / 1_000_000);
    return now;
  }

  private void writeEndpointsJson() throws IOException {
    CaStore.writeAtomically(context.config().dataDir().resolve("endpoints.json"),
        endpointsJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code metricsPort} set: /metrics on a listener of its own (plain HTTP, {@code metricsBindAddress},
   * default bindAddress), so that scrapers reach it on a network relying parties do not.
   */
  private Future<Void> startMetricsListener() {
    HabilisConfig config = context.config();
    String host = config.isSet(Setting.METRICS_BIND_ADDRESS) ? config.get(Setting.METRICS_BIND_ADDRESS)
        : config.get(Setting.BIND_ADDRESS);
    Router router = Router.router(vertx);
    new MetricsApi(context.metrics(), config.get(Setting.METRICS_TOKEN)).mount(router);
    notFound(router);
    return Listener.start(vertx, connectionOptions(config, new HttpServerOptions()), router, host,
            config.getInt(Setting.METRICS_PORT), 1, config.getInt(Setting.MAX_CONNECTIONS_PER_IP))
        .recover(err -> Future.failedFuture(new ConfigException("cannot listen on " + host + ":"
            + config.get(Setting.METRICS_PORT) + " (metricsPort): " + rootMessage(err), err)))
        .map(listener -> {
          metricsListener = listener;
          String urlHost = host.contains(":") ? "[" + host + "]" : host;
          metricsUrl = "http://" + ("0.0.0.0".equals(host) || "::".equals(host) ? config.hostname() : urlHost)
              + ":" + listener.port() + "/metrics";
          return null;
        });
  }

  public JsonObject endpointsJson() {
    Endpoints e = context.endpoints();
    return new JsonObject()
        .put("environment", context.config().environment())
        .put("directoryUrl", e.directoryUrl())
        .put("raUrl", e.raUrl())
        .put("httpUrl", e.httpBase())
        .put("ocspUrl", e.ocspUrl())
        .put("healthUrl", e.healthUrl())
        .put("metricsUrl", !context.metrics().isEnabled() ? null : metricsUrl != null ? metricsUrl : e.metricsUrl())
        .put("httpsPort", https.port())
        .put("httpPort", http.port())
        .put("trustPem", trustPem.toString())
        .put("raTokenFile", context.config().isSet(Setting.RA_TOKEN) && !Files.exists(raTokenFile) ? null : raTokenFile.toString())
        .put("dataDir", context.config().dataDir().toString());
  }

  /** The readable block printed when the server is ready. */
  public String banner() {
    Endpoints e = context.endpoints();
    return String.join("\n",
        "Habilis CA is ready",
        "  environment     " + context.config().environment(),
        "  ACME directory  " + e.directoryUrl(),
        "  RA API          " + e.raUrl() + "   (Bearer token: " + raTokenFile + ")",
        "  HTTP (CRL/OCSP) " + e.httpBase(),
        "  trust anchor    " + trustPem,
        "  endpoints.json  " + context.config().dataDir().resolve("endpoints.json"));
  }

  public ServerContext context() {
    return context;
  }

  public Endpoints endpoints() {
    return context.endpoints();
  }

  public String raToken() {
    return context.config().get(Setting.RA_TOKEN);
  }

  public Path trustPem() {
    return trustPem;
  }

  /** One pass of the recovery of orders left processing (it also runs at start-up and periodically). */
  public Future<OrderRecovery.Outcome> recoverProcessingOrders() {
    return recovery.runOnce();
  }

  public Future<Void> close() {
    return shutdown().mapEmpty();
  }

  /**
   * Graceful stop (SIGTERM): readiness answers 503, every timer is cancelled, both listeners stop
   * accepting and the requests already received get {@code shutdownGrace} to be answered; then the
   * audit checkpoint, the pool, the signers. Completes with the number of requests that were not
   * answered (cut at the end of the grace period): zero is a clean drain.
   */
  public Future<Integer> shutdown() {
    if (health != null) health.stopping();
    if (inFlight != null) inFlight.draining();
    Duration grace = context.config().getDuration(Setting.SHUTDOWN_GRACE);
    Future<Void> notices = notifier == null ? Future.succeededFuture() : notifier.close();
    Future<Void> recovering = recovery == null ? Future.succeededFuture() : recovery.close();
    // Every timer cancelled now, the jobs under way awaited and their leases released: no job
    // starts once the pool is closing, and another instance takes over at once.
    Future<Void> jobs = context.scheduler().close(grace);
    long deadline = System.nanoTime() + grace.toNanos();
    // A client gone before its answer ends its connection's drain, not its finalization: wait for
    // those too (within the same grace), so that the pool never closes under an order processing.
    Future<Void> listeners = Future.join(https.shutdown(vertx, grace), http.shutdown(vertx, grace),
            metricsListener == null ? Future.succeededFuture() : metricsListener.shutdown(vertx, grace))
        .transform(x -> acme == null ? Future.<Void>succeededFuture() : acme.finalizationsSettled()
            .timeout(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS).otherwiseEmpty());
    int[] unanswered = {0};
    return Future.join(notices, recovering, jobs, listeners)
        .transform(x -> {
          unanswered[0] = inFlight == null ? 0 : inFlight.unanswered();
          return Future.<Void>succeededFuture();
        })
        // The listeners are closed: nothing appends any more, this checkpoint is the chain's end.
        .eventually(() -> checkpoints == null ? Future.succeededFuture() : checkpoints.close())
        .eventually(() -> vertx.executeBlocking(() -> {
          if (context.config().getBoolean(Setting.H2_COMPACT_ON_STOP)) {
            context.db().closeCompacted();
            // SHUTDOWN COMPACT writes a new file under the process umask (644): owner-only again,
            // or the next production start refuses a data directory others can read.
            DataDirectory.tighten(context.config().dataDir());
          } else {
            context.db().close();
          }
          return null;
        }, false))
        .eventually(() -> context.signers().close())
        .andThen(x -> context.metrics().close())
        .map(x -> unanswered[0]);
  }

  private static void probePort(HabilisConfig config, Setting port) {
    int p = config.getInt(port);
    if (p == 0) return;
    String host = port == Setting.METRICS_PORT && config.isSet(Setting.METRICS_BIND_ADDRESS)
        ? config.get(Setting.METRICS_BIND_ADDRESS) : config.get(Setting.BIND_ADDRESS);
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, p));
    } catch (IOException e) {
      throw new ConfigException("cannot listen on " + host + ":" + p + " (" + port.key() + "): " + e.getMessage());
    }
  }

  private static Throwable translate(Throwable err, HabilisConfig config) {
    if (err instanceof java.net.BindException || err.getCause() instanceof java.net.BindException) {
      return new ConfigException("cannot listen on " + config.get(Setting.BIND_ADDRESS) + ": " + rootMessage(err), err);
    }
    return err;
  }

  static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) r = r.getCause();
    String m = r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a start that failed leaves no data directory behind
        }
      });
    } catch (IOException ignored) {
      // nothing to clean
    }
  }
}
