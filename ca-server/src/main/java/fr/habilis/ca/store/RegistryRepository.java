package fr.habilis.ca.store;

import static fr.habilis.ca.store.Sql.instant;

import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.Habilitation.Signatory;
import fr.habilis.ca.registry.Habilitation.Status;
import fr.habilis.ca.registry.IdType;
import fr.habilis.ca.registry.Language;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.Structure;
import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for structures, administrators and habilitations. Methods take the caller's transaction. */
public final class RegistryRepository {

  public void insertStructure(Connection c, Structure s, Instant now) throws SQLException {
    Sql.update(c, "INSERT INTO structures (national_id, id_type, id_value, name, department, address, environment,"
        + " created_at, certificate_name) VALUES (?,?,?,?,?,?,?,?,?)", s.nationalId(), s.idType(), s.idValue(), s.name(),
        s.department(), s.address(), s.environment(), now, s.certificateName());
  }

  public void setCertificateName(Connection c, String nationalId, String certificateName) throws SQLException {
    Sql.update(c, "UPDATE structures SET certificate_name = ? WHERE national_id = ?", certificateName, nationalId);
  }

  public Optional<Structure> findStructure(Connection c, String nationalId) throws SQLException {
    return Sql.first(c, "SELECT national_id, id_type, id_value, name, department, address, environment,"
        + " certificate_name FROM structures WHERE national_id = ?", rs -> new Structure(rs.getString(1),
            IdType.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
            rs.getString(7), rs.getString(8)), nationalId);
  }

  // --- administrators

  public Optional<Administrator> findAdminByCard(Connection c, String cardNumber) throws SQLException {
    return findAdmin(c, "card_number", cardNumber);
  }

  public Optional<Administrator> findAdminById(Connection c, String id) throws SQLException {
    return findAdmin(c, "id", id);
  }

  private Optional<Administrator> findAdmin(Connection c, String column, String value) throws SQLException {
    return Sql.first(c, "SELECT id, card_number, card_type, last_name, first_name, email, phone, language"
        + " FROM administrators WHERE " + column + " = ?", RegistryRepository::admin, value);
  }

  private static Administrator admin(ResultSet rs) throws SQLException {
    return new Administrator(rs.getString("id"), rs.getString("card_number"),
        Administrator.CardType.valueOf(rs.getString("card_type")), rs.getString("last_name"),
        rs.getString("first_name"), rs.getString("email"), rs.getString("phone"), Language.stored(rs.getString("language")));
  }

  /** Every card number the person holding this card has had (current first), or empty for an unknown card. */
  public List<String> cardsOf(Connection c, String cardNumber) throws SQLException {
    record Cards(String current, String replaced) {}
    List<String> cards = new ArrayList<>();
    for (Cards row : Sql.list(c, "SELECT a.card_number, r.card_number FROM administrators a"
        + " LEFT JOIN replaced_cards r ON r.admin_id = a.id"
        + " WHERE a.card_number = ? OR a.id = (SELECT admin_id FROM replaced_cards WHERE card_number = ?)",
        rs -> new Cards(rs.getString(1), rs.getString(2)), cardNumber, cardNumber)) {
      if (cards.isEmpty()) cards.add(row.current());
      if (row.replaced() != null) cards.add(row.replaced());
    }
    return cards;
  }

