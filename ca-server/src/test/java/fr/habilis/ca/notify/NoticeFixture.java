package fr.habilis.ca.notify;

import fr.habilis.ca.TestCerts;
import fr.habilis.ca.TestServer;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Drives the RA API and ACME over HTTPS for the notice tests, with the addresses the notices go to. */
final class NoticeFixture {
  record Reply(int status, JsonObject json) {}

  private final TestServer server;

  NoticeFixture(TestServer server) {
    this.server = server;
  }

  Reply ra(String method, String path, JsonObject body) throws Exception {
    return ra(server.raToken(), method, path, body);
  }

  Reply ra(String token, String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoints().raUrl() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = server.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()));
  }

  JsonObject ok(String method, String path, JsonObject body, int status) throws Exception {
    Reply r = ra(method, path, body);
    if (r.status() != status) throw new AssertionError(method + " " + path + " answered " + r.status() + ": " + r.json());
    return r.json();
  }

  /** A SIRET with a valid Luhn check digit, different for each {@code n} below 100,000. */
  static String siret(int n) {
    String payload = String.format("87512%08d", n);
    for (int check = 0; check < 10; check++) {
      String candidate = payload + check;
      int sum = 0;
      for (int i = 0; i < 14; i++) {
        int d = candidate.charAt(13 - i) - '0';
        if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      if (sum % 10 == 0) return candidate;
    }
    throw new IllegalStateException();
  }

  /** A test structure (SIRET, name "CHU NOTICES {siret}"), its national identifier. */
  String structure(String siret) throws Exception {
    return ok("POST", "/structures", new JsonObject().put("idType", "SIRET").put("idValue", siret)
        .put("name", "CHU NOTICES " + siret).put("department", "75").put("environment", "test"), 201).getString("nationalId");
  }

  static JsonObject admin(String card, String email, String language) {
    JsonObject a = new JsonObject().put("cardNumber", card).put("cardType", "CPA").put("lastName", "ADMIN" + card.substring(8))
        .put("firstName", "Test").put("email", email);
    if (language != null) a.put("language", language);
    return a;
  }

  /** A form-414 request (RECEIVED): signatory, administrators, SERV_SSL on {@code domain}, addresses to inform. */
  String request(String nationalId, String signatoryEmail, JsonArray admins, String domain, JsonArray inform) throws Exception {
    return ok("POST", "/habilitations", new JsonObject().put("form", "414").put("structure", nationalId)
        .put("signatory", new JsonObject().put("role", "LEGAL_REPRESENTATIVE").put("lastName", "DIRECTION")
            .put("firstName", "Claire").put("email", signatoryEmail))
        .put("administrators", admins)
        .put("offers", RaFixture.servSsl(domain))
        .put("informEmails", inform), 201).getString("reference");
  }

  /** Approves (as the approver operator: four-eyes); the EAB credential of the first administrator. */
  RaFixture.Credential approve(String reference, String nationalId) throws Exception {
    Reply r = ra(server.approverToken(), "POST", "/habilitations/" + reference + "/approve", new JsonObject());
    if (r.status() != 200) throw new AssertionError("approve " + reference + " answered " + r.status() + ": " + r.json());
    JsonObject c = r.json().getJsonArray("credentials").getJsonObject(0);
    return new RaFixture.Credential(c.getString("cardNumber"), c.getString("eabKid"), c.getString("eabHmacKey"), nationalId);
  }

  /** An ACME account bound by EAB whose only contact is {@code contact}. */
  RawAcmeClient account(RaFixture.Credential credential, String contact) throws Exception {
    RawAcmeClient c = new RawAcmeClient(server.httpClient(), server.endpoints().directoryUrl());
    RawAcmeClient.expect(c.register(credential), 201, "newAccount");
    RawAcmeClient.expect(c.post(c.accountUrl, new JsonObject().put("contact", new JsonArray().add("mailto:" + contact))
        .encode(), false), 200, "account update");
    return c;
  }

  /** A SERV_SSL certificate for {@code name}; its serial in hexadecimal. */
  static String issue(RawAcmeClient client, String name) throws Exception {
    String pem = client.issue(new JsonObject().put("identifiers", new JsonArray()
        .add(new JsonObject().put("type", "dns").put("value", name))), TestCerts.dnsCsr(TestCerts.ecKey(), name));
    return fr.habilis.ca.issuance.SerialNumbers.toHex(TestCerts.chain(pem).get(0).getSerialNumber());
  }


  /** The outbox as the RA API lists it (at most 500 rows). */
  JsonArray notices(String query) throws Exception {
    return ok("GET", "/notices?limit=500" + (query.isEmpty() ? "" : "&" + query), null, 200).getJsonArray("notices");
  }
}
