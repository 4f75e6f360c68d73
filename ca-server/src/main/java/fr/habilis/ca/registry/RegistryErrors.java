package fr.habilis.ca.registry;

import fr.habilis.ca.web.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** RA problem documents ({@code urn:habilis:ra:error:*}). */
public final class RegistryErrors {
  public static final String PREFIX = "urn:habilis:ra:error:";

  private RegistryErrors() {}

  /** One invalid field of a request body: its JSON path and what is wrong with it. */
  public record FieldError(String field, String problem) {}

  public static Problem notFound(String detail) {
    return new Problem(PREFIX + "notFound", 404, detail);
  }

  public static Problem conflict(String detail) {
    return new Problem(PREFIX + "conflict", 409, detail);
  }

  public static Problem unauthorized() {
    return new Problem(PREFIX + "unauthorized", 401, "a valid RA bearer token is required");
  }

  /** 400 listing every invalid field (extension member {@code invalidFields}). */
  public static Problem invalid(List<FieldError> errors) {
    JsonArray fields = new JsonArray();
    errors.forEach(e -> fields.add(new JsonObject().put("field", e.field()).put("problem", e.problem())));
    String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).problem()
        : errors.size() + " invalid fields";
    return new Problem(PREFIX + "invalidRequest", 400, detail, List.of(), new JsonObject().put("invalidFields", fields));
  }

  public static Problem invalid(String field, String problem) {
    return invalid(List.of(new FieldError(field, problem)));
  }
}
