package fr.habilis.ca.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The recent revocations, which every instance polls to drop its cached OCSP answers (index from V18). */
public final class RevocationFeedRepository {
  /** One revoked certificate. */
  public record Revoked(String caId, String serial) {}

  public List<Revoked> revokedSince(Connection c, Instant since) throws SQLException {
    return Sql.list(c, "SELECT ca_id, serial FROM revoked_certificates WHERE revoked_at > ?",
        rs -> new Revoked(rs.getString(1), rs.getString(2)), since);
  }
}
