package fr.habilis.ca.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.JobLeaseRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every timer of a running server, so that a stop cancels them all before the pool closes, and
 * the leases that make a scheduled job run on one instance at a time.
 *
 * <p>A {@link #leased} job ticks on every instance, a quarter of its period apart (between 50 ms
 * and 15 s); a tick runs the job only if it claims the run in the database
 * ({@link JobLeaseRepository#claim}: the job is due and the lease is this instance's or has
 * expired). The holder keeps the lease while it lives; when it dies, another instance claims the
 * next run {@code jobLeaseGrace} after it was due; a clean stop releases the leases at once.
 * {@link #local} timers are per-instance work (caches): they run on every instance.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private final Vertx vertx;
  private final Database db;
  private final Clock clock;
  private final String instance;
  private final Duration grace;
  private final JobLeaseRepository leases = new JobLeaseRepository();
  private final Set<Long> timers = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> runsHere = new ConcurrentHashMap<>();
  private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public Scheduler(Vertx vertx, Database db, Clock clock, Duration grace) {
    this.vertx = vertx;
    this.db = db;
    this.clock = clock;
    this.instance = instanceName();
    this.grace = grace;
  }

  /** This process's name in leases: pid@host and a random suffix (two starts in one JVM differ). */
  public String instance() {
    return instance;
  }

  /** Runs {@code job} every {@code period} on whichever instance holds its lease, the first tick at once. */
  public void leased(String job, Duration period, Supplier<Future<?>> run) {
    leased(job, period, Duration.ZERO, run);
  }

  /** The same, the first tick {@code firstTick} from now (a job the start-up has just done). */
  public void leased(String job, Duration period, Duration firstTick, Supplier<Future<?>> run) {
    runsHere.putIfAbsent(job, new AtomicLong());
    long tick = Math.max(50, Math.min(15_000, period.toMillis() / 4));
    AtomicBoolean busy = new AtomicBoolean();
    db.tx(c -> {
      leases.ensure(c, job);
      return null;
    }).onComplete(x -> {
      if (closed) return;
      track(vertx.setPeriodic(Math.max(1, firstTick.toMillis()), tick, id -> {
        if (closed || !busy.compareAndSet(false, true)) return;
        Future<?> f = db.tx(c -> leases.claim(c, job, instance, clock.instant(), period, grace))
            .compose(claimed -> {
              if (!claimed || closed) return Future.succeededFuture();
              runsHere.get(job).incrementAndGet();
              return run.get();
            })
            .onFailure(e -> LOG.warn("scheduled job " + job + " failed; its next run tries again", e))
            .onComplete(r -> busy.set(false));
        watch(f);
      }));
    });
  }

  /** Per-instance periodic work (a cache refresh, a poll), every {@code period}. */
  public void local(Duration period, Runnable task) {
    track(vertx.setPeriodic(Math.max(1, period.toMillis()), id -> {
      if (!closed) task.run();
    }));
  }

  /** A one-shot timer, cancelled by {@link #close} if it has not fired. */
  public void once(Duration delay, Runnable task) {
    long[] self = new long[1];
    self[0] = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      timers.remove(self[0]);
      if (!closed) task.run();
    });
    track(self[0]);
  }

  /** Runs of {@code job} performed by this instance (tests, status). */
  public long runsHere(String job) {
    AtomicLong n = runsHere.get(job);
    return n == null ? 0 : n.get();
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Cancels every timer, waits (up to {@code wait}) for the leased runs under way, and releases
   * this instance's leases. Call before the pool closes: after it, no job starts.
   */
  public Future<Void> close(Duration wait) {
    cancel();
    return Future.join(running.stream().map(f -> f.otherwiseEmpty()).toList())
        .timeout(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)
        .otherwiseEmpty()
        .compose(x -> db.tx(c -> leases.release(c, instance, clock.instant())))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("releasing the job leases failed; they expire by themselves", e);
          return Future.succeededFuture();
        });
  }

  /** Cancels every timer (a start that failed: the pool closes next; leases expire by themselves). */
  public void cancel() {
    closed = true;
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  private void track(long timer) {
    timers.add(timer);
    if (closed) {
      vertx.cancelTimer(timer);
      timers.remove(timer);
    }
  }

  private void watch(Future<?> f) {
    running.add(f);
    f.onComplete(x -> running.remove(f));
  }

  private static String instanceName() {
    String name = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    return name.length() > 120 ? name.substring(name.length() - 120) : name;
  }
}
