package fr.habilis.ca.ra;

import fr.habilis.ca.registry.Administrator;
import fr.habilis.ca.registry.RegistryService.NewHabilitation;
import io.vertx.core.json.JsonObject;

/**
 * The RA API's input rules for the other front end, the console: a form's fields, once put in
 * the API's JSON shape, are checked by the very same code (every invalid field listed at once).
 */
public final class RaInputs {
  private RaInputs() {}

  public static NewHabilitation habilitation(JsonObject body) {
    return RaRequests.habilitation(body);
  }

  /** A structure as {@code POST /structures} reads it: idType, idValue, name, certificateName, department, address, environment. */
  public static fr.habilis.ca.registry.Structure structure(JsonObject body) {
    return RaRequests.structure(body);
  }

  public static String reason(JsonObject body) {
    return RaRequests.reason(body);
  }

  /** A replacement card: {@code newCardNumber}, {@code cardType}. */
  public static Administrator replacement(JsonObject body) {
    return RaRequests.replacement(body);
  }

  /** An incident as the RA API reads it: {@code scope}, {@code value}, {@code reason}, {@code explanationUrl}. */
  public record IncidentInput(fr.habilis.ca.renewal.Incident.Scope scope, String target, String reason, String explanationUrl) {}

  public static IncidentInput incident(JsonObject body) {
    RaIncidents.NewIncident n = RaIncidents.read(body);
    return new IncidentInput(n.scope(), n.target(), n.reason(), n.explanationUrl());
  }

  /** A card number (10 digits), else a 400 on {@code cardNumber}. */
  public static String card(String card) {
    return RaRequests.cardPath(card);
  }
}
