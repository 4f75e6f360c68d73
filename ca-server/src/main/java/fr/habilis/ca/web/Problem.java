package fr.habilis.ca.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * An RFC 7807 problem document. ACME problems use {@code urn:ietf:params:acme:error:*} types
 * (RFC 8555 §6.7); RA problems use {@code urn:habilis:ra:error:*}. Thrown as an exception so
 * any layer can stop a request with a precise answer; {@link ProblemHandler} renders it.
 */
public final class Problem extends RuntimeException {
  private final String type;
  private final int status;
  private final List<JsonObject> subproblems;
  private final JsonObject extra;
  private Duration retryAfter;

  public Problem(String type, int status, String detail) {
    this(type, status, detail, List.of(), new JsonObject());
  }

  public Problem(String type, int status, String detail, List<JsonObject> subproblems, JsonObject extra) {
    super(detail, null, false, false);
    this.type = type;
    this.status = status;
    this.subproblems = List.copyOf(subproblems);
    this.extra = extra == null ? new JsonObject() : extra;
  }

  public String type() {
    return type;
  }

  public int status() {
    return status;
  }

  public String detail() {
    return getMessage();
  }

  public List<JsonObject> subproblems() {
    return subproblems;
  }

  /** Extra members added to the document (e.g. {@code algorithms}, {@code invalidFields}). */
  public JsonObject extra() {
    return extra;
  }

  /** When the client may try again (sent as Retry-After, rounded up to whole seconds). */
  public Problem retryAfter(Duration delay) {
    this.retryAfter = delay;
    return this;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type).put("detail", detail()).put("status", status);
    if (!subproblems.isEmpty()) json.put("subproblems", new JsonArray(List.copyOf(subproblems)));
    extra.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }
}
