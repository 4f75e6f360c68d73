package fr.habilis.ca.ra;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.IdType;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.store.StructureSearchRepository;
import fr.habilis.ca.store.StructureSearchRepository.Found;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Structures in the RA API, read side: the search by identifier or name, and one structure with
 * its habilitations, the administrators they name and counts of its certificates. Recording and
 * changing a structure stay in {@link RaApi}.
 */
final class RaStructures {
  private static final Pattern ENVIRONMENT = Pattern.compile("test|production");
  private final ServerContext ctx;
  private final RegistryService registry;
  private final StructureSearchRepository search = new StructureSearchRepository();

  RaStructures(ServerContext ctx, RegistryService registry) {
    this.ctx = ctx;
    this.registry = registry;
  }

  void mount(Router router) {
    router.get("/ra/v1/structures").handler(this::search);
    router.get("/ra/v1/structures/:nationalId").handler(this::detail);
  }

  private void search(RoutingContext rc) {
    RaQuery q = new RaQuery(rc);
    String text = q.text("q", 200);
    String id = q.matching("id", RaQuery.NATIONAL_ID, "an identifier or its beginning: 1–20 letters and digits");
    String name = q.text("name", 200);
    IdType idType = q.oneOf("idType", IdType.class);
    String environment = q.matching("environment", ENVIRONMENT, "must be test or production");
    RaQuery.Page page = q.page();
    var query = new StructureSearchRepository.Query(text, id == null ? null : id.toUpperCase(Locale.ROOT), name, idType,
        environment);
    RaApi.reply(rc, 200, ctx.db().tx(c -> search.search(c, query, ctx.clock().instant(), page.fetch(), page.offset()))
        .map(rows -> page.json("structures", rows, RaStructures::summary)));
  }

  private void detail(RoutingContext rc) {
    String nationalId = rc.pathParam("nationalId");
    RaApi.reply(rc, 200, ctx.db().tx(c -> {
      Found found = search.find(c, nationalId, ctx.clock().instant())
          .orElseThrow(() -> DomainError.notFound("no structure " + nationalId));
      JsonObject json = summary(found);
      List<Habilitation> habilitations = registry.habilitationsOfStructure(c, nationalId);
      JsonArray habs = new JsonArray();
      habilitations.forEach(h -> habs.add(RaJson.habilitation(h)));
      json.put("habilitations", habs).put("administrators", administrators(habilitations));
      String ra = ctx.endpoints().raUrl();
      return json.put("links", new JsonObject()
          .put("habilitations", ra + "/habilitations?structure=" + nationalId)
          .put("administrators", ra + "/admins?structure=" + nationalId)
          .put("certificates", ra + "/certificates?structure=" + nationalId));
    }));
  }

  /** The people named now on the structure's habilitations, each with those habilitations (newest first). */
  private static JsonArray administrators(List<Habilitation> habilitations) {
    Map<String, JsonObject> byPerson = new LinkedHashMap<>();
    for (Habilitation h : habilitations) {
      for (Administrator a : h.administrators()) {
        byPerson.computeIfAbsent(a.id(), k -> RaJson.admin(a).put("habilitations", new JsonArray()))
            .getJsonArray("habilitations").add(new JsonObject().put("reference", h.reference())
                .put("status", h.status().name()));
      }
    }
    return new JsonArray(List.copyOf(byPerson.values()));
  }

  private static JsonObject summary(Found f) {
    return RaJson.structure(f.structure()).put("createdAt", f.createdAt().toString())
        .put("counts", new JsonObject().put("habilitations", f.habilitations())
            .put("activeHabilitations", f.activeHabilitations()).put("liveCertificates", f.liveCertificates()));
  }
}
