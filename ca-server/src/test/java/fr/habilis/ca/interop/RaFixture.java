package fr.habilis.ca.interop;

import fr.habilis.ca.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Drives the RA API as an operator would (over HTTPS, with the bearer token) to give ACME clients
 * a habilitated administrator: structure, form 414, approval, EAB credential.
 */
public final class RaFixture {
  /** What an ACME client needs: the administrator's card and a fresh EAB credential. */
  public record Credential(String cardNumber, String eabKid, String eabHmacKey, String nationalId) {}

  /** Gives a token when first needed (an operator is created in the server's database then). */
  @FunctionalInterface
  public interface TokenSource {
    String get() throws Exception;
  }

  private final HttpClient http;
  private final String raUrl;
  private final String token;
  private final TokenSource approver;

  /**
   * {@code token} records (the shared RA token); {@code approver}, another principal's token,
   * approves what it recorded (four-eyes).
   */
  public RaFixture(HttpClient http, String raUrl, String token, TokenSource approver) {
    this.http = http;
    this.raUrl = raUrl;
    this.token = token;
    this.approver = approver;
  }

  /**
   * For the bench tools against a running server: the shared token from its endpoints file, and
   * the approver's token that bench/common.sh's make_approver wrote beside it.
   */
  public static RaFixture forBench(HttpClient http, JsonObject endpoints) throws java.io.IOException {
    java.nio.file.Path tokenFile = java.nio.file.Path.of(endpoints.getString("raTokenFile"));
    java.nio.file.Path approverFile = tokenFile.resolveSibling("bench-approver-token");
    String token = java.nio.file.Files.readString(tokenFile).trim();
    return new RaFixture(http, endpoints.getString("raUrl"), token, () -> {
      if (!java.nio.file.Files.isRegularFile(approverFile)) {
        throw new IllegalStateException("no " + approverFile + ": create an approver first (bench/common.sh make_approver)");
      }
      return java.nio.file.Files.readString(approverFile).trim();
    });
  }

  public static RaFixture of(TestServer server) {
    return new RaFixture(server.httpClient(), server.endpoints().raUrl(), server.raToken(), server::approverToken);
  }

  /**
   * Records a test structure (SIRET), a form-414 request for one CPA administrator with the given
   * offers, approves it, and returns that administrator's credential.
   */
  public Credential habilitate(String siret, String cardNumber, JsonArray offers) throws Exception {
    return habilitate(siret, cardNumber, offers, "CENTRE HOSPITALIER INTEROP");
  }

  /** {@link #habilitate(String, String, JsonArray)} for a structure of that name. */
  public Credential habilitate(String siret, String cardNumber, JsonArray offers, String structureName) throws Exception {
    JsonObject structure = post("/structures", new JsonObject()
        .put("idType", "SIRET").put("idValue", siret).put("name", structureName)
        .put("department", "75").put("environment", "test"), 201);
    String nationalId = structure.getString("nationalId");
    JsonObject request = post("/habilitations", new JsonObject()
        .put("form", "414").put("structure", nationalId)
        .put("signatory", new JsonObject().put("role", "LEGAL_REPRESENTATIVE")
            .put("lastName", "DUPONT").put("firstName", "MARIE").put("email", "direction@example.test"))
        .put("administrators", new JsonArray().add(new JsonObject()
            .put("cardNumber", cardNumber).put("cardType", "CPA").put("lastName", "MARTIN")
            .put("firstName", "PAUL").put("email", "admin@example.test").put("phone", "0102030405")))
        .put("offers", offers)
        .put("usage", "interoperability tests").put("editor", "HABILIS").put("solution", "tests"), 201);
    JsonObject approved = approve("/habilitations/" + request.getString("reference") + "/approve", new JsonObject(), 200);
    JsonObject c = approved.getJsonArray("credentials").getJsonObject(0);
    return new Credential(c.getString("cardNumber"), c.getString("eabKid"), c.getString("eabHmacKey"), nationalId);
  }

  /** One SERV_SSL offer for {@code domain} with scope DOMAIN (every name under it). */
  public static JsonArray servSsl(String domain) {
    return new JsonArray().add(new JsonObject().put("offer", "SERV_SSL").put("domain", domain).put("scope", "DOMAIN"));
  }

  /** A fresh credential for an administrator who already has one (a second server or worker). */
  public Credential newCredential(String cardNumber, String nationalId) throws Exception {
    JsonObject c = post("/admins/" + cardNumber + "/eab", new JsonObject(), 201, 200);
    return new Credential(cardNumber, c.getString("eabKid"), c.getString("eabHmacKey"), nationalId);
  }

  /** GET on the RA API (e.g. {@code /certificates/{serial}}); fails unless the answer is 200. */
  public JsonObject get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(raUrl + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("RA " + path + " answered " + r.statusCode() + ": " + r.body());
    return new JsonObject(r.body());
  }

  /**
   * Declares an incident (scope certificate, structure, profile or ca): those certificates should
   * renew now. Recorded with the shared token, approved by the approver (four-eyes); the incident.
   */
  public JsonObject incident(String scope, String value, String reason) throws Exception {
    JsonObject recorded = post("/incidents", new JsonObject().put("scope", scope).put("value", value).put("reason", reason), 202);
    return approve("/pending-actions/" + recorded.getLong("id") + "/approve", new JsonObject(), 200).getJsonObject("outcome");
  }

  /** POST on the RA API; fails unless the status is one of {@code expected}. */
  public JsonObject post(String path, JsonObject body, int... expected) throws Exception {
    return post(token, path, body, expected);
  }

  /** POST as the approver (a principal other than the recorder's). */
  public JsonObject approve(String path, JsonObject body, int... expected) throws Exception {
    return post(approver.get(), path, body, expected);
  }

  private JsonObject post(String bearer, String path, JsonObject body, int... expected) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(raUrl + path))
        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    for (int status : expected) {
      if (r.statusCode() == status) return new JsonObject(r.body());
    }
    throw new IllegalStateException("RA " + path + " answered " + r.statusCode() + ": " + r.body());
  }
}