  /** True when the card was replaced by another one: it may not be named again. */
  public boolean isReplacedCard(Connection c, String cardNumber) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM replaced_cards WHERE card_number = ?", cardNumber);
  }

  /** Inserts a new person with a fresh id. */
  public Administrator insertAdmin(Connection c, Administrator a, Instant now) throws SQLException {
    Administrator stored = new Administrator(UUID.randomUUID().toString(), a.cardNumber(), a.cardType(), a.lastName(),
        a.firstName(), a.email(), a.phone(), a.language() == null ? Language.FR : a.language());
    Sql.update(c, "INSERT INTO administrators (id, card_number, card_type, last_name, first_name, email, phone,"
        + " created_at, language) VALUES (?,?,?,?,?,?,?,?,?)", stored.id(), stored.cardNumber(), stored.cardType(),
        stored.lastName(), stored.firstName(), stored.email(), stored.phone(), now, stored.language().code());
    return stored;
  }

  /** Contact details (and the notices' language, when the form states one) follow the latest form naming the person. */
  public void updateAdminContact(Connection c, String id, String email, String phone, Language language)
      throws SQLException {
    Sql.update(c, "UPDATE administrators SET email = ?, phone = ?, language = COALESCE(?, language) WHERE id = ?", email,
        phone, Sql.typed(language == null ? null : language.code(), Types.VARCHAR), id);
  }

  /** A replaced card: the person keeps id, rights and accounts under the new number. */
  public void replaceCard(Connection c, Administrator a, String newCard, Administrator.CardType type, Instant now)
      throws SQLException {
    Sql.update(c, "INSERT INTO replaced_cards (card_number, admin_id, replaced_at) VALUES (?,?,?)", a.cardNumber(), a.id(),
        now);
    Sql.update(c, "UPDATE administrators SET card_number = ?, card_type = ? WHERE id = ?", newCard, type, a.id());
  }

  // --- habilitations

  /** Inserts a RECEIVED request and gives it its reference, HAB-{year}-{number}. */
  public String insertHabilitation(Connection c, String structureId, String form, Signatory sig, String usage,
      String editor, String solution, Instant now) throws SQLException {
    return insertHabilitation(c, structureId, form, sig, usage, editor, solution, Language.FR, List.of(), now);
  }

  /** The same with the notices' language and the addresses to inform (seed 004's CC). */
  public String insertHabilitation(Connection c, String structureId, String form, Signatory sig, String usage,
      String editor, String solution, Language language, List<String> informEmails, Instant now) throws SQLException {
    long id = Sql.insert(c, "INSERT INTO habilitations (structure_id, form, status, signatory_role, signatory_last,"
        + " signatory_first, signatory_email, signatory_phone, usage_text, editor, solution, created_at, updated_at,"
        + " language, inform_emails) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", structureId, form, Status.RECEIVED,
        sig.role(), sig.lastName(), sig.firstName(), sig.email(), sig.phone(), usage, editor, solution, now, now,
        language.code(), new JsonArray(informEmails).encode());
    String reference = String.format("HAB-%d-%06d", now.atOffset(ZoneOffset.UTC).getYear(), id);
    Sql.update(c, "UPDATE habilitations SET reference = ? WHERE id = ?", reference, id);
    return reference;
  }

  public void insertOffer(Connection c, long habilitationId, int position, Offer o) throws SQLException {
    Sql.update(c, "INSERT INTO habilitation_offers (habilitation_id, position, offer, domain, scope, mail_domain,"
        + " restricted) VALUES (?,?,?,?,?,?,?)", habilitationId, position, o.kind(), o.domain(), o.scope(), o.mailDomain(),
        Sql.typed(o.restricted(), Types.BOOLEAN));
  }

  /** Names an administrator on a habilitation (again, after a removal). */
  public void addAdmin(Connection c, long habilitationId, String adminId, Instant now) throws SQLException {
    if (Sql.update(c, "UPDATE habilitation_admins SET removed_at = NULL, added_at = ? WHERE habilitation_id = ?"
        + " AND admin_id = ?", now, habilitationId, adminId) > 0) {
      return;
    }
    Sql.update(c, "INSERT INTO habilitation_admins (habilitation_id, admin_id, added_at) VALUES (?,?,?)", habilitationId,
        adminId, now);
  }

  /** Form 503 removal; false when the administrator was not named. */
  public boolean removeAdmin(Connection c, long habilitationId, String adminId, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE habilitation_admins SET removed_at = ? WHERE habilitation_id = ? AND admin_id = ?"
        + " AND removed_at IS NULL", now, habilitationId, adminId) > 0;
  }

  /**
   * Moves a habilitation from one status to another; false when it is no longer in {@code from}
   * (a concurrent transition won). The conditional UPDATE is what makes two approvals produce one.
   */
  public boolean transition(Connection c, long id, Status from, Status to, String reason, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE habilitations SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?"
        + " AND status = ?", to, reason, now, id, from) == 1;
  }

  /** Four-eyes: the principal who recorded the request (issue 19). */
  public void setRecordedBy(Connection c, long id, String principal) throws SQLException {
    Sql.update(c, "UPDATE habilitations SET recorded_by = ? WHERE id = ?", principal, id);
  }

  /** The principal who recorded the request; null for one recorded before V19. */
  public String recordedBy(Connection c, long id) throws SQLException {
    return Sql.first(c, "SELECT recorded_by FROM habilitations WHERE id = ?", rs -> rs.getString(1), id).orElse(null);
  }

  /** Records that a request (just inserted) amends an earlier habilitation of its structure. */
  public void setSupersedes(Connection c, long id, String earlierReference) throws SQLException {
    Sql.update(c, "UPDATE habilitations SET supersedes = ? WHERE id = ?", earlierReference, id);
  }

  /**
   * ACTIVE → SUPERSEDED, naming the successor; false when it is no longer ACTIVE (a concurrent
   * revocation or amendment won).
   */
  public boolean supersede(Connection c, long id, String successor, String reason, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE habilitations SET status = ?, status_reason = ?, superseded_by = ?, updated_at = ?"
        + " WHERE id = ? AND status = ?", Status.SUPERSEDED, reason, successor, now, id, Status.ACTIVE) == 1;
  }

  /** Locks the habilitation row for the rest of the transaction (serialises admin changes and transitions). */
  public void lock(Connection c, long id) throws SQLException {
    Sql.update(c, "UPDATE habilitations SET updated_at = updated_at WHERE id = ?", id);
  }

  public Optional<Habilitation> findHabilitation(Connection c, String reference) throws SQLException {
    List<Habilitation> found = query(c, new Sql.Where().and("h.reference = ?", reference), 1, 0);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Habilitations by structure and/or status, newest first. */
  public List<Habilitation> list(Connection c, String structureId, Status status, int limit, int offset) throws SQLException {
    return list(c, structureId, status == null ? List.of() : List.of(status), null, limit, offset);
  }

  /**
   * Habilitations by structure, by status (any of {@code statuses}; empty for any) and by the
   * person they name or named before a removal ({@code adminId}), newest first.
   */
  public List<Habilitation> list(Connection c, String structureId, List<Status> statuses, String adminId, int limit,
      int offset) throws SQLException {
    Sql.Where where = new Sql.Where().andIf("h.structure_id = ?", structureId);
    if (!statuses.isEmpty()) where.and("h.status IN (" + Sql.marks(statuses.size()) + ")", statuses.toArray());
    where.andIf("h.id IN (SELECT habilitation_id FROM habilitation_admins WHERE admin_id = ?)", adminId);
    return query(c, where, limit, offset);
  }

  /** Every habilitation (any status) that names the administrator now or named them before removal. */
  public List<Habilitation> namingAdmin(Connection c, String adminId) throws SQLException {
    return query(c, new Sql.Where().and("h.id IN (SELECT habilitation_id FROM habilitation_admins WHERE admin_id = ?)",
        adminId), 10_000, 0);
  }

  public List<Habilitation> ofStructure(Connection c, String structureId) throws SQLException {
    return query(c, new Sql.Where().and("h.structure_id = ?", structureId), 10_000, 0);
  }

  private List<Habilitation> query(Connection c, Sql.Where where, int limit, int offset) throws SQLException {
    // The habilitation rows first, their administrators and offers once the result set is closed.
    List<Habilitation> rows = Sql.page(c, "SELECT h.id, h.reference, h.structure_id, h.form, h.status,"
        + " h.status_reason, h.signatory_role, h.signatory_last, h.signatory_first, h.signatory_email,"
        + " h.signatory_phone, h.usage_text, h.editor, h.solution, h.created_at, h.updated_at, h.language,"
        + " h.inform_emails, h.supersedes, h.superseded_by FROM habilitations h", where, "h.id DESC", limit, offset,
        rs -> new Habilitation(rs.getLong(1),
            rs.getString(2), rs.getString(3), rs.getString(4), Status.valueOf(rs.getString(5)), rs.getString(6),
            new Signatory(Signatory.Role.valueOf(rs.getString(7)), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getString(11)),
            List.of(), List.of(), rs.getString(12), rs.getString(13), rs.getString(14), instant(rs, 15), instant(rs, 16),
            Language.stored(rs.getString(17)), informEmails(rs.getString(18)), rs.getString(19), rs.getString(20)));
    List<Habilitation> result = new ArrayList<>();
    for (Habilitation h : rows) {
      result.add(new Habilitation(h.id(), h.reference(), h.structureId(), h.form(), h.status(), h.statusReason(),
          h.signatory(), admins(c, h.id()), offers(c, h.id()), h.usage(), h.editor(), h.solution(), h.createdAt(),
          h.updatedAt(), h.language(), h.informEmails(), h.supersedes(), h.supersededBy()));
    }
    return result;
  }

  private static List<String> informEmails(String json) {
    List<String> list = new ArrayList<>();
    if (json != null) new JsonArray(json).forEach(x -> list.add((String) x));
    return list;
  }


  private List<Administrator> admins(Connection c, long habilitationId) throws SQLException {
    return Sql.list(c, "SELECT a.id, a.card_number, a.card_type, a.last_name, a.first_name, a.email, a.phone, a.language"
        + " FROM habilitation_admins ha JOIN administrators a ON a.id = ha.admin_id"
        + " WHERE ha.habilitation_id = ? AND ha.removed_at IS NULL ORDER BY ha.added_at, a.card_number",
        RegistryRepository::admin, habilitationId);
  }

  private List<Offer> offers(Connection c, long habilitationId) throws SQLException {
    return Sql.list(c, "SELECT offer, domain, scope, mail_domain, restricted FROM habilitation_offers"
        + " WHERE habilitation_id = ? ORDER BY position", rs -> {
          String scope = rs.getString(3);
          return new Offer(Offer.Kind.valueOf(rs.getString(1)), rs.getString(2),
              scope == null ? null : Offer.Scope.valueOf(scope), rs.getString(4), rs.getObject(5, Boolean.class));
        }, habilitationId);
  }
}
