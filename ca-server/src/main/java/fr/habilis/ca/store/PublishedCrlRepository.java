package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The latest signed CRL of each CA (table {@code crl_published}, migration V18), served by every instance. */
public final class PublishedCrlRepository {
  /** A stored CRL. */
  public record StoredCrl(String caId, long number, byte[] der, Instant thisUpdate, Instant nextUpdate) {}

  /** The number of each CA's stored CRL (0: none yet): what an instance polls. */
  public Map<String, Long> numbers(Connection c) throws SQLException {
    return Sql.map(c, "SELECT ca_id, crl_number FROM crl_published", rs -> rs.getString(1), rs -> rs.getLong(2));
  }

  public Optional<StoredCrl> find(Connection c, String caId) throws SQLException {
    return Sql.first(c, "SELECT crl_number, der, this_update, next_update FROM crl_published WHERE ca_id = ? AND der IS NOT NULL",
        rs -> new StoredCrl(caId, rs.getLong(1), rs.getBytes(2), instant(rs, 3), instant(rs, 4)), caId);
  }

  /** The latest revocation time of each CA among those after {@code since} (through the revoked_at index). */
  public Map<String, Instant> lastRevocations(Connection c, Instant since) throws SQLException {
    return Sql.map(c, "SELECT ca_id, MAX(revoked_at) FROM revoked_certificates WHERE revoked_at > ? GROUP BY ca_id",
        rs -> rs.getString(1), rs -> instant(rs, 2), since);
  }

  /** Stores {@code crl} unless a CRL with a higher number is stored already; true when stored. */
  public boolean storeIfNewer(Connection c, StoredCrl crl) throws SQLException {
    return Sql.update(c, "UPDATE crl_published SET crl_number = ?, der = ?, this_update = ?, next_update = ?"
        + " WHERE ca_id = ? AND crl_number < ?", crl.number(), crl.der(), crl.thisUpdate(), crl.nextUpdate(),
        crl.caId(), crl.number()) == 1;
  }
}
