package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import fr.habilis.ca.operators.Operator;
import fr.habilis.ca.operators.Role;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SQL for RA operators ({@code operators}) and their API tokens ({@code operator_tokens}). The
 * password hash and the sealed TOTP secret are read only into {@link Credentials}, which the
 * operators package keeps to itself; tokens are found by their SHA-256, never stored in clear.
 */
public final class OperatorRepository {
  private static final String COLUMNS = "id, login, display_name, email, roles, enabled, totp_confirmed, locked_until,"
      + " created_at, password_hash, totp_secret_sealed, totp_last_step, failed_attempts FROM operators";

  /** An operator with what sign-in checks: never leaves the operators package. */
  public record Credentials(Operator operator, String passwordHash, byte[] totpSealed, Long totpLastStep,
      int failedAttempts) {}

  /** One API token as listed (its hash is not). */
  public record Token(long id, long operatorId, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {}

  public long insert(Connection c, String login, String displayName, String email, String roles, String passwordHash,
      Instant now) throws SQLException {
    return Sql.insert(c, "INSERT INTO operators (login, display_name, email, roles, enabled, password_hash, totp_confirmed,"
        + " failed_attempts, created_at, password_changed_at) VALUES (?,?,?,?,TRUE,?,FALSE,0,?,?)",
        login, displayName, email, roles, passwordHash, now, now);
  }

  public Optional<Credentials> find(Connection c, String login) throws SQLException {
    return Sql.first(c, "SELECT " + COLUMNS + " WHERE login = ?", OperatorRepository::credentials, login);
  }

  public Optional<Credentials> findById(Connection c, long id) throws SQLException {
    return Sql.first(c, "SELECT " + COLUMNS + " WHERE id = ?", OperatorRepository::credentials, id);
  }

  /** Locks the operator's row until the transaction ends: sign-in bookkeeping is serialised per operator. */
  public Optional<Credentials> findForUpdate(Connection c, long id) throws SQLException {
    return Sql.first(c, "SELECT " + COLUMNS + " WHERE id = ? FOR UPDATE", OperatorRepository::credentials, id);
  }

  public List<Operator> list(Connection c) throws SQLException {
    return Sql.list(c, "SELECT " + COLUMNS + " ORDER BY login", rs -> credentials(rs).operator());
  }

  public boolean setEnabled(Connection c, long id, boolean enabled) throws SQLException {
    return Sql.update(c, "UPDATE operators SET enabled = ? WHERE id = ?", enabled, id) == 1;
  }

  /** A new password also ends a lockout and clears the failure count. */
  public void setPassword(Connection c, long id, String passwordHash, Instant now) throws SQLException {
    Sql.update(c, "UPDATE operators SET password_hash = ?, password_changed_at = ?, failed_attempts = 0,"
        + " locked_until = NULL WHERE id = ?", passwordHash, now, id);
  }

  /** Re-hash with today's parameters at a successful sign-in (PHC keeps the old ones verifiable). */
  public void rehash(Connection c, long id, String passwordHash) throws SQLException {
    Sql.update(c, "UPDATE operators SET password_hash = ? WHERE id = ?", passwordHash, id);
  }

  public void setFailures(Connection c, long id, int failedAttempts, Instant lockedUntil) throws SQLException {
    Sql.update(c, "UPDATE operators SET failed_attempts = ?, locked_until = ? WHERE id = ?", failedAttempts,
        Sql.typed(Sql.utc(lockedUntil), java.sql.Types.TIMESTAMP_WITH_TIMEZONE), id);
  }

  /**
   * Spends a TOTP step: true when it is after the last one used (then it is the last one), false
   * for a replayed or older code. The condition in the UPDATE makes two concurrent uses of one code
   * succeed once.
   */
  public boolean useTotpStep(Connection c, long id, long step) throws SQLException {
    return Sql.update(c, "UPDATE operators SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL"
        + " OR totp_last_step < ?)", step, id, step) == 1;
  }

  /** A new (unconfirmed) secret, or none ({@code sealed} null): TOTP is then not asked until confirmed. */
  public void setTotp(Connection c, long id, byte[] sealed) throws SQLException {
    Sql.update(c, "UPDATE operators SET totp_secret_sealed = ?, totp_confirmed = FALSE, totp_last_step = NULL"
        + " WHERE id = ?", Sql.typed(sealed, java.sql.Types.VARBINARY), id);
  }

  public void confirmTotp(Connection c, long id) throws SQLException {
    Sql.update(c, "UPDATE operators SET totp_confirmed = TRUE WHERE id = ?", id);
  }

  // --- tokens

  public long insertToken(Connection c, long operatorId, String name, String tokenHash, Instant now) throws SQLException {
    return Sql.insert(c, "INSERT INTO operator_tokens (operator_id, name, token_hash, created_at) VALUES (?,?,?,?)",
        operatorId, name, tokenHash, now);
  }

  /** The operator owning an unrevoked token of that hash, with the token's id. */
  public Optional<TokenOwner> findByToken(Connection c, String tokenHash) throws SQLException {
    return Sql.first(c, "SELECT t.id, o.id FROM operator_tokens t JOIN operators o ON o.id = t.operator_id"
        + " WHERE t.token_hash = ? AND t.revoked_at IS NULL", rs -> new TokenOwner(rs.getLong(1), rs.getLong(2)), tokenHash);
  }

  public record TokenOwner(long tokenId, long operatorId) {}

  /** Records a use at most once a minute per token: a read-mostly API should not write at every call. */
  public void touchToken(Connection c, long tokenId, Instant now) throws SQLException {
    Sql.update(c, "UPDATE operator_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
        now, tokenId, now.minusSeconds(60));
  }

  public List<Token> tokens(Connection c, long operatorId) throws SQLException {
    return Sql.list(c, "SELECT id, operator_id, name, created_at, last_used_at, revoked_at FROM operator_tokens"
        + " WHERE operator_id = ? ORDER BY id", rs -> new Token(rs.getLong(1), rs.getLong(2), rs.getString(3),
        instant(rs, 4), instant(rs, 5), instant(rs, 6)), operatorId);
  }

  /** Revokes the operator's unrevoked tokens of that name; how many. */
  public int revokeToken(Connection c, long operatorId, String name, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE operator_tokens SET revoked_at = ? WHERE operator_id = ? AND name = ?"
        + " AND revoked_at IS NULL", now, operatorId, name);
  }

  private static Credentials credentials(ResultSet rs) throws SQLException {
    Operator op = new Operator(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), Role.parse(rs.getString(5)),
        rs.getBoolean(6), rs.getBoolean(7), instant(rs, 8), instant(rs, 9));
    return new Credentials(op, rs.getString(10), rs.getBytes(11), rs.getObject(12, Long.class), rs.getInt(13));
  }
}
