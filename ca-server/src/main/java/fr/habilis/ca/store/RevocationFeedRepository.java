package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The recent revocations, which every instance polls to drop its cached OCSP answers (index from V18). */
public final class RevocationFeedRepository {
  /** One revoked certificate. */
  public record Revoked(String caId, String serial) {}

  public List<Revoked> revokedSince(Connection c, Instant since) throws SQLException {
    List<Revoked> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT ca_id, serial FROM revoked_certificates WHERE revoked_at > ?")) {
      ps.setObject(1, utc(since));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new Revoked(rs.getString(1), rs.getString(2)));
      }
    }
    return out;
  }
}
