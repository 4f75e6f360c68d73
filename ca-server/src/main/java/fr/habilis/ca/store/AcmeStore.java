package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import com.nimbusds.jose.jwk.JWK;
import fr.habilis.ca.registry.Identifier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for ACME accounts, orders and authorizations. Methods take the caller's transaction. */
public final class AcmeStore {

  public record Account(long id, String thumbprint, JWK jwk, String status, List<String> contact, String adminId) {
    public boolean isValid() {
      return "valid".equals(status);
    }
  }

  /** {@code replaces}: the ARI identifier of the certificate it replaces (RFC 9773 §5), and that certificate's serial. */
  public record Order(long id, long accountId, String status, String profile, List<Identifier> identifiers,
      String structureId, String habilitationRef, Instant expiresAt, JsonObject error, String certificateSerial,
      List<Long> authorizations, String replaces, String replacesSerial) {}

  public record Authorization(long id, long accountId, Long orderId, Identifier identifier, String status, Instant expiresAt) {}

  // --- accounts

  public long insertAccount(Connection c, String thumbprint, JWK jwk, List<String> contact, String adminId, String eabKid,
      Instant now) throws SQLException {
    return Sql.insert(c, "INSERT INTO acme_accounts (key_thumbprint, jwk, status, contact, admin_id, eab_kid, created_at)"
        + " VALUES (?,?,'valid',?,?,?,?)", thumbprint, jwk.toPublicJWK().toJSONString(), new JsonArray(contact).encode(),
        adminId, eabKid, now);
  }

  public Optional<Account> accountById(Connection c, long id) throws SQLException {
    return account(c, "id = ?", id);
  }

  public Optional<Account> accountByThumbprint(Connection c, String thumbprint) throws SQLException {
    return account(c, "key_thumbprint = ?", thumbprint);
  }

  private Optional<Account> account(Connection c, String where, Object arg) throws SQLException {
    return Sql.first(c, "SELECT id, key_thumbprint, jwk, status, contact, admin_id FROM acme_accounts WHERE " + where,
        rs -> {
          try {
            return new Account(rs.getLong(1), rs.getString(2), JWK.parse(rs.getString(3)), rs.getString(4),
                strings(rs.getString(5)), rs.getString(6));
          } catch (ParseException e) {
            throw new SQLException("stored account key unreadable", e);
          }
        }, arg);
  }

