package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CA this database belongs to (tables {@code ca_hierarchy}, {@code ca_settings},
 * {@code ca_responders}, migration V18): at most one hierarchy row, inserted once.
 */
public final class HierarchyRepository {
  /** SQLSTATE of a unique or primary-key violation, on H2 and PostgreSQL alike. */
  public static final String UNIQUE_VIOLATION = "23505";

  /** The recorded hierarchy: SHA-256 fingerprints (hex) and DER of the root and issuing CAs. */
  public record Recorded(String rootSha256, String orgSha256, String proSha256, byte[] rootDer, byte[] orgDer,
      byte[] proDer, String keystoreRef, String secretCheck, String recordedBy, Instant recordedAt) {}

  /** The responder certificate recorded for an issuing CA. */
  public record Responder(String caId, String serial, byte[] der) {}

  public Optional<Recorded> find(Connection c) throws SQLException {
    return Sql.first(c, "SELECT root_sha256, org_sha256, pro_sha256, root_der, org_der, pro_der, keystore_ref,"
        + " secret_check, recorded_by, recorded_at FROM ca_hierarchy WHERE id = 1",
        rs -> new Recorded(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5),
            rs.getBytes(6), rs.getString(7), rs.getString(8), rs.getString(9), instant(rs, 10)));
  }

  /**
   * Records the hierarchy; fails with SQLSTATE {@link #UNIQUE_VIOLATION} when another instance
   * recorded one first (its uncommitted row makes this insert wait for its commit, then fail).
   */
  public void insert(Connection c, Recorded r) throws SQLException {
    Sql.update(c, "INSERT INTO ca_hierarchy (id, root_sha256, org_sha256, pro_sha256, root_der, org_der, pro_der,"
        + " keystore_ref, secret_check, recorded_by, recorded_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        r.rootSha256(), r.orgSha256(), r.proSha256(), r.rootDer(), r.orgDer(), r.proDer(),
        Sql.typed(r.keystoreRef(), Types.VARCHAR), Sql.typed(r.secretCheck(), Types.VARCHAR), r.recordedBy(), r.recordedAt());
  }

  /** Records the CA secret's check value if none is recorded yet; returns the one recorded. */
  public String recordSecretCheck(Connection c, String check) throws SQLException {
    Sql.update(c, "UPDATE ca_hierarchy SET secret_check = ? WHERE id = 1 AND secret_check IS NULL", check);
    return Sql.first(c, "SELECT secret_check FROM ca_hierarchy WHERE id = 1", rs -> rs.getString(1)).orElse(null);
  }

  public Map<String, String> settings(Connection c) throws SQLException {
    return Sql.map(c, "SELECT name, setting_value FROM ca_settings ORDER BY name", rs -> rs.getString(1), rs -> rs.getString(2));
  }

  /** Records the settings not recorded yet (a setting added by a later version); keeps the others. */
  public void recordMissingSettings(Connection c, Map<String, String> settings) throws SQLException {
    Map<String, String> known = settings(c);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      if (known.containsKey(e.getKey())) continue;
      Sql.update(c, "INSERT INTO ca_settings (name, setting_value) VALUES (?, ?)", e.getKey(),
          Sql.typed(e.getValue(), Types.VARCHAR));
    }
  }

  /** Replaces the recorded shared settings by {@code settings} (a reconfiguration while no other instance runs). */
  public void replaceSettings(Connection c, Map<String, String> settings) throws SQLException {
    Sql.update(c, "DELETE FROM ca_settings");
    recordMissingSettings(c, settings);
  }

  public Map<String, Responder> responders(Connection c) throws SQLException {
    Map<String, Responder> out = new LinkedHashMap<>();
    for (Responder r : Sql.list(c, "SELECT ca_id, serial, certificate_der FROM ca_responders",
        rs -> new Responder(rs.getString(1), rs.getString(2), rs.getBytes(3)))) {
      out.put(r.caId(), r);
    }
    return out;
  }

  /** Records the responder now served for {@code caId} (inserted the first time). */
  public void recordResponder(Connection c, Responder r, Instant now) throws SQLException {
    if (Sql.update(c, "UPDATE ca_responders SET serial = ?, certificate_der = ?, recorded_at = ? WHERE ca_id = ?",
        r.serial(), r.der(), now, r.caId()) == 1) {
      return;
    }
    Sql.update(c, "INSERT INTO ca_responders (ca_id, serial, certificate_der, recorded_at) VALUES (?, ?, ?, ?)",
        r.caId(), r.serial(), r.der(), now);
  }
}
