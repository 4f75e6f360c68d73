package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;
import static fr.habilis.ca.store.Sql.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The latest signed CRL of each CA (table {@code crl_published}, migration V18), served by every instance. */
public final class CrlRepository {
  /** A stored CRL. */
  public record StoredCrl(String caId, long number, byte[] der, Instant thisUpdate, Instant nextUpdate) {}

  /** The number of each CA's stored CRL (0: none yet): what an instance polls. */
  public Map<String, Long> numbers(Connection c) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT ca_id, crl_number FROM crl_published");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
    }
    return out;
  }

  public Optional<StoredCrl> find(Connection c, String caId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT crl_number, der, this_update, next_update FROM crl_published WHERE ca_id = ? AND der IS NOT NULL")) {
      ps.setString(1, caId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        return Optional.of(new StoredCrl(caId, rs.getLong(1), rs.getBytes(2), instant(rs, 3), instant(rs, 4)));
      }
    }
  }

  /** The latest revocation time of each CA among those after {@code since} (through the revoked_at index). */
  public Map<String, Instant> lastRevocations(Connection c, Instant since) throws SQLException {
    Map<String, Instant> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT ca_id, MAX(revoked_at) FROM revoked_certificates WHERE revoked_at > ? GROUP BY ca_id")) {
      ps.setObject(1, utc(since));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.put(rs.getString(1), instant(rs, 2));
      }
    }
    return out;
  }

  /** Stores {@code crl} unless a CRL with a higher number is stored already; true when stored. */
  public boolean storeIfNewer(Connection c, StoredCrl crl) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE crl_published SET crl_number = ?, der = ?, this_update = ?,"
        + " next_update = ? WHERE ca_id = ? AND crl_number < ?")) {
      ps.setLong(1, crl.number());
      ps.setBytes(2, crl.der());
      ps.setObject(3, utc(crl.thisUpdate()));
      ps.setObject(4, utc(crl.nextUpdate()));
      ps.setString(5, crl.caId());
      ps.setLong(6, crl.number());
      return ps.executeUpdate() == 1;
    }
  }
}
