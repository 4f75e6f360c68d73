package fr.habilis.ca.acme;

import fr.habilis.ca.web.Problem;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** ACME problem documents (RFC 8555 §6.7), each with its HTTP status. */
final class AcmeProblems {
  static final String PREFIX = "urn:ietf:params:acme:error:";

  private AcmeProblems() {}

  static Problem of(String type, int status, String detail) {
    return new Problem(PREFIX + type, status, detail);
  }

  static Problem malformed(String detail) {
    return of("malformed", 400, detail);
  }

  static Problem unauthorized(String detail) {
    return of("unauthorized", 403, detail);
  }

  static Problem badNonce(String detail) {
    return of("badNonce", 400, detail);
  }

  static Problem accountDoesNotExist(String detail) {
    return of("accountDoesNotExist", 400, detail);
  }

  static Problem badCsr(String detail) {
    return of("badCSR", 400, detail);
  }

  static Problem badPublicKey(String detail) {
    return of("badPublicKey", 400, detail);
  }

  static Problem orderNotReady(String detail) {
    return of("orderNotReady", 403, detail);
  }

  static Problem notFound(String what) {
    return new Problem(PREFIX + "malformed", 404, "no such " + what);
  }

  static Problem badSignatureAlgorithm(String detail, List<String> accepted) {
    return new Problem(PREFIX + "badSignatureAlgorithm", 400, detail, List.of(),
        new JsonObject().put("algorithms", new io.vertx.core.json.JsonArray(accepted)));
  }

  static Problem rejected(String detail, List<JsonObject> subproblems) {
    return new Problem(PREFIX + "rejectedIdentifier", 403, detail, subproblems, null);
  }

  /** rateLimited, with the Retry-After the limit computed (RFC 8555 §6.6). */
  static Problem rateLimited(String detail, Duration retryAfter) {
    return of("rateLimited", 429, detail).retryAfter(retryAfter);
  }

  /** RFC 9773 §7.4: the certificate named in replaces already has a successor (409 Conflict). */
  static Problem alreadyReplaced(String detail) {
    return of("alreadyReplaced", 409, detail);
  }

  static Problem serverInternal() {
    return of("serverInternal", 500, "internal error; nothing was changed");
  }
}
