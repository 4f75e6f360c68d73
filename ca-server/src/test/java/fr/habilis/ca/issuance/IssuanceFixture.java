package fr.habilis.ca.issuance;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.pki.CaSecret;
import fr.habilis.ca.pki.HierarchyGenerator;
import fr.habilis.ca.pki.KeyAlgorithm;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real Vert.x, a fresh database (in-memory H2, or PostgreSQL on the postgresql pass; migrated
 * by Flyway) and real CA keys.
 */
final class IssuanceFixture implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Database db;
  final ServerContext ctx;
  final IssuanceService service;

  IssuanceFixture(CaHierarchy ca) {
    this(ca, Map.of(), Clock.systemUTC());
  }

  IssuanceFixture(CaHierarchy ca, Map<String, String> settings, Clock clock) {
    db = TestDatabases.open(vertx, 4);
    ctx = new ServerContext(vertx, HabilisConfig.of(settings), ENDPOINTS,
        db, ca, new CaSecret(new byte[32]), new AuditLog(clock), vertx.createSharedWorkerExecutor("test-signers", 2), clock,
        fr.habilis.ca.metrics.Metrics.disabled(),
        new fr.habilis.ca.jobs.Scheduler(vertx, db, clock, java.time.Duration.ofSeconds(30)));
    service = new IssuanceService(ctx);
  }

  static final Endpoints ENDPOINTS = new Endpoints("https://localhost:8443", "http://localhost:8080");

  /** The server's own test hierarchy (root, org, pro) with CA keys of {@code algorithm}: EC-P384, EC-P256, RSA-2048, RSA-4096. */
  static CaHierarchy hierarchy(String algorithm) {
    try {
      return HierarchyGenerator.generate(KeyAlgorithm.fromSetting(algorithm), Setting.ROOT_CA_NAME.defaultValue(),
          Setting.ORG_CA_NAME.defaultValue(), Setting.PRO_CA_NAME.defaultValue(), ENDPOINTS, Clock.systemUTC());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static SubjectInfo subject(String commonName) {
    return new SubjectInfo("CLINIQUE DE TEST", "Paris (75)", "1750000000", commonName);
  }

  /** A request for {@code profile} with the names its SAN kinds require. */
  static IssuanceRequest request(Profile profile, byte[] csr) {
    boolean dns = profile.san().contains(Profile.SanKind.dns);
    boolean email = profile.san().contains(Profile.SanKind.email);
    String cn = switch (profile.commonName()) {
      case FQDN -> "api.test-clinique.fr";
      case PERSON -> "899700000000/DUPONT Jeanne";
      case SERVICE -> "DMP Connecteur";
    };
    return new IssuanceRequest(profile.name().name(), csr, subject(cn),
        dns ? List.of("api.test-clinique.fr", "www.test-clinique.fr") : List.of(),
        email ? List.of("secretariat@test-clinique.fr") : List.of(),
        "8990000001", null, null);
  }

  /**
   * Issues {@code request} as finalize does, through the one issuance path: prepare in a
   * transaction (CSR checks, serial reserved), then sign and store. Fails as that path fails.
   */
  Future<IssuedCertificate> issue(IssuanceRequest request) {
    return db.tx(c -> service.prepare(c, request, IssuanceService.parseCsr(request.csrDer())))
        .compose(prepared -> service.issue(prepared, (c, serial) -> null))
        .map(IssuanceService.Issued::certificate);
  }

  /** The single number a {@code SELECT COUNT(*) …} query returns. */
  long count(String sql) throws Exception {
    return db.txBlocking(c -> {
      try (var rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) throw cause;
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    db.close();
    await(vertx.close());
  }
}
