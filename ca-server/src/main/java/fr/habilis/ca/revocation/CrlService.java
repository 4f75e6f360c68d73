package fr.habilis.ca.revocation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.store.CrlRepository;
import fr.habilis.ca.store.PublishedCrlRepository;
import fr.habilis.ca.store.PublishedCrlRepository.StoredCrl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One full CRL per issuing CA, kept in memory and regenerated: a short, fixed delay after a
 * revocation (a burst of revocations coalesces into one CRL), and periodically, always well before
 * nextUpdate. The CRL number comes from the database, so it increases across restarts and instances.
 *
 * <p>Several instances serve the same CRL: every CRL signed is stored in {@code crl_published}
 * unless a higher number is stored already, and each instance polls that table every
 * {@code clusterPollEvery} and serves the highest number. A revocation through any instance is
 * thus on every instance's CRL within {@code crlCoalesceDelay} + generation + {@code clusterPollEvery}.
 * The periodic regeneration runs on the {@code crl-regeneration} lease holder only; the one after
 * a revocation on the instance that revoked; one at start-up on the instance starting.
 */
public final class CrlService {
  private static final Logger LOG = LoggerFactory.getLogger(CrlService.class);
  private static final Duration SKEW = Duration.ofSeconds(1);
  private final ServerContext ctx;
  /** CA id → the certificate and key signing its CRL; the root's only when its key is online (test environment). */
  private final Map<String, Issuer> issuers = new LinkedHashMap<>();
  private final Map<String, Published> current = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> pending = new ConcurrentHashMap<>();
  private final Map<String, Future<Published>> running = new ConcurrentHashMap<>();
  private final Promise<Void> ready = Promise.promise();
  private final PublishedCrlRepository stored = new PublishedCrlRepository();

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

  /** Generates the first CRLs, starts the periodic refresh (leased) and the poll for other instances' CRLs. */
  Future<Void> start() {
    Future.all(issuers.keySet().stream().map(this::regenerate).toList()).<Void>mapEmpty().onComplete(ready);
    Duration every = ctx.config().getDuration(Setting.CRL_REGENERATE_EVERY);
    Duration check = every.compareTo(Duration.ofMinutes(1)) < 0 ? every : Duration.ofMinutes(1);
    ctx.scheduler().leased("crl-regeneration", check, () -> regenerateDue(every));
    ctx.scheduler().local(ctx.config().getDuration(Setting.CLUSTER_POLL_EVERY), this::pollStored);
    return ready.future();
  }

  /**
   * The periodic pass: CRLs older than {@code every}, and CRLs that miss a revocation (its instance
   * stopped or died before regenerating after it): a revocation is thus on the CRL within one
   * pass even then. A revocation time is the revoking instance's clock: one made up to
   * {@link #SKEW} before a CRL's thisUpdate counts as possibly missing (at most one extra CRL).
   */
  private Future<?> regenerateDue(Duration every) {
    Instant now = ctx.clock().instant();
    Instant oldest = issuers.keySet().stream().map(current::get)
        .map(p -> p == null ? Instant.EPOCH : p.thisUpdate()).min(Instant::compareTo).orElse(now);
    return ctx.db().tx(c -> stored.lastRevocations(c, oldest.minus(SKEW))).compose(last -> Future.all(issuers.keySet().stream()
        .filter(ca -> {
          Published p = current.get(ca);
          Instant revoked = last.get(ca);
          return p == null || p.thisUpdate().plus(every).isBefore(now)
              || revoked != null && revoked.isAfter(p.thisUpdate().minus(SKEW));
        })
        .map(this::regenerate).toList()));
  }

  /** Serves the CRLs other instances stored since (higher numbers than the ones served here). */
  private void pollStored() {
    ctx.db().tx(c -> {
      List<StoredCrl> newer = new ArrayList<>();
      for (Map.Entry<String, Long> e : stored.numbers(c).entrySet()) {
        Published p = current.get(e.getKey());
        if (issuers.containsKey(e.getKey()) && p != null && e.getValue() > p.number()) {
          stored.find(c, e.getKey()).ifPresent(newer::add);
        }
      }
      return newer;
    }).onSuccess(newer -> newer.forEach(crl -> serve(crl.caId(), published(crl.der(), crl.number(), crl.thisUpdate(),
        crl.nextUpdate())))).onFailure(e -> LOG.warn("polling the stored CRLs failed; the next poll tries again", e));
  }

  /** Serves {@code p} unless a higher number is served already (numbers served never go back). */
  private void serve(String caId, Published p) {
    current.merge(caId, p, (old, candidate) -> candidate.number() > old.number() ? candidate : old);
  }

  private static Published published(byte[] der, long number, Instant thisUpdate, Instant nextUpdate) {
    try {
      String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der), 0, 12) + "\"";
      return new Published(der, number, thisUpdate, nextUpdate, etag);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
    ctx.scheduler().once(ctx.config().getDuration(Setting.CRL_COALESCE_DELAY), () -> {
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
        .compose(r -> ctx.signers().executeBlocking(() -> published(
            r.writer().sign(issuer.certificate(), issuer.key(), r.number(), thisUpdate, nextUpdate),
            r.number(), thisUpdate, nextUpdate), false))
        // Stored for the other instances; a higher number stored meanwhile is served at the next poll.
        .compose(p -> ctx.db().tx(c -> stored.storeIfNewer(c, new StoredCrl(caId, p.number(), p.der(), thisUpdate, nextUpdate)))
            .map(x -> p))
        .onSuccess(p -> {
          serve(caId, p);
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
