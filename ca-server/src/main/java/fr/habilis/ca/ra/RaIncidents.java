package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.CaHierarchy;
import fr.habilis.ca.error.DomainError.FieldError;
import fr.habilis.ca.renewal.Incident;
import fr.habilis.ca.renewal.RenewalService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Incidents in the RA API: an operator moves the renewal window of one certificate, a structure's,
 * a profile's or an issuing CA's certificates to now, with a reason that renewalInfo's
 * explanationURL shows (RFC 9773 §4.2). Declaring one needs two principals (issue 19's four-eyes):
 * an officer records it, another principal approves it (operators/PendingActions).
 */
final class RaIncidents {
  private static final Pattern SERIAL = Pattern.compile("[0-9A-Fa-f]{1,64}");
  private static final Pattern NATIONAL_ID = Pattern.compile("[0-9A-Z]{2,20}");
  private final RenewalService renewal;
  private final RaPendingActions pending;

  RaIncidents(RenewalService renewal, RaPendingActions pending) {
    this.renewal = renewal;
    this.pending = pending;
  }

  void mount(Router router) {
    // Four-eyes: recorded here, declared when another principal approves the pending action.
    router.post("/ra/v1/incidents").handler(rc -> {
      NewIncident n = read(RaApi.body(rc));
      pending.recordIncident(rc, n.scope(), n.target(), n.reason(), n.explanationUrl());
    });
    router.get("/ra/v1/incidents").handler(rc -> {
      int limit = RaApi.intParam(rc, "limit", 50, 1, 500);
      int offset = RaApi.intParam(rc, "offset", 0, 0, Integer.MAX_VALUE);
      RaApi.reply(rc, 200, renewal.incidents(limit, offset).map(list -> {
        JsonArray items = new JsonArray();
        list.forEach(i -> items.add(json(i)));
        return new JsonObject().put("incidents", items).put("limit", limit).put("offset", offset);
      }));
    });
    router.get("/ra/v1/incidents/:id").handler(rc -> {
      long id = id(rc.pathParam("id"));
      RaApi.reply(rc, 200, renewal.incident(id)
          .map(found -> found.orElseThrow(() -> DomainError.notFound("no incident " + rc.pathParam("id"))))
          .compose(i -> renewal.covered(i).map(n -> json(i).put("certificates", n))));
    });
  }

  record NewIncident(Incident.Scope scope, String target, String reason, String explanationUrl) {}

  /** Every invalid field at once, like the other RA requests. */
  static NewIncident read(JsonObject body) {
    List<FieldError> errors = new ArrayList<>();
    Incident.Scope scope = null;
    Object s = body.getValue("scope");
    if (s == null) {
      errors.add(new FieldError("scope", "is required"));
    } else if (!(s instanceof String text) || (scope = Incident.Scope.ofWireName(text)) == null) {
      errors.add(new FieldError("scope", "must be one of certificate, structure, profile, ca"));
    }
    String target = text(body, "value", 64, errors);
    if (scope != null && target != null) {
      switch (scope) {
        case CERTIFICATE -> {
          if (!SERIAL.matcher(target).matches() || SerialNumbers.fromHex(target).signum() <= 0) {
            errors.add(new FieldError("value", "a certificate serial number in hexadecimal"));
          } else {
            target = SerialNumbers.toHex(SerialNumbers.fromHex(target));
          }
        }
        case STRUCTURE -> {
          if (!NATIONAL_ID.matcher(target).matches()) errors.add(new FieldError("value", "a structure's national identifier"));
        }
        case PROFILE -> {
          if (Profiles.get(target) == null) {
            errors.add(new FieldError("value", "one of " + String.join(", ", Profiles.all().stream().map(p -> p.name().name()).toList())));
          }
        }
        case CA -> {
          if (!target.equals(CaHierarchy.ORG) && !target.equals(CaHierarchy.PRO)) {
            errors.add(new FieldError("value", "an issuing CA: org or pro"));
          }
        }
      }
    }
    String reason = text(body, "reason", 500, errors);
    String url = null;
    Object u = body.getValue("explanationUrl");
    if (u != null) {
      url = u instanceof String text ? text.strip() : null;
      if (url == null || url.length() > 500 || !isHttpUrl(url)) {
        errors.add(new FieldError("explanationUrl", "an absolute http(s) URL of at most 500 characters"));
      }
    }
    if (!errors.isEmpty()) throw DomainError.invalidFields(errors);
    return new NewIncident(scope, target, reason, url);
  }

  private static String text(JsonObject body, String name, int max, List<FieldError> errors) {
    Object v = body.getValue(name);
    if (v == null || v instanceof String s && s.isBlank()) {
      errors.add(new FieldError(name, "is required"));
      return null;
    }
    if (!(v instanceof String s)) {
      errors.add(new FieldError(name, "must be a string"));
      return null;
    }
    String t = s.strip();
    if (t.length() > max) {
      errors.add(new FieldError(name, "longer than " + max + " characters"));
      return null;
    }
    if (t.chars().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError(name, "contains control characters"));
      return null;
    }
    return t;
  }

  private static boolean isHttpUrl(String s) {
    try {
      URI u = new URI(s);
      return u.getHost() != null && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static long id(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw DomainError.notFound("no incident " + s);
    }
  }

  private JsonObject json(Incident i) {
    return new JsonObject().put("id", i.id()).put("scope", i.scope().wireName()).put("value", i.target())
        .put("reason", i.reason()).put("explanationURL", renewal.explanationUrl(i)).put("declaredBy", i.actor())
        .put("declaredAt", i.declaredAt().toString());
  }
}
