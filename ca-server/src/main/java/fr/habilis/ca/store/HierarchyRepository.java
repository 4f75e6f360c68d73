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
    try (PreparedStatement ps = c.prepareStatement("SELECT root_sha256, org_sha256, pro_sha256, root_der, org_der, pro_der,"
        + " keystore_ref, secret_check, recorded_by, recorded_at FROM ca_hierarchy WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) return Optional.empty();
      return Optional.of(new Recorded(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5),
          rs.getBytes(6), rs.getString(7), rs.getString(8), rs.getString(9), instant(rs, 10)));
    }
  }

  /**
   * Records the hierarchy; fails with SQLSTATE {@link #UNIQUE_VIOLATION} when another instance
   * recorded one first (its uncommitted row makes this insert wait for its commit, then fail).
   */
  public void insert(Connection c, Recorded r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO ca_hierarchy (id, root_sha256, org_sha256, pro_sha256,"
        + " root_der, org_der, pro_der, keystore_ref, secret_check, recorded_by, recorded_at)"
        + " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.rootSha256());
      ps.setString(2, r.orgSha256());
      ps.setString(3, r.proSha256());
      ps.setBytes(4, r.rootDer());
      ps.setBytes(5, r.orgDer());
      ps.setBytes(6, r.proDer());
      ps.setString(7, r.keystoreRef());
      ps.setString(8, r.secretCheck());
      ps.setString(9, r.recordedBy());
      ps.setObject(10, utc(r.recordedAt()));
      ps.executeUpdate();
    }
  }

  /** Records the CA secret's check value if none is recorded yet; returns the one recorded. */
  public String recordSecretCheck(Connection c, String check) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE ca_hierarchy SET secret_check = ? WHERE id = 1 AND secret_check IS NULL")) {
      ps.setString(1, check);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT secret_check FROM ca_hierarchy WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  public Map<String, String> settings(Connection c) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name, setting_value FROM ca_settings ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getString(2));
    }
    return out;
  }

  /** Records the settings not recorded yet (a setting added by a later version); keeps the others. */
  public void recordMissingSettings(Connection c, Map<String, String> settings) throws SQLException {
    Map<String, String> known = settings(c);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO ca_settings (name, setting_value) VALUES (?, ?)")) {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        if (known.containsKey(e.getKey())) continue;
        ps.setString(1, e.getKey());
        ps.setString(2, e.getValue());
        ps.executeUpdate();
      }
    }
  }

  /** Replaces the recorded shared settings by {@code settings} (a reconfiguration while no other instance runs). */
  public void replaceSettings(Connection c, Map<String, String> settings) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM ca_settings")) {
      ps.executeUpdate();
    }
    recordMissingSettings(c, settings);
  }

  public Map<String, Responder> responders(Connection c) throws SQLException {
    Map<String, Responder> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT ca_id, serial, certificate_der FROM ca_responders");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), new Responder(rs.getString(1), rs.getString(2), rs.getBytes(3)));
    }
    return out;
  }

  /** Records the responder now served for {@code caId} (inserted the first time). */
  public void recordResponder(Connection c, Responder r, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE ca_responders SET serial = ?, certificate_der = ?, recorded_at = ? WHERE ca_id = ?")) {
      ps.setString(1, r.serial());
      ps.setBytes(2, r.der());
      ps.setObject(3, utc(now));
      ps.setString(4, r.caId());
      if (ps.executeUpdate() == 1) return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO ca_responders (ca_id, serial, certificate_der, recorded_at) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, r.caId());
      ps.setString(2, r.serial());
      ps.setBytes(3, r.der());
      ps.setObject(4, utc(now));
      ps.executeUpdate();
    }
  }
}