  /** What the notices need of a valid account: its contact URLs and its administrator's id. */
  /** Whether the account is still valid with this key: a cached account's check, inside the request's transaction. */
  public boolean accountUnchanged(Connection c, long id, String thumbprint) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM acme_accounts WHERE id = ? AND status = 'valid' AND key_thumbprint = ?",
        id, thumbprint);
  }

  public record AccountContact(List<String> contact, String adminId) {}

  public Optional<AccountContact> validAccountContact(Connection c, long id) throws SQLException {
    return Sql.first(c, "SELECT contact, admin_id FROM acme_accounts WHERE id = ? AND status = 'valid'",
        rs -> new AccountContact(rs.getString(1) == null ? new ArrayList<>() : strings(rs.getString(1)), rs.getString(2)),
        id);
  }

  private static List<String> strings(String jsonArray) {
    List<String> list = new ArrayList<>();
    new JsonArray(jsonArray).forEach(x -> list.add((String) x));
    return list;
  }

  public void updateContact(Connection c, long id, List<String> contact) throws SQLException {
    Sql.update(c, "UPDATE acme_accounts SET contact = ? WHERE id = ?", new JsonArray(contact).encode(), id);
  }

  public void deactivate(Connection c, long id) throws SQLException {
    Sql.update(c, "UPDATE acme_accounts SET status = 'deactivated' WHERE id = ?", id);
  }

  public void changeKey(Connection c, long id, String thumbprint, JWK jwk) throws SQLException {
    Sql.update(c, "UPDATE acme_accounts SET key_thumbprint = ?, jwk = ? WHERE id = ?", thumbprint,
        jwk.toPublicJWK().toJSONString(), id);
  }

  // --- orders

  public long insertOrder(Connection c, long accountId, String profile, List<Identifier> ids, String structureId,
      String habilitationRef, Instant expires, Instant now, String replaces, String replacesSerial) throws SQLException {
    long orderId = Sql.insert(c, "INSERT INTO acme_orders (account_id, status, profile, identifiers, structure_id,"
        + " habilitation_ref, expires_at, created_at, updated_at, replaces, replaces_serial)"
        + " VALUES (?,'ready',?,?,?,?,?,?,?,?,?)", accountId, profile, identifiersJson(ids).encode(), structureId,
        habilitationRef, expires, now, now, replaces, replacesSerial);
    for (Identifier id : ids) insertAuthorization(c, accountId, orderId, id, expires, now);
    return orderId;
  }

  /** Pre-validated by the habilitation: status valid from the start, no challenge. */
  public long insertAuthorization(Connection c, long accountId, Long orderId, Identifier id, Instant expires, Instant now)
      throws SQLException {
    return Sql.insert(c, "INSERT INTO acme_authorizations (account_id, order_id, identifier_type, identifier_value,"
        + " status, expires_at, created_at) VALUES (?,?,?,?,'valid',?,?)", accountId, Sql.typed(orderId, Types.BIGINT),
        id.type(), id.value(), expires, now);
  }

  public Optional<Order> order(Connection c, long id) throws SQLException {
    return order(c, id, false);
  }

  /**
   * The order; {@code forUpdate} locks its row until the transaction ends, so that concurrent
   * finalizes of one order take turns and the later ones see it no longer ready (orderNotReady)
   * instead of racing on the CSR checks.
   */
  public Optional<Order> order(Connection c, long id, boolean forUpdate) throws SQLException {
    Optional<Order> partial = Sql.first(c, "SELECT id, account_id, status, profile, identifiers, structure_id,"
        + " habilitation_ref, expires_at, error, certificate_serial, replaces, replaces_serial FROM acme_orders WHERE id = ?"
        + (forUpdate ? " FOR UPDATE" : ""), rs -> {
          List<Identifier> ids = new ArrayList<>();
          new JsonArray(rs.getString(5)).forEach(o -> ids.add(new Identifier(((JsonObject) o).getString("type"),
              ((JsonObject) o).getString("value"))));
          String error = rs.getString(9);
          return new Order(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), ids,
              rs.getString(6), rs.getString(7), instant(rs, 8), error == null ? null : new JsonObject(error),
              rs.getString(10), List.of(), rs.getString(11), rs.getString(12));
        }, id);
    if (partial.isEmpty()) return partial;
    Order p = partial.get();
    // The authorizations once the order's result set is closed.
    return Optional.of(new Order(p.id(), p.accountId(), p.status(), p.profile(), p.identifiers(), p.structureId(),
        p.habilitationRef(), p.expiresAt(), p.error(), p.certificateSerial(), authorizationIds(c, id), p.replaces(),
        p.replacesSerial()));
  }

  private List<Long> authorizationIds(Connection c, long orderId) throws SQLException {
    return Sql.list(c, "SELECT id FROM acme_authorizations WHERE order_id = ? ORDER BY id", rs -> rs.getLong(1), orderId);
  }

  /** The habilitation an order was placed under, if the order exists and recorded one. */
  public Optional<String> habilitationRef(Connection c, long orderId) throws SQLException {
    return Sql.first(c, "SELECT habilitation_ref FROM acme_orders WHERE id = ?", rs -> rs.getString(1), orderId);
  }

  /**
   * finalize's move from ready to processing, in the same statement as before: the reserved serial
   * (in certificate_serial, shown only once valid) and the CSR are kept with it, so that an
   * instance can finish the order if this process dies before the certificate is stored. False
   * when the order was not ready (a concurrent finalize won).
   */
  public boolean startProcessing(Connection c, long id, byte[] csr, String reservedSerial, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE acme_orders SET status = 'processing', csr = ?, certificate_serial = ?, updated_at = ?"
        + " WHERE id = ? AND status = 'ready'", csr, reservedSerial, now, id) == 1;
  }

  /** A refused CSR at signing time: the order is ready again for a corrected one (its reservation is dropped). */
  public boolean backToReady(Connection c, long id, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE acme_orders SET status = 'ready', csr = NULL, certificate_serial = NULL, updated_at = ?"
        + " WHERE id = ? AND status = 'processing'", now, id) == 1;
  }

  /**
   * The processing order becomes valid with its certificate; false, and the caller rolls back, when
   * it is no longer processing (another instance completed or failed it).
   */
  public boolean completeOrder(Connection c, long id, String serial, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE acme_orders SET status = 'valid', certificate_serial = ?, csr = NULL, updated_at = ?"
        + " WHERE id = ? AND status = 'processing'", serial, now, id) == 1;
  }

  public void failOrder(Connection c, long id, JsonObject error, Instant now) throws SQLException {
    Sql.update(c, "UPDATE acme_orders SET status = 'invalid', error = ?, csr = NULL, updated_at = ? WHERE id = ?",
        error.encode(), now, id);
    Sql.update(c, "UPDATE acme_authorizations SET status = 'deactivated' WHERE order_id = ?", id);
  }

  /** {@link #failOrder} for an order still processing; false (nothing written) if it no longer is. */
  public boolean failProcessing(Connection c, long id, JsonObject error, Instant now) throws SQLException {
    if (Sql.update(c, "UPDATE acme_orders SET status = 'invalid', error = ?, csr = NULL, updated_at = ?"
        + " WHERE id = ? AND status = 'processing'", error.encode(), now, id) != 1) {
      return false;
    }
    Sql.update(c, "UPDATE acme_authorizations SET status = 'deactivated' WHERE order_id = ?", id);
    return true;
  }

  // --- recovery of orders left in processing

  /** Orders in processing whose last change is older than {@code before}, oldest first. */
  public List<Long> processingSince(Connection c, Instant before, int limit) throws SQLException {
    return Sql.list(c, "SELECT id FROM acme_orders WHERE status = 'processing' AND updated_at < ?"
        + " ORDER BY updated_at, id LIMIT ?", rs -> rs.getLong(1), before, limit);
  }

  /**
   * Claims a stuck order for this instance: a conditional UPDATE that succeeds for one instance
   * only, and moves updated_at to now so that no other instance claims it again within the bound.
   */
  public boolean claimProcessing(Connection c, long id, Instant before, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE acme_orders SET updated_at = ? WHERE id = ? AND status = 'processing'"
        + " AND updated_at < ?", now, id, before) == 1;
  }

  /** The CSR finalize kept with a processing order; null for orders finalized before V10. */
  public byte[] processingCsr(Connection c, long id) throws SQLException {
    return Sql.first(c, "SELECT csr FROM acme_orders WHERE id = ?", rs -> rs.getBytes(1), id).orElse(null);
  }

  // --- retention of finished orders (acme/OrderRetention)

  /**
   * Deletes up to {@code limit} orders finished before {@code cutoff}, with their authorizations,
   * and returns how many: valid or invalid with their last change before it, or still ready and
   * expired before it. An order in processing is never taken (the recovery still needs it). The
   * rows are locked and the condition checked again by the same statement that picks them, so a
   * concurrent change cannot slip between the choice and the deletion. Nothing else references an
   * order: certificates carry their own serial and data, the audit trail its own copy.
   */
  public int deleteFinishedBefore(Connection c, Instant cutoff, int limit) throws SQLException {
    List<Long> ids = new ArrayList<>();
    // One status per query: each one walks the (status, updated_at) index.
    for (String status : List.of("valid", "invalid")) {
      if (ids.size() < limit) {
        ids.addAll(Sql.list(c, "SELECT id FROM acme_orders WHERE status = ? AND updated_at < ? ORDER BY updated_at"
            + " LIMIT ? FOR UPDATE", rs -> rs.getLong(1), status, cutoff, limit - ids.size()));
      }
    }
    if (ids.size() < limit) {
      ids.addAll(Sql.list(c, "SELECT id FROM acme_orders WHERE status = 'ready' AND expires_at < ? ORDER BY id"
          + " LIMIT ? FOR UPDATE", rs -> rs.getLong(1), cutoff, limit - ids.size()));
    }
    if (ids.isEmpty()) return 0;
    Object[] args = ids.toArray();
    Sql.update(c, "DELETE FROM acme_authorizations WHERE order_id IN (" + Sql.marks(ids.size()) + ")", args);
    return Sql.update(c, "DELETE FROM acme_orders WHERE id IN (" + Sql.marks(ids.size()) + ")", args);
  }

  /** Order ids of an account, newest first, from {@code before} (exclusive) on; {@code limit + 1} to detect a next page. */
  public List<Long> orderIds(Connection c, long accountId, long before, int limit) throws SQLException {
    return Sql.list(c, "SELECT id FROM acme_orders WHERE account_id = ? AND id < ? AND status <> 'invalid'"
        + " ORDER BY id DESC LIMIT ?", rs -> rs.getLong(1), accountId, before, limit);
  }

  public Optional<Authorization> authorization(Connection c, long id) throws SQLException {
    return Sql.first(c, "SELECT id, account_id, order_id, identifier_type, identifier_value, status, expires_at"
        + " FROM acme_authorizations WHERE id = ?", rs -> new Authorization(rs.getLong(1), rs.getLong(2),
            rs.getObject(3, Long.class), new Identifier(rs.getString(4), rs.getString(5)), rs.getString(6),
            instant(rs, 7)), id);
  }

  public void deactivateAuthorization(Connection c, long id) throws SQLException {
    Sql.update(c, "UPDATE acme_authorizations SET status = 'deactivated' WHERE id = ?", id);
  }

  public static JsonArray identifiersJson(List<Identifier> ids) {
    JsonArray a = new JsonArray();
    ids.forEach(i -> a.add(new JsonObject().put("type", i.type()).put("value", i.value())));
    return a;
  }
}
