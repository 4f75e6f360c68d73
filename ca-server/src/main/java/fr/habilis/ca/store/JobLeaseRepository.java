package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Leases of scheduled jobs (table {@code job_leases}, migration V18): see jobs/JobLeases. */
public final class JobLeaseRepository {
  /** A job's row, for status and tests. */
  public record Lease(String job, String holder, Instant expiresAt, Instant lastRunAt, long runs) {}

  /**
   * Claims one run of {@code job} in one statement: succeeds when the job is due (its last run is
   * at least {@code period} old) and the lease is this instance's or free (never held, expired or
   * released). The lease then lasts until the next run is due plus {@code grace}: while its holder
   * lives, no other instance can take it; {@code grace} after a missed run, any other can.
   */
  public boolean claim(Connection c, String job, String instance, Instant now, Duration period, Duration grace)
      throws SQLException {
    return Sql.update(c, "UPDATE job_leases SET holder = ?, expires_at = ?, last_run_at = ?, runs = runs + 1"
        + " WHERE job = ? AND (holder = ? OR holder IS NULL OR expires_at <= ?) AND (last_run_at IS NULL OR last_run_at <= ?)",
        instance, now.plus(period).plus(grace), now, job, instance, now, now.minus(period)) == 1;
  }

  /** The row of a job not seeded by a migration (a job added without one); no-op when it exists. */
  public void ensure(Connection c, String job) throws SQLException {
    Sql.update(c, "INSERT INTO job_leases (job) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM job_leases WHERE job = ?)", job, job);
  }

  /** At a clean stop: this instance's leases end now, so another instance takes over at its next tick. */
  public int release(Connection c, String instance, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE job_leases SET expires_at = ? WHERE holder = ? AND expires_at > ?", now, instance, now);
  }

  public Map<String, Lease> all(Connection c) throws SQLException {
    Map<String, Lease> out = new LinkedHashMap<>();
    for (Lease l : Sql.list(c, "SELECT job, holder, expires_at, last_run_at, runs FROM job_leases ORDER BY job",
        rs -> new Lease(rs.getString(1), rs.getString(2), instant(rs, 3), instant(rs, 4), rs.getLong(5)))) {
      out.put(l.job(), l);
    }
    return out;
  }
}
