package fr.habilis.ca;

import fr.habilis.ca.config.DataDirectory;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.EabCredential;
import fr.habilis.ca.registry.EabKeySealer;
import fr.habilis.ca.registry.Habilitation.Signatory;
import fr.habilis.ca.registry.Habilitation;
import fr.habilis.ca.registry.IdType;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.Structure;
import fr.habilis.ca.store.EabRepository;
import fr.habilis.ca.store.RegistryRepository;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The editors' sandbox ({@code --demo}, test environment only): seeds once a test kit like the
 * agency's — a health centre (FINESS) and a radiology practice (RPPS rang), each with an ACTIVE
 * form-414 habilitation for one demo administrator covering ORG and SERV_SSL on a .test domain —
 * and hands out an EAB credential (a fresh one once the previous has bound an account).
 */
final class Demo {
  static final String CARD = "8000000001";
  private static final String ACTOR = "demo";

  private record Kit(IdType type, String value, String name, String department, String domain) {}

  private static final List<Kit> KITS = List.of(
      new Kit(IdType.FINESS, "750000010", "CENTRE DE SANTE DEMO HABILIS", "75", "centre-sante.demo.test"),
      new Kit(IdType.RPPS_RANG, "1000000000901", "CABINET DE RADIOLOGIE DEMO HABILIS", "69", "radiologie.demo.test"));

  private Demo() {}

  static String run(ServerContext ctx) throws Exception {
    JsonObject demo = ctx.db().txBlocking(c -> seed(c, ctx));
    Path file = ctx.config().dataDir().resolve("demo.json");
    Path tmp = file.resolveSibling("demo.json.tmp");
    Files.writeString(tmp, demo.encodePrettily(), StandardCharsets.UTF_8);
    DataDirectory.ownerOnly(tmp); // it holds an EAB HMAC key
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return render(demo, ctx, file);
  }

  private static JsonObject seed(Connection c, ServerContext ctx) throws Exception {
    RegistryRepository repo = new RegistryRepository();
    Instant now = ctx.clock().instant();
    Administrator admin = repo.findAdminByCard(c, CARD).orElse(null);
    if (admin == null) {
      admin = repo.insertAdmin(c, new Administrator(null, CARD, Administrator.CardType.CPA, "DEMO", "ADMINISTRATEUR",
          "admin@demo.test", null), now);
    }
    JsonArray structures = new JsonArray();
    for (Kit kit : KITS) {
      String nationalId = kit.type().nationalId(kit.value());
      if (repo.findStructure(c, nationalId).isEmpty()) {
        repo.insertStructure(c, new Structure(nationalId, kit.type(), kit.value(), kit.name(), kit.department(),
            null, "test"), now);
        String ref = repo.insertHabilitation(c, nationalId, "414", new Signatory(kit.type() == IdType.RPPS_RANG
                ? Signatory.Role.PRACTICE_HOLDER : Signatory.Role.LEGAL_REPRESENTATIVE, "DEMO", "SIGNATAIRE",
            "direction@" + kit.domain(), null), "Habilis sandbox", "HABILIS", "DEMO", now);
        Habilitation h = repo.findHabilitation(c, ref).orElseThrow();
        repo.insertOffer(c, h.id(), 0, Offer.org());
        repo.insertOffer(c, h.id(), 1, new Offer(Offer.Kind.SERV_SSL, kit.domain(), Offer.Scope.DOMAIN, null, null));
        repo.addAdmin(c, h.id(), admin.id(), now);
        repo.transition(c, h.id(), Habilitation.Status.RECEIVED, Habilitation.Status.ACTIVE, null, now);
        ctx.audit().append(c, ACTOR, "demo.seeded", ref, new JsonObject().put("structure", nationalId).encode());
      }
      structures.add(new JsonObject().put("nationalId", nationalId).put("idType", kit.type().name())
          .put("name", kit.name()).put("domain", kit.domain()));
    }
    EabRepository eab = new EabRepository(new EabKeySealer(ctx.caSecret()));
    EabCredential cred = eab.findUnused(c, admin.id(), now).orElse(null);
    if (cred == null) {
      cred = eab.mint(c, admin.id(), now, ctx.config().getDuration(Setting.EAB_VALIDITY));
      ctx.audit().append(c, ACTOR, "eab.minted", CARD, new JsonObject().put("kid", cred.kid()).encode());
    }
    return new JsonObject()
        .put("directoryUrl", ctx.endpoints().directoryUrl())
        .put("administrators", new JsonArray().add(new JsonObject().put("cardNumber", CARD)
            .put("eabKid", cred.kid())
            .put("eabHmacKey", Base64.getUrlEncoder().withoutPadding().encodeToString(cred.hmacKey()))
            .put("expiresAt", cred.expiresAt().toString())))
        .put("structures", structures);
  }

  private static String render(JsonObject demo, ServerContext ctx, Path file) {
    JsonObject a = demo.getJsonArray("administrators").getJsonObject(0);
    StringBuilder b = new StringBuilder("Demo kit (test environment)\n");
    b.append("  administrator   card ").append(a.getString("cardNumber")).append('\n');
    b.append("  EAB key id      ").append(a.getString("eabKid")).append('\n');
    b.append("  EAB HMAC key    ").append(a.getString("eabHmacKey")).append('\n');
    for (Object o : demo.getJsonArray("structures")) {
      JsonObject s = (JsonObject) o;
      b.append("  structure       ").append(s.getString("nationalId")).append("  ").append(s.getString("name"))
          .append("  (ORG, SERV_SSL *.").append(s.getString("domain")).append(")\n");
    }
    String first = demo.getJsonArray("structures").getJsonObject(0).getString("domain");
    b.append("  try             REQUESTS_CA_BUNDLE=").append(ctx.config().dataDir().resolve("certs").resolve("root.pem"))
        .append(" certbot certonly --server ").append(ctx.endpoints().directoryUrl())
        .append(" --eab-kid=").append(a.getString("eabKid")).append(" --eab-hmac-key=").append(a.getString("eabHmacKey"))
        .append(" --standalone -d www.").append(first).append('\n');
    b.append("  saved in        ").append(file);
    return b.toString();
  }
}
