package fr.habilis.ca.notify;

import static fr.habilis.ca.store.Sql.utc;

import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Language;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.RegistryRepository;
import fr.habilis.ca.registry.Structure;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a certificate's notices need to know about it, read in the caller's transaction. */
final class NoticeRepository {
  private final RegistryRepository registry = new RegistryRepository();

  /** The people around a certificate: its habilitation (may be null), administrators, ordering account. */
  record Parties(Habilitation habilitation, Structure structure, List<Administrator> administrators,
      List<String> accountContacts, Language accountLanguage) {}

  Parties parties(Connection c, StoredCertificate cert) throws SQLException {
    Habilitation h = habilitationOf(c, cert).orElse(null);
    List<Administrator> admins = new ArrayList<>();
    if (h != null) {
      admins.addAll(h.administrators());
    } else if (cert.adminCard() != null) {
      registry.findAdminByCard(c, cert.adminCard()).ifPresent(admins::add);
    }
    List<String> contacts = new ArrayList<>();
    Language accountLanguage = Language.FR;
    if (cert.accountId() != null) {
      try (PreparedStatement ps = c.prepareStatement("SELECT contact, admin_id FROM acme_accounts WHERE id = ?"
          + " AND status = 'valid'")) {
        ps.setLong(1, cert.accountId());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            if (rs.getString(1) != null) new JsonArray(rs.getString(1)).forEach(x -> contacts.add((String) x));
            String adminId = rs.getString(2);
            accountLanguage = registry.findAdminById(c, adminId).map(Administrator::language).orElse(Language.FR);
          }
        }
      }
    }
    Structure structure = cert.structureId() == null ? null : registry.findStructure(c, cert.structureId()).orElse(null);
    return new Parties(h, structure, admins, contacts, accountLanguage);
  }

  /**
   * The habilitation a certificate was ordered under (its ACME order records it); for a
   * certificate issued outside ACME, the newest active habilitation of its structure with its offer.
   */
  Optional<Habilitation> habilitationOf(Connection c, StoredCertificate cert) throws SQLException {
    if (cert.orderId() != null) {
      try (PreparedStatement ps = c.prepareStatement("SELECT habilitation_ref FROM acme_orders WHERE id = ?")) {
        ps.setLong(1, cert.orderId());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            Optional<Habilitation> h = registry.findHabilitation(c, rs.getString(1));
            if (h.isPresent()) return h;
          }
        }
      }
    }
    if (cert.structureId() == null) return Optional.empty();
    Profile profile = Profiles.get(cert.profile());
    if (profile == null) return Optional.empty();
    Offer.Kind kind = Offer.Kind.valueOf(profile.offer());
    return registry.ofStructure(c, cert.structureId()).stream()
        .filter(h -> h.status() == Habilitation.Status.ACTIVE && h.hasOffer(kind)).findFirst();
  }

  /**
   * Was the certificate replaced, so that its expiry needs no notice? Yes when a successor names it
   * in {@code replaces} (ARI, RFC 9773); and, for clients that renew without {@code replaces}, when
   * the account that ordered it holds a valid certificate of the same profile, structure and CN
   * issued after it and expiring no sooner: a renewal. A renewal from another account (a reinstalled server) does not
   * count, so the error is on the side of one notice too many, never one too few.
   */
  boolean isReplaced(Connection c, StoredCertificate cert, Instant now) throws SQLException {
    // A successor ordered with replaces (RFC 9773), whatever its account, replaces it for sure.
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM certificates WHERE replaces = ?")) {
      ps.setString(1, cert.serialHex());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) return true;
      }
    }
    if (cert.accountId() == null || cert.commonName() == null) return false;
    // Issued after it (created_at: two renewals within one second share notAfter) and not expiring sooner.
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM certificates n WHERE n.account_id = ? AND n.profile = ?"
        + " AND n.structure_id = ? AND n.common_name = ? AND n.status = 'valid' AND n.serial <> ? AND n.not_after >= ?"
        + " AND n.not_after > ? AND n.created_at > (SELECT o.created_at FROM certificates o WHERE o.serial = ?)")) {
      ps.setLong(1, cert.accountId());
      ps.setString(2, cert.profile());
      ps.setString(3, cert.structureId());
      ps.setString(4, cert.commonName());
      ps.setString(5, cert.serialHex());
      ps.setObject(6, utc(cert.notAfter()));
      ps.setObject(7, utc(now));
      ps.setString(8, cert.serialHex());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
