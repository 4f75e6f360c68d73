package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The ACME nonces' MAC key ({@code acme_secrets}) and the used nonces ({@code acme_used_nonces}). */
public final class NonceRepository {
  private NonceRepository() {}

  public static Optional<byte[]> secret(Connection c, String name) throws SQLException {
    return Sql.first(c, "SELECT secret FROM acme_secrets WHERE name = ?", rs -> rs.getBytes(1), name);
  }

  public static void insertSecret(Connection c, String name, byte[] secret) throws SQLException {
    Sql.update(c, "INSERT INTO acme_secrets (name, secret) VALUES (?, ?)", name, secret);
  }

  /**
   * Records the nonce as used; false when it already was (a replay). The primary key makes a nonce
   * single-use across instances.
   */
  public static boolean use(Connection c, String nonce, Instant expires) throws SQLException {
    try {
      Sql.update(c, "INSERT INTO acme_used_nonces (nonce, expires_at) VALUES (?,?)", nonce, expires);
      return true;
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      // 23xxx: already used. A lock timeout (H2 HYT00, PostgreSQL 55P03) or a serialization
      // failure (40001): a concurrent request holds this very nonce in its uncommitted
      // transaction; it is being used, so this request is a replay too (badNonce, not a 500).
      if (state.startsWith("23") || state.equals("HYT00") || state.equals("55P03") || state.equals("40001")) return false;
      throw e;
    }
  }

  /** Forgets the used nonces expired before {@code now} (they would be refused as expired anyway). */
  public static int purge(Connection c, Instant now) throws SQLException {
    return Sql.update(c, "DELETE FROM acme_used_nonces WHERE expires_at < ?", now);
  }
}
