package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Language;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The RA's view of administrators across structures: search by card or name, their EAB
 * credentials' state (never a key: the sealed key column is not read), their ACME accounts and
 * the orders of those accounts. Methods take the caller's transaction.
 */
public final class AdministratorSearchRepository {

  /** Null fields match any. {@code card} is a prefix of a current or replaced card number. */
  public record Query(String card, String name, String structure) {}

  /** A credential's life without its key: unused until consumed or expired. */
  public record CredentialState(String kid, Instant createdAt, Instant expiresAt, Instant consumedAt, Long accountId) {}

  public record AccountRow(long id, String status, String eabKid, Instant createdAt) {}

  /** An ACME order as the RA shows it; {@code identifiers} and {@code error} are the stored JSON. */
  public record OrderRow(long id, long accountId, String status, String profile, String identifiers, String structureId,
      String habilitationRef, String certificateSerial, String error, String replacesSerial, Instant createdAt,
      Instant updatedAt, Instant expiresAt) {}

  private static final String ADMIN = "SELECT a.id, a.card_number, a.card_type, a.last_name, a.first_name, a.email,"
      + " a.phone, a.language FROM administrators a";

  /** A page of administrators in name order (card number within one name). */
  public List<Administrator> search(Connection c, Query q, int limit, int offset) throws SQLException {
    Sql.Where where = new Sql.Where();
    if (q.card() != null) {
      String prefix = TextSearch.prefixPattern(q.card());
      where.and("(a.card_number LIKE ? ESCAPE '!' OR a.id IN (SELECT r.admin_id FROM replaced_cards r"
          + " WHERE r.card_number LIKE ? ESCAPE '!'))", prefix, prefix);
    }
    if (q.name() != null) {
      where.and(TextSearch.contains("a.last_name || ' ' || a.first_name"), TextSearch.containsPattern(q.name()));
    }
    if (q.structure() != null) {
      where.and("a.id IN (SELECT ha.admin_id FROM habilitation_admins ha JOIN habilitations h"
          + " ON h.id = ha.habilitation_id WHERE h.structure_id = ?)", q.structure());
    }
    return Sql.page(c, ADMIN, where, "a.last_name, a.first_name, a.card_number", limit, offset,
        AdministratorSearchRepository::admin);
  }

  /** The cards this person held before their current one, oldest first. */
  public List<String> replacedCards(Connection c, String adminId) throws SQLException {
    return Sql.list(c, "SELECT card_number FROM replaced_cards WHERE admin_id = ? ORDER BY replaced_at, card_number",
        rs -> rs.getString(1), adminId);
  }

  /** The person's credentials, newest first. */
  public List<CredentialState> credentials(Connection c, String adminId) throws SQLException {
    return Sql.list(c, "SELECT kid, created_at, expires_at, consumed_at, account_id FROM eab_credentials"
        + " WHERE admin_id = ? ORDER BY created_at DESC, kid", rs -> new CredentialState(rs.getString(1), instant(rs, 2),
            instant(rs, 3), instant(rs, 4), rs.getObject(5, Long.class)), adminId);
  }

  public List<AccountRow> accounts(Connection c, String adminId) throws SQLException {
    return Sql.list(c, "SELECT id, status, eab_kid, created_at FROM acme_accounts WHERE admin_id = ? ORDER BY id",
        rs -> new AccountRow(rs.getLong(1), rs.getString(2), rs.getString(3), instant(rs, 4)), adminId);
  }

  /** A page of the orders of the person's accounts, newest first; {@code status} null for any. */
  public List<OrderRow> orders(Connection c, String adminId, String status, int limit, int offset) throws SQLException {
    Sql.Where where = new Sql.Where().and("a.admin_id = ?", adminId).andIf("o.status = ?", status);
    return Sql.page(c, "SELECT o.id, o.account_id, o.status, o.profile, o.identifiers, o.structure_id,"
        + " o.habilitation_ref, o.certificate_serial, o.error, o.replaces_serial, o.created_at, o.updated_at,"
        + " o.expires_at FROM acme_orders o JOIN acme_accounts a ON a.id = o.account_id", where, "o.id DESC", limit,
        offset, rs -> new OrderRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), instant(rs, 11),
            instant(rs, 12), instant(rs, 13)));
  }

  private static Administrator admin(ResultSet rs) throws SQLException {
    return new Administrator(rs.getString(1), rs.getString(2), Administrator.CardType.valueOf(rs.getString(3)),
        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), Language.stored(rs.getString(8)));
  }
}
