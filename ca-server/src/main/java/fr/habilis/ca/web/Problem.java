package fr.habilis.ca.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * An RFC 7807 problem document as sent: built only by a front end's mapping of a
 * {@link fr.habilis.ca.error.DomainError} ({@code acme.AcmeProblems}, {@code ra.RaErrors},
 * {@link HttpProblems}), never by domain code; {@link ProblemHandler} renders it.
 *
 * @param extra members added to the document (e.g. {@code algorithms}, {@code invalidFields})
 * @param retryAfter when the client may try again (sent as Retry-After), or null
 */
public record Problem(String type, int status, String detail, List<JsonObject> subproblems, JsonObject extra,
    Duration retryAfter) {

  public Problem {
    subproblems = List.copyOf(subproblems);
    extra = extra == null ? new JsonObject() : extra;
  }

  public Problem(String type, int status, String detail) {
    this(type, status, detail, List.of(), null, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type).put("detail", detail).put("status", status);
    if (!subproblems.isEmpty()) json.put("subproblems", new JsonArray(List.copyOf(subproblems)));
    extra.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }
}
