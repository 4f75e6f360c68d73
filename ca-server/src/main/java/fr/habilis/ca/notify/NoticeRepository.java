package fr.habilis.ca.notify;

import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Language;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.Structure;
import fr.habilis.ca.store.AcmeStore;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.RegistryRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a certificate's notices need to know about it, read in the caller's transaction. */
final class NoticeRepository {
  private final RegistryRepository registry = new RegistryRepository();
  private final AcmeStore acme = new AcmeStore();
  private final CertificateRepository certificates = new CertificateRepository();

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
      Optional<AcmeStore.AccountContact> account = acme.validAccountContact(c, cert.accountId());
      if (account.isPresent()) {
        contacts.addAll(account.get().contact());
        accountLanguage = registry.findAdminById(c, account.get().adminId()).map(Administrator::language)
            .orElse(Language.FR);
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
      Optional<String> ref = acme.habilitationRef(c, cert.orderId());
      Optional<Habilitation> h = ref.isEmpty() ? Optional.empty() : registry.findHabilitation(c, ref.get());
      if (h.isPresent()) return h;
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
    if (certificates.hasSuccessor(c, cert.serialHex())) return true;
    if (cert.accountId() == null || cert.commonName() == null) return false;
    return certificates.hasLaterRenewal(c, cert, now);
  }
}
