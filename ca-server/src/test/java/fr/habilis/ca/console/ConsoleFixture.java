package fr.habilis.ca.console;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.Role;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Operators and a test structure for the console's tests, made through the real services and RA API. */
final class ConsoleFixture {
  static final String PASSWORD = "correct horse battery staple";

  private ConsoleFixture() {}

  static void operator(TestServer server, String login, Role... roles) throws Exception {
    Operators.of(server.context()).create(new Operators.NewOperator(login, "Agent " + login, login + "@ars.example.test",
            Set.of(roles)), PASSWORD.toCharArray(), "test")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A test structure (SIRET) recorded through the RA API; returns its national identifier. */
  static String structure(TestServer server, String siret, String name) throws Exception {
    return RaFixture.of(server).post("/structures", new JsonObject().put("idType", "SIRET").put("idValue", siret)
        .put("name", name).put("department", "75").put("environment", "test"), 201).getString("nationalId");
  }
}
