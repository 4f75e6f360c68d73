package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Makes the transactions of an embedded H2 file durable before their answers, several at a time.
 *
 * <p>With {@code WRITE_DELAY=0}, H2 writes one MVStore chunk per commit: the leaf and inner pages
 * of every map the transaction touched, about 45 KB for an ACME request, and the chunks that keep
 * a few live pages are never reclaimed between compactions (issue 18: ~115 KB of file per issued
 * certificate, and a quarter of the server's CPU). The default URL therefore leaves the write to
 * H2's background writer, and every transaction ends here instead: after its commit it waits until
 * a store that began after that commit has written the file. One thread writes at a time; the
 * transactions that committed while it wrote are covered by the next single store (group commit),
 * so four concurrent requests cost one or two chunks instead of four.
 *
 * <p>Read-only transactions wait too, for the stores of the writers that ended before them: what
 * they read may have been committed by a transaction still waiting for its store, and an answer
 * must never show what a crash could take back. They cost nothing when nothing is pending, and
 * never start a store of their own for changes not yet committed. A written chunk is in the operating system's hands, which
 * is what {@code WRITE_DELAY=0} gave: it survives {@code kill -9}, as before.
 */
final class GroupCommit {
  /** Transactions ended; the one that ends n-th needs a store begun after it ended. */
  private final AtomicLong ended = new AtomicLong();
  /** Guarded by this: every transaction up to this count is in the file. */
  private long durable;
  private volatile MVStore store;
  /** Transactions begun and not yet committed: the store waits a little for them to join it. */
  private final AtomicInteger running = new AtomicInteger();
  /** At most this long: a request pays it once at most, and only when others are running. */
  private static final long JOIN_WINDOW_NANOS = 400_000;

  /** The group commit of this connection's database, or null when it is not an embedded H2 file. */
  static GroupCommit of(Connection c) throws SQLException {
    return storeOf(c) == null ? null : new GroupCommit();
  }

  private static MVStore storeOf(Connection c) throws SQLException {
    if (!c.isWrapperFor(JdbcConnection.class)) return null;
    if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) return null; // TCP
    var database = session.getDatabase();
    if (!database.isPersistent() || database.getStore() == null) return null;
    return database.getStore().getMvStore();
  }

  /** When a transaction begins (each one then ends with {@link #afterCommit} or {@link #afterRollback}). */
  void begin() {
    running.incrementAndGet();
  }

  void afterRollback() {
    running.decrementAndGet();
  }

  /** Before the commit: whether the transaction changed anything (else it has nothing to store). */
  static boolean wrote(Connection c) throws SQLException {
    return c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session && session.hasPendingTransaction();
  }

  /**
   * After the commit: returns once everything committed before this call, on any connection, is
   * written ({@code wrote}: what {@link #wrote} said before the commit).
   */
  void afterCommit(Connection c, boolean wrote) throws SQLException {
    long mine = wrote ? ended.incrementAndGet() : ended.get();
    running.decrementAndGet();
    synchronized (this) {
      if (durable >= mine) return; // another thread's store began after this transaction ended
      // Transactions about to commit join this store rather than each writing their own chunk
      // (PostgreSQL's commit_delay, bounded and only when there is someone to wait for).
      long deadline = System.nanoTime() + JOIN_WINDOW_NANOS;
      while (running.get() > 0 && System.nanoTime() < deadline) LockSupport.parkNanos(50_000);
      long upTo = ended.get();
      MVStore s = store;
      if (s == null || s.isClosed()) store = s = storeOf(c); // first use, or the database reopened
      if (s != null && s.hasUnsavedChanges()) s.commit();
      durable = upTo;
    }
  }
}
