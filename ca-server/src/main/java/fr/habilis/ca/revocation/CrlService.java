package fr.habilis.ca.revocation;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.store.CrlRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One full CRL per issuing CA, kept in memory and regenerated: a short, fixed delay after a
 * revocation (a burst of revocations coalesces into one CRL), and periodically, always well before
 * nextUpdate. The CRL number comes from the database, so it increases across restarts and instances.
 */
public final class CrlService {
  private final ServerContext ctx;
  /** CA id → the certificate and key signing its CRL; the root's only when its key is online (test environment). */
  private final Map<String, Issuer> issuers = new LinkedHashMap<>();
  private final Map<String, Published> current = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> pending = new ConcurrentHashMap<>();
  private final Map<String, Future<Published>> running = new ConcurrentHashMap<>();
  private final Promise<Void> ready = Promise.promise();

  /** A signed CRL as served. */
  public record Published(byte[] der, long number, Instant thisUpdate, Instant nextUpdate, String etag) {}

  private record Issuer(X509Certificate certificate, PrivateKey key) {}

  CrlService(ServerContext ctx) {
    this.ctx = ctx;
    CaHierarchy h = ctx.ca();
    if (h.rootKey() != null) issuers.put(CaHierarchy.ROOT, new Issuer(h.root(), h.rootKey()));
    for (IssuingCa ca : h.issuingCas()) issuers.put(ca.id(), new Issuer(ca.certificate(), ca.privateKey()));
    issuers.keySet().forEach(ca -> pending.put(ca, new AtomicBoolean()));
  }

  /** Ids of the CAs whose CRL is served here. */
  Set<String> cas() {
    return issuers.keySet();
  }

  /** Generates the first CRLs and starts the periodic refresh. */
  Future<Void> start() {
    Future.all(issuers.keySet().stream().map(this::regenerate).toList()).<Void>mapEmpty().onComplete(ready);
    ctx.vertx().setPeriodic(60_000, id -> {
      Duration every = ctx.config().getDuration(Setting.CRL_REGENERATE_EVERY);
      for (String ca : issuers.keySet()) {
        Published p = current.get(ca);
        if (p == null || p.thisUpdate().plus(every).isBefore(ctx.clock().instant())) regenerate(ca);
      }
    });
    return ready.future();
  }

  Future<Void> ready() {
    return ready.future();
  }

  Published current(String caId) {
    return current.get(caId);
  }

  /** After a revocation: one regeneration for every revocation within the coalescing delay. */
  void schedule(String caId) {
    AtomicBoolean flag = pending.get(caId);
    if (flag == null || !flag.compareAndSet(false, true)) return;
    ctx.vertx().setTimer(Math.max(1, ctx.config().getDuration(Setting.CRL_COALESCE_DELAY).toMillis()), id -> {
      flag.set(false);
      regenerate(caId);
    });
  }

  /** Regenerates now, one generation at a time per CA. */
  synchronized Future<Published> regenerate(String caId) {
    Future<Published> previous = running.getOrDefault(caId, Future.succeededFuture());
    Future<Published> next = previous.transform(x -> generate(caId));
    running.put(caId, next);
    return next;
  }

  /** A CRL's number and its entries, read in one transaction, to be signed off it. */
  private record Numbered(long number, CrlWriter writer) {}

  private Future<Published> generate(String caId) {
    Issuer issuer = issuers.get(caId);
    Instant thisUpdate = ctx.clock().instant();
    Instant nextUpdate = thisUpdate.plus(ctx.config().getDuration(Setting.CRL_VALIDITY));
    long start = System.nanoTime();
    return ctx.db().tx(c -> {
          long number = nextNumber(c, caId, thisUpdate);
          CrlWriter writer = new CrlWriter();
          stream(c, caId, thisUpdate, writer);
          return new Numbered(number, writer);
        })
        .compose(r -> ctx.signers().executeBlocking(() -> {
          byte[] der = r.writer().sign(issuer.certificate(), issuer.key(), r.number(), thisUpdate, nextUpdate);
          String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der), 0, 12) + "\"";
          return new Published(der, r.number(), thisUpdate, nextUpdate, etag);
        }, false))
        .onSuccess(p -> {
          current.put(caId, p);
          ctx.metrics().crlGenerated(caId, System.nanoTime() - start, p.der().length);
        });
  }

  /** Revoked, unexpired certificates of the CA, streamed into the writer (a million rows are fine). */
  static void stream(Connection c, String caId, Instant now, CrlWriter writer) throws SQLException {
    CrlRepository.revoked(c, caId, now,
        (serial, revokedAt, reason) -> writer.add(SerialNumbers.fromHex(serial), revokedAt, reason));
  }

  /**
   * The next CRL number: the row lock of the UPDATE serialises instances until commit, so numbers
   * follow commit order (RFC 5280 §5.2.3: monotonically increasing). For a CA's first CRL two
   * instances can both find no row: the loser of the insert race (duplicate key) rolls back to a
   * savepoint — PostgreSQL aborts the whole transaction on an error otherwise — and increments the
   * winner's row instead of failing its generation.
   */
  static long nextNumber(Connection c, String caId, Instant now) throws SQLException {
    return CrlRepository.nextNumber(c, caId, now);
  }
}
