package fr.habilis.ca.revocation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.store.RevocationFeedRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes a revocation made through another instance visible to this instance's OCSP cache: every
 * {@code clusterPollEvery}, the certificates revoked in the last {@link #WINDOW} (by anyone) whose
 * cached answers have not been dropped yet are dropped, so the next request reads the database.
 * The window, much longer than a poll, absorbs clocks that differ between instances and
 * transactions that commit late; a revocation is handled once per instance (on the instance that
 * revoked, that drops the answers it had just re-signed: the next request signs them again).
 */
final class RevocationFeed {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);
  static final Duration WINDOW = Duration.ofMinutes(5);
  private final ServerContext ctx;
  private final OcspResponder ocsp;
  private final RevocationFeedRepository feed = new RevocationFeedRepository();
  /** "caId/serial" → when first seen here; entries older than the window are forgotten. */
  private final Map<String, Instant> handled = new ConcurrentHashMap<>();
  private final AtomicBoolean polling = new AtomicBoolean();

  RevocationFeed(ServerContext ctx, OcspResponder ocsp) {
    this.ctx = ctx;
    this.ocsp = ocsp;
  }

  void start() {
    ctx.scheduler().local(ctx.config().getDuration(Setting.CLUSTER_POLL_EVERY), this::poll);
  }

  private void poll() {
    if (!polling.compareAndSet(false, true)) return;
    Instant now = ctx.clock().instant();
    ctx.db().tx(c -> feed.revokedSince(c, now.minus(WINDOW)))
        .onSuccess(revoked -> {
          for (RevocationFeedRepository.Revoked r : revoked) {
            if (handled.putIfAbsent(r.caId() + '/' + r.serial(), now) == null) ocsp.forget(r.caId(), r.serial());
          }
          handled.values().removeIf(seen -> seen.isBefore(now.minus(WINDOW.multipliedBy(2))));
        })
        .onFailure(e -> LOG.warn("polling recent revocations failed; the next poll tries again", e))
        .onComplete(x -> polling.set(false));
  }
}
