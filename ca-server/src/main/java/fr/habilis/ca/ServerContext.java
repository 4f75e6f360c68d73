package fr.habilis.ca;

import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.metrics.Metrics;
import fr.habilis.ca.jobs.Scheduler;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.pki.CaSecret;
import fr.habilis.ca.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;

/**
 * What every API module receives when it is mounted: the shared, long-lived parts of a running
 * server. {@code signers} is the worker pool for key generation and slow signatures;
 * {@code caSecret} the keystore's secret entry (sealed EAB keys, signed audit checkpoints);
 * {@code metrics} the server's meters (no-ops when metricsEnabled is false);
 * {@code scheduler} every timer, and the leases that run a scheduled job on one instance.
 */
public record ServerContext(
    Vertx vertx,
    HabilisConfig config,
    Endpoints endpoints,
    Database db,
    CaHierarchy ca,
    CaSecret caSecret,
    AuditLog audit,
    WorkerExecutor signers,
    Clock clock,
    Metrics metrics,
    Scheduler scheduler) {}
