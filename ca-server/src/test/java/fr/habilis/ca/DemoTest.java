package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.registry.Decision;
import fr.habilis.ca.registry.EabKeySealer;
import fr.habilis.ca.registry.Identifier;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.store.EabRepository;
import fr.habilis.ca.store.RegistryRepository;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --demo seeds the sandbox once and hands out a credential, a fresh one once the previous is used. */
class DemoTest {
  @Test
  void seedsOnceAndRenewsAUsedCredential() throws Exception {
    try (TestServer server = TestServer.start()) {
      ServerContext ctx = server.context();
      String text = Demo.run(ctx);
      JsonObject first = new JsonObject(Files.readString(server.dataDir().resolve("demo.json")));
      JsonObject admin = first.getJsonArray("administrators").getJsonObject(0);
      assertTrue(text.contains(admin.getString("eabKid")), text);
      assertEquals(2, first.getJsonArray("structures").size());
      assertEquals("1750000010", first.getJsonArray("structures").getJsonObject(0).getString("nationalId"));
      assertEquals("41000000000901", first.getJsonArray("structures").getJsonObject(1).getString("nationalId"));

      // A second start seeds nothing more and shows the same unused credential.
      Demo.run(ctx);
      JsonObject second = new JsonObject(Files.readString(server.dataDir().resolve("demo.json")));
      assertEquals(admin.getString("eabKid"), second.getJsonArray("administrators").getJsonObject(0).getString("eabKid"));
      assertEquals(2L, (long) ctx.db().txBlocking(c -> {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM habilitations WHERE status = 'ACTIVE'")) {
          rs.next();
          return rs.getLong(1);
        }
      }));

      // Once it has bound an account, the next start mints a fresh one.
      ctx.db().txBlocking(c -> new EabRepository(new EabKeySealer(ctx.caSecret())).consume(c, admin.getString("eabKid"), 1L, ctx.clock().instant()));
      Demo.run(ctx);
      JsonObject third = new JsonObject(Files.readString(server.dataDir().resolve("demo.json")));
      assertNotEquals(admin.getString("eabKid"), third.getJsonArray("administrators").getJsonObject(0).getString("eabKid"));

      // The kit really habilitates the demo administrator: ORG for each structure, SSL under its domain.
      String adminId = ctx.db().txBlocking(c -> new RegistryRepository().findAdminByCard(c, Demo.CARD).orElseThrow().id());
      RegistryService registry = new RegistryService(ctx);
      Decision org = ctx.db().txBlocking(c -> registry.decide(c, adminId, Profiles.get("ORG_AUTH_CLI"),
          List.of(new Identifier("structure", "41000000000901"))));
      assertTrue(org instanceof Decision.Allow, org.toString());
      Decision ssl = ctx.db().txBlocking(c -> registry.decide(c, adminId, Profiles.get("SERV_SSL"),
          List.of(new Identifier("dns", "www.centre-sante.demo.test"))));
      assertTrue(ssl instanceof Decision.Allow, ssl.toString());
    }
  }
}
