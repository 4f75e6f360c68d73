package fr.habilis.ca.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The only gateway to JDBC. Every call runs one transaction on a dedicated worker pool, so no
 * event-loop thread ever blocks on the database, and every state change commits or rolls back
 * as a whole.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final WorkerExecutor workers;
  /** Embedded H2 file only: the store written before answers, for several transactions at once. */
  private final GroupCommit groupCommit;

  private Database(HikariDataSource dataSource, WorkerExecutor workers, GroupCommit groupCommit) {
    this.dataSource = dataSource;
    this.workers = workers;
    this.groupCommit = groupCommit;
  }

  /** Opens the pool and brings the schema to the latest migration. */
  public static Database open(Vertx vertx, String url, String user, String password, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (user != null) config.setUsername(user);
    if (password != null) config.setPassword(password);
    // Flyway holds one connection while it migrates through another: never fewer than two.
    config.setMaximumPoolSize(Math.max(2, poolSize));
    config.setAutoCommit(false);
    config.setPoolName("habilis-db");
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    HikariDataSource ds = new HikariDataSource(config);
    GroupCommit groupCommit;
    try {
      migrate(ds);
      try (Connection c = ds.getConnection()) {
        groupCommit = GroupCommit.of(c);
        if (groupCommit != null) { // the migrations: in the file before any answer
          groupCommit.begin();
          groupCommit.afterCommit(c, true);
        }
      }
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    } catch (SQLException e) {
      ds.close();
      throw new IllegalStateException("cannot open the database: " + e.getMessage(), e);
    }
    WorkerExecutor workers =
        vertx == null ? null : vertx.createSharedWorkerExecutor("habilis-db", poolSize);
    return new Database(ds, workers, groupCommit);
  }

  /**
   * The highest migration this build carries ({@code db/migration/V<n>__*.sql}; MigrationsTest
   * fails when a new one is added without raising it).
   */
  static final int LATEST_MIGRATION = 21;

  static void migrate(DataSource ds) {
    if (schemaIsCurrent(ds)) {
      org.slf4j.LoggerFactory.getLogger(Database.class).debug("schema at V{}: Flyway not needed", LATEST_MIGRATION);
      return;
    }
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
  }

  /**
   * True when the database's history already ends, successfully, at this build's latest
   * migration: a restart then skips Flyway, whose loading, scanning and validation took 0.8 s of
   * a 3.4 s start (issue 18). Anything else (a new or older database, a failed migration, a newer
   * one from another build) goes through Flyway as before, which validates and migrates or refuses.
   */
  static boolean schemaIsCurrent(DataSource ds) {
    try (Connection c = ds.getConnection()) {
      try {
        var last = Sql.first(c, "SELECT \"version\", \"success\" FROM \"flyway_schema_history\""
            + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\" DESC", rs -> new Object[] {rs.getString(1), rs.getBoolean(2)});
        return last.isPresent() && String.valueOf(LATEST_MIGRATION).equals(last.get()[0]) && (Boolean) last.get()[1]
            && !Sql.exists(c, "SELECT 1 FROM \"flyway_schema_history\" WHERE NOT \"success\"");
      } finally {
        c.rollback();
      }
    } catch (SQLException noHistoryYet) {
      return false;
    }
  }

  /** Runs {@code work} in one transaction on a worker thread; commits on success. */
  public <T> Future<T> tx(SqlWork<T> work) {
    if (workers == null) throw new IllegalStateException("database opened without Vert.x");
    return workers.executeBlocking(() -> txBlocking(work), false);
  }

  /** Same as {@link #tx} on the calling thread: for start-up, command-line tools and tests. */
  public <T> T txBlocking(SqlWork<T> work) throws Exception {
    if (io.vertx.core.Context.isOnEventLoopThread()) {
      // A blocked event loop stalls every connection it serves: refuse loudly, in tests too.
      throw new IllegalStateException("JDBC called on an event-loop thread; use Database.tx");
    }
    try (Connection c = dataSource.getConnection()) {
      if (groupCommit != null) groupCommit.begin();
      boolean committed = false;
      try {
        T result = work.run(c);
        boolean wrote = groupCommit != null && GroupCommit.wrote(c);
        c.commit();
        committed = true;
        if (groupCommit != null) groupCommit.afterCommit(c, wrote);
        return result;
      } catch (Throwable t) {
        if (!committed) {
          if (groupCommit != null) groupCommit.afterRollback();
          try {
            c.rollback();
          } catch (SQLException rollbackFailure) {
            t.addSuppressed(rollbackFailure);
          }
        }
        throw t;
      }
    }
  }

  /**
   * A trivial query in a transaction on the worker pool, given {@code timeoutSeconds} to answer:
   * the readiness probe's "the database answers".
   */
  public Future<Void> ping(int timeoutSeconds) {
    return tx(c -> {
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(timeoutSeconds);
        s.executeQuery("SELECT 1").close();
      }
      return null;
    });
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** True when the underlying database is PostgreSQL (for the rare non-portable statement). */
  public boolean isPostgres() {
    return dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
  }

  /**
   * Closes like {@link #close}, but an H2 file is first compacted: {@code SHUTDOWN COMPACT} copies
   * the live data into a new file that replaces the old one (a crash in between leaves the old
   * file, which H2 cleans up at the next open). Every commit writes an MVStore chunk, and the old
   * chunks that still hold a few live pages are only reclaimed by compaction, which H2 runs in a
   * background thread that durable commits (WRITE_DELAY=0) do without, and for at most 200 ms when
   * it closes: the file grew by about 115 KB per issued certificate (issue 18). This costs a read
   * of the file at each graceful stop (about 16 s for 2.5 GB on the 2-core development machine).
   */
  public void closeCompacted() {
    if (dataSource.getJdbcUrl().startsWith("jdbc:h2:file:")) {
      if (workers != null) workers.close();
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN COMPACT");
      } catch (SQLException e) {
        // 90121: the database closed under the statement and its connection, which is how
        // SHUTDOWN ends. Anything else: it closed all the same, and the next stop compacts.
        if (e.getErrorCode() != org.h2.api.ErrorCode.DATABASE_CALLED_AT_SHUTDOWN) {
          org.slf4j.LoggerFactory.getLogger(Database.class).warn("compacting the H2 file on stop failed: {}", e.getMessage());
        }
      }
    }
    close();
  }

  @Override
  public void close() {
    if (workers != null) workers.close();
    dataSource.close();
  }
}
