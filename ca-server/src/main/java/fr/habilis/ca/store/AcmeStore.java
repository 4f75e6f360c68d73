package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;
import static fr.habilis.ca.store.Sql.utc;

import com.nimbusds.jose.jwk.JWK;
import fr.habilis.ca.registry.Identifier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO acme_accounts (key_thumbprint, jwk, status, contact,"
        + " admin_id, eab_kid, created_at) VALUES (?,?,'valid',?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, thumbprint);
      ps.setString(2, jwk.toPublicJWK().toJSONString());
      ps.setString(3, new JsonArray(contact).encode());
      ps.setString(4, adminId);
      ps.setString(5, eabKid);
      ps.setObject(6, utc(now));
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  public Optional<Account> accountById(Connection c, long id) throws SQLException {
    return account(c, "id = ?", id);
  }

  public Optional<Account> accountByThumbprint(Connection c, String thumbprint) throws SQLException {
    return account(c, "key_thumbprint = ?", thumbprint);
  }

  private Optional<Account> account(Connection c, String where, Object arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id, key_thumbprint, jwk, status, contact, admin_id"
        + " FROM acme_accounts WHERE " + where)) {
      ps.setObject(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        List<String> contact = new ArrayList<>();
        new JsonArray(rs.getString(5)).forEach(x -> contact.add((String) x));
        return Optional.of(new Account(rs.getLong(1), rs.getString(2), JWK.parse(rs.getString(3)), rs.getString(4),
            contact, rs.getString(6)));
      } catch (ParseException e) {
        throw new SQLException("stored account key unreadable", e);
      }
    }
  }

  public void updateContact(Connection c, long id, List<String> contact) throws SQLException {
    update(c, "UPDATE acme_accounts SET contact = ? WHERE id = ?", new JsonArray(contact).encode(), id);
  }

  public void deactivate(Connection c, long id) throws SQLException {
    update(c, "UPDATE acme_accounts SET status = 'deactivated' WHERE id = ?", id);
  }

  public void changeKey(Connection c, long id, String thumbprint, JWK jwk) throws SQLException {
    update(c, "UPDATE acme_accounts SET key_thumbprint = ?, jwk = ? WHERE id = ?", thumbprint,
        jwk.toPublicJWK().toJSONString(), id);
  }

  // --- orders

  public long insertOrder(Connection c, long accountId, String profile, List<Identifier> ids, String structureId,
      String habilitationRef, Instant expires, Instant now, String replaces, String replacesSerial) throws SQLException {
    long orderId;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO acme_orders (account_id, status, profile, identifiers,"
        + " structure_id, habilitation_ref, expires_at, created_at, updated_at, replaces, replaces_serial)"
        + " VALUES (?,'ready',?,?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setLong(1, accountId);
      ps.setString(2, profile);
      ps.setString(3, identifiersJson(ids).encode());
      ps.setString(4, structureId);
      ps.setString(5, habilitationRef);
      ps.setObject(6, utc(expires));
      ps.setObject(7, utc(now));
      ps.setObject(8, utc(now));
      ps.setString(9, replaces);
      ps.setString(10, replacesSerial);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        orderId = keys.getLong(1);
      }
    }
    for (Identifier id : ids) insertAuthorization(c, accountId, orderId, id, expires, now);
    return orderId;
  }

  /** Pre-validated by the habilitation: status valid from the start, no challenge. */
  public long insertAuthorization(Connection c, long accountId, Long orderId, Identifier id, Instant expires, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO acme_authorizations (account_id, order_id,"
        + " identifier_type, identifier_value, status, expires_at, created_at) VALUES (?,?,?,?,'valid',?,?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setLong(1, accountId);
      ps.setObject(2, orderId, java.sql.Types.BIGINT);
      ps.setString(3, id.type());
      ps.setString(4, id.value());
      ps.setObject(5, utc(expires));
      ps.setObject(6, utc(now));
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
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
    try (PreparedStatement ps = c.prepareStatement("SELECT id, account_id, status, profile, identifiers, structure_id,"
        + " habilitation_ref, expires_at, error, certificate_serial, replaces, replaces_serial FROM acme_orders WHERE id = ?"
        + (forUpdate ? " FOR UPDATE" : ""))) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        List<Identifier> ids = new ArrayList<>();
        new JsonArray(rs.getString(5)).forEach(o -> ids.add(new Identifier(((JsonObject) o).getString("type"),
            ((JsonObject) o).getString("value"))));
        String error = rs.getString(9);
        Order partial = new Order(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), ids,
            rs.getString(6), rs.getString(7), instant(rs, 8), error == null ? null : new JsonObject(error),
            rs.getString(10), List.of(), rs.getString(11), rs.getString(12));
        return Optional.of(new Order(partial.id(), partial.accountId(), partial.status(), partial.profile(),
            partial.identifiers(), partial.structureId(), partial.habilitationRef(), partial.expiresAt(),
            partial.error(), partial.certificateSerial(), authorizationIds(c, id), partial.replaces(),
            partial.replacesSerial()));
      }
    }
  }

  private List<Long> authorizationIds(Connection c, long orderId) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM acme_authorizations WHERE order_id = ? ORDER BY id")) {
      ps.setLong(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /**
   * finalize's move from ready to processing, in the same statement as before: the reserved serial
   * (in certificate_serial, shown only once valid) and the CSR are kept with it, so that an
   * instance can finish the order if this process dies before the certificate is stored. False
   * when the order was not ready (a concurrent finalize won).
   */
  public boolean startProcessing(Connection c, long id, byte[] csr, String reservedSerial, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE acme_orders SET status = 'processing', csr = ?,"
        + " certificate_serial = ?, updated_at = ? WHERE id = ? AND status = 'ready'")) {
      ps.setBytes(1, csr);
      ps.setString(2, reservedSerial);
      ps.setObject(3, utc(now));
      ps.setLong(4, id);
      return ps.executeUpdate() == 1;
    }
  }

  /** A refused CSR at signing time: the order is ready again for a corrected one (its reservation is dropped). */
  public boolean backToReady(Connection c, long id, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE acme_orders SET status = 'ready', csr = NULL,"
        + " certificate_serial = NULL, updated_at = ? WHERE id = ? AND status = 'processing'")) {
      ps.setObject(1, utc(now));
      ps.setLong(2, id);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * The processing order becomes valid with its certificate; false, and the caller rolls back, when
   * it is no longer processing (another instance completed or failed it).
   */
  public boolean completeOrder(Connection c, long id, String serial, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE acme_orders SET status = 'valid', certificate_serial = ?,"
        + " csr = NULL, updated_at = ? WHERE id = ? AND status = 'processing'")) {
      ps.setString(1, serial);
      ps.setObject(2, utc(now));
      ps.setLong(3, id);
      return ps.executeUpdate() == 1;
    }
  }

  public void failOrder(Connection c, long id, JsonObject error, Instant now) throws SQLException {
    update(c, "UPDATE acme_orders SET status = 'invalid', error = ?, csr = NULL, updated_at = ? WHERE id = ?",
        error.encode(), utc(now), id);
    update(c, "UPDATE acme_authorizations SET status = 'deactivated' WHERE order_id = ?", id);
  }

  /** {@link #failOrder} for an order still processing; false (nothing written) if it no longer is. */
  public boolean failProcessing(Connection c, long id, JsonObject error, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE acme_orders SET status = 'invalid', error = ?, csr = NULL,"
        + " updated_at = ? WHERE id = ? AND status = 'processing'")) {
      ps.setString(1, error.encode());
      ps.setObject(2, utc(now));
      ps.setLong(3, id);
      if (ps.executeUpdate() != 1) return false;
    }
    update(c, "UPDATE acme_authorizations SET status = 'deactivated' WHERE order_id = ?", id);
    return true;
  }

  // --- recovery of orders left in processing

  /** Orders in processing whose last change is older than {@code before}, oldest first. */
  public List<Long> processingSince(Connection c, Instant before, int limit) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM acme_orders WHERE status = 'processing'"
        + " AND updated_at < ? ORDER BY updated_at, id LIMIT ?")) {
      ps.setObject(1, utc(before));
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /**
   * Claims a stuck order for this instance: a conditional UPDATE that succeeds for one instance
   * only, and moves updated_at to now so that no other instance claims it again within the bound.
   */
  public boolean claimProcessing(Connection c, long id, Instant before, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE acme_orders SET updated_at = ? WHERE id = ?"
        + " AND status = 'processing' AND updated_at < ?")) {
      ps.setObject(1, utc(now));
      ps.setLong(2, id);
      ps.setObject(3, utc(before));
      return ps.executeUpdate() == 1;
    }
  }

  /** The CSR finalize kept with a processing order; null for orders finalized before V10. */
  public byte[] processingCsr(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT csr FROM acme_orders WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  /** Order ids of an account, newest first, from {@code before} (exclusive) on; {@code limit + 1} to detect a next page. */
  public List<Long> orderIds(Connection c, long accountId, long before, int limit) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM acme_orders WHERE account_id = ? AND id < ?"
        + " AND status <> 'invalid' ORDER BY id DESC LIMIT ?")) {
      ps.setLong(1, accountId);
      ps.setLong(2, before);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  public Optional<Authorization> authorization(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id, account_id, order_id, identifier_type, identifier_value,"
        + " status, expires_at FROM acme_authorizations WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        return Optional.of(new Authorization(rs.getLong(1), rs.getLong(2), rs.getObject(3, Long.class),
            new Identifier(rs.getString(4), rs.getString(5)), rs.getString(6), instant(rs, 7)));
      }
    }
  }

  public void deactivateAuthorization(Connection c, long id) throws SQLException {
    update(c, "UPDATE acme_authorizations SET status = 'deactivated' WHERE id = ?", id);
  }

  public static JsonArray identifiersJson(List<Identifier> ids) {
    JsonArray a = new JsonArray();
    ids.forEach(i -> a.add(new JsonObject().put("type", i.type()).put("value", i.value())));
    return a;
  }

  private static void update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      ps.executeUpdate();
    }
  }
}
