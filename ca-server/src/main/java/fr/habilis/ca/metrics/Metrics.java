package fr.habilis.ca.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The server's meters, one registry per running server, every name prefixed {@code habilis.}
 * (Prometheus: {@code habilis_}). Meters are created once per label set and kept in maps, so a
 * request costs a map lookup and an atomic add, never a builder. Disabled ({@code metricsEnabled=false}),
 * the registry is an empty composite: every meter is a no-op.
 */
public final class Metrics implements AutoCloseable {
  static final String PREFIX = "habilis.";
  /** Latency buckets (seconds): an OCSP hit is well under a millisecond, a finalize with an RSA key tens of them. */
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final JvmGcMetrics gc;
  private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Map<String, Counter> issuances = new ConcurrentHashMap<>();
  private final Map<String, Counter> revocations = new ConcurrentHashMap<>();
  private final Map<String, Timer> crlGeneration = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> crlBytes = new ConcurrentHashMap<>();
  private final Counter ocspHits;
  private final Counter ocspMisses;
  private final Timer ocspSigning;

  private record RequestKey(String method, String route, int status) {}

  private Metrics(boolean enabled) {
    this.prometheus = enabled ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    this.registry = enabled ? prometheus : new CompositeMeterRegistry();
    // One rule for every series, the libraries' (JVM, HikariCP) included: an operator finds them all under habilis_.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().startsWith(PREFIX) ? id : id.withName(PREFIX + id.getName());
      }
    });
    this.ocspHits = Counter.builder(PREFIX + "ocsp.cache").tag("result", "hit")
        .description("OCSP requests answered from the cache of signed responses").register(registry);
    this.ocspMisses = Counter.builder(PREFIX + "ocsp.cache").tag("result", "miss")
        .description("Cacheable OCSP requests that needed a database read and a signature").register(registry);
    this.ocspSigning = Timer.builder(PREFIX + "ocsp.signing").description("Time to sign one OCSP response")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    if (enabled) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      gc = new JvmGcMetrics();
      gc.bindTo(registry);
    } else {
      gc = null;
    }
  }

  public static Metrics enabled() {
    return new Metrics(true);
  }

  public static Metrics disabled() {
    return new Metrics(false);
  }

  public boolean isEnabled() {
    return prometheus != null;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Prometheus text exposition format (version 0.0.4). */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  /** The database pool's connections (active, idle, pending, timeouts, usage and acquire times). */
  public void bindPool(DataSource dataSource) {
    if (prometheus != null && dataSource instanceof HikariDataSource hikari && hikari.getMetricsTrackerFactory() == null) {
      hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
  }

  /** One answered request: its method, route pattern (never the raw path), status and latency. */
  public void request(String method, String route, int status, long nanos) {
    Timer t = requests.get(new RequestKey(method, route, status));
    if (t == null) {
      t = requests.computeIfAbsent(new RequestKey(method, route, status), k -> Timer.builder(PREFIX + "http.requests")
          .description("HTTP requests by method, route pattern and status")
          .tag("method", k.method()).tag("route", k.route()).tag("status", Integer.toString(k.status()))
          .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A request refused with a problem document, by error kind ({@code bad_nonce}, {@code rejected_identifier}…). */
  public void refused(String reason) {
    refusals.computeIfAbsent(reason, r -> Counter.builder(PREFIX + "refusals")
        .description("Requests refused with a problem document, by error kind").tag("reason", r).register(registry)).increment();
  }

  /** A certificate issued and stored (its transaction committed). */
  public void issued(String profile) {
    issuances.computeIfAbsent(profile, p -> Counter.builder(PREFIX + "issuances")
        .description("Certificates issued, by profile").tag("profile", p).register(registry)).increment();
  }

  /** A certificate revoked (its transaction committed), by RFC 5280 reason name. */
  public void revoked(String reason) {
    revocations.computeIfAbsent(reason, r -> Counter.builder(PREFIX + "revocations")
        .description("Certificates revoked, by reason").tag("reason", r).register(registry)).increment();
  }

  /** A cacheable OCSP request: answered from the cache or not. */
  public void ocspCache(boolean hit) {
    (hit ? ocspHits : ocspMisses).increment();
  }

  public void ocspSigned(long nanos) {
    ocspSigning.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A CRL generated (read, signed): how long it took and its DER size, per CA. */
  public void crlGenerated(String caId, long nanos, int bytes) {
    crlGeneration.computeIfAbsent(caId, ca -> Timer.builder(PREFIX + "crl.generation")
        .description("Time to generate one CRL (database read and signature)").tag("ca", ca)
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    crlBytes.computeIfAbsent(caId, ca -> {
      AtomicLong size = new AtomicLong();
      io.micrometer.core.instrument.Gauge.builder(PREFIX + "crl.size", size, AtomicLong::get).baseUnit("bytes")
          .description("DER size of the CRL served now").tag("ca", ca).register(registry);
      return size;
    }).set(bytes);
  }

  @Override
  public void close() {
    if (gc != null) gc.close();
    registry.close();
  }
}
