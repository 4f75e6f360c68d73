package fr.habilis.ca.ra;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.registry.Structure;
import fr.habilis.ca.store.AdministratorSearchRepository;
import fr.habilis.ca.store.AdministratorSearchRepository.CredentialState;
import fr.habilis.ca.store.AdministratorSearchRepository.OrderRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Administrators in the RA API, read side: found by card (current or replaced) or name across
 * structures, with the habilitations that name them, their EAB credentials' state (never a key)
 * and ACME accounts; and the orders of those accounts. The writes (EAB, card replacement) stay in
 * {@link RaApi}.
 */
final class RaAdmins {
  private static final Pattern ORDER_STATUS = Pattern.compile("ready|processing|valid|invalid");
  private final ServerContext ctx;
  private final RegistryService registry;
  private final AdministratorSearchRepository admins = new AdministratorSearchRepository();

  RaAdmins(ServerContext ctx, RegistryService registry) {
    this.ctx = ctx;
    this.registry = registry;
  }

  void mount(Router router) {
    router.get("/ra/v1/admins").handler(this::search);
    router.get("/ra/v1/admins/:cardNumber").handler(this::detail);
    router.get("/ra/v1/admins/:cardNumber/orders").handler(this::orders);
  }

  private void search(RoutingContext rc) {
    RaQuery q = new RaQuery(rc);
    String card = q.matching("card", RaQuery.CARD_PREFIX, "a card number or its beginning: 1–10 digits");
    String name = q.text("name", 200);
    String structure = q.matching("structure", RaQuery.NATIONAL_ID, "a structure's national identifier");
    RaQuery.Page page = q.page();
    var query = new AdministratorSearchRepository.Query(card, name, structure);
    RaApi.reply(rc, 200, ctx.db().tx(c -> {
      Instant now = ctx.clock().instant();
      Map<String, Structure> structures = new HashMap<>();
      JsonArray items = new JsonArray();
      var rows = admins.search(c, query, page.fetch(), page.offset());
      for (Administrator a : rows.stream().limit(page.limit()).toList()) items.add(json(c, a, now, structures));
      return new JsonObject().put("administrators", items).put("limit", page.limit()).put("offset", page.offset())
          .put("hasMore", rows.size() > page.limit());
    }));
  }

  private void detail(RoutingContext rc) {
    String card = card(rc);
    RaApi.reply(rc, 200, ctx.db().tx(c -> json(c, holder(c, card), ctx.clock().instant(), new HashMap<>())));
  }

  private void orders(RoutingContext rc) {
    String card = card(rc);
    RaQuery q = new RaQuery(rc);
    String status = q.matching("status", ORDER_STATUS, "must be one of ready, processing, valid, invalid");
    RaQuery.Page page = q.page();
    RaApi.reply(rc, 200, ctx.db().tx(c -> {
      Administrator a = holder(c, card);
      Instant now = ctx.clock().instant();
      return page.json("orders", admins.orders(c, a.id(), status, page.fetch(), page.offset()), o -> order(o, now))
          .put("cardNumber", a.cardNumber());
    }));
  }

  private Administrator holder(Connection c, String card) throws SQLException {
    return registry.holderOf(c, card).orElseThrow(() -> DomainError.notFound("no administrator holds card " + card));
  }

  private static String card(RoutingContext rc) {
    String card = rc.pathParam("cardNumber");
    if (card == null || !RaQuery.CARD.matcher(card).matches()) {
      throw DomainError.invalidField("cardNumber", "a card number: 10 digits");
    }
    return card;
  }

  private JsonObject json(Connection c, Administrator a, Instant now, Map<String, Structure> structures)
      throws SQLException {
    JsonArray habilitations = new JsonArray();
    for (Habilitation h : registry.habilitationsOf(c, a.id())) {
      Optional<Structure> s = Optional.ofNullable(structures.get(h.structureId()));
      if (s.isEmpty()) {
        s = registry.structure(c, h.structureId());
        s.ifPresent(x -> structures.put(x.nationalId(), x));
      }
      JsonArray offers = new JsonArray();
      h.offers().forEach(o -> offers.add(RaJson.offer(o)));
      habilitations.add(new JsonObject().put("reference", h.reference()).put("status", h.status().name())
          .put("form", h.form()).put("structure", h.structureId()).put("structureName", s.map(Structure::name).orElse(null))
          .put("offers", offers).put("named", h.names(a.id())));
    }
    JsonArray credentials = new JsonArray();
    for (CredentialState cred : admins.credentials(c, a.id())) {
      String state = cred.consumedAt() != null ? "consumed" : cred.expiresAt().isAfter(now) ? "unused" : "expired";
      credentials.add(new JsonObject().put("eabKid", cred.kid()).put("state", state)
          .put("createdAt", cred.createdAt().toString()).put("expiresAt", cred.expiresAt().toString())
          .put("consumedAt", cred.consumedAt() == null ? null : cred.consumedAt().toString())
          .put("account", cred.accountId()));
    }
    JsonArray accounts = new JsonArray();
    admins.accounts(c, a.id()).forEach(acc -> accounts.add(new JsonObject().put("id", acc.id())
        .put("url", ctx.endpoints().acmeBase() + "/acct/" + acc.id()).put("status", acc.status())
        .put("eabKid", acc.eabKid()).put("createdAt", acc.createdAt().toString())));
    return RaJson.admin(a).put("replacedCards", new JsonArray(admins.replacedCards(c, a.id())))
        .put("habilitations", habilitations).put("credentials", credentials).put("accounts", accounts)
        .put("links", new JsonObject().put("orders", ctx.endpoints().raUrl() + "/admins/" + a.cardNumber() + "/orders")
            .put("certificates", ctx.endpoints().raUrl() + "/certificates?admin=" + a.cardNumber()));
  }

  /** An order as ACME shows it (a ready order past its expiry is invalid, RFC 8555 §7.1.6). */
  private JsonObject order(OrderRow o, Instant now) {
    String status = "ready".equals(o.status()) && o.expiresAt().isBefore(now) ? "invalid" : o.status();
    String acme = ctx.endpoints().acmeBase();
    return new JsonObject().put("id", o.id()).put("url", acme + "/order/" + o.id()).put("status", status)
        .put("account", o.accountId()).put("profile", o.profile()).put("identifiers", new JsonArray(o.identifiers()))
        .put("structure", o.structureId()).put("habilitation", o.habilitationRef())
        .put("certificateSerial", "valid".equals(o.status()) ? o.certificateSerial() : null)
        .put("replaces", o.replacesSerial())
        .put("error", o.error() == null ? null : new JsonObject(o.error()))
        .put("createdAt", o.createdAt().toString()).put("updatedAt", o.updatedAt().toString())
        .put("expiresAt", o.expiresAt().toString());
  }
}
