package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.web.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The one mapping of {@link ErrorKind} to RA problem documents ({@code urn:habilis:ra:error:*}). */
public final class RaErrors {
  public static final String PREFIX = "urn:habilis:ra:error:";

  private RaErrors() {}

  public static Problem toProblem(DomainError e) {
    String type;
    int status;
    switch (e.kind()) {
      case NOT_FOUND -> { type = "notFound"; status = 404; }
      case CONFLICT, ALREADY_REVOKED, ALREADY_REPLACED -> { type = "conflict"; status = 409; }
      case UNAUTHORIZED -> { type = "unauthorized"; status = 401; } // no valid bearer token
      case FORBIDDEN -> { type = "forbidden"; status = 403; } // a role it lacks, or four-eyes
      case METHOD_NOT_ALLOWED -> { type = "invalidRequest"; status = 405; }
      case PAYLOAD_TOO_LARGE -> { type = "invalidRequest"; status = 413; }
      case UNSUPPORTED_MEDIA_TYPE -> { type = "invalidRequest"; status = 415; }
      case RATE_LIMITED -> { type = "rateLimited"; status = 429; }
      case UNAVAILABLE -> { type = "unavailable"; status = 503; }
      case INTERNAL -> { type = "serverInternal"; status = 500; }
      default -> { type = "invalidRequest"; status = 400; }
    }
    JsonObject extra = new JsonObject();
    if (!e.fields().isEmpty()) {
      JsonArray fields = new JsonArray();
      e.fields().forEach(f -> fields.add(new JsonObject().put("field", f.field()).put("problem", f.problem())));
      extra.put("invalidFields", fields);
    }
    return new Problem(PREFIX + type, status, e.detail(), List.of(), extra, e.retryAfter());
  }
}
