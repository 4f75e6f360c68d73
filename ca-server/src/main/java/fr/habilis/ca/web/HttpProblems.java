package fr.habilis.ca.web;

import fr.habilis.ca.error.DomainError;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The problem documents of the plain HTTP resources (CRLs, CA certificates): {@code about:blank} and the status. */
public final class HttpProblems {
  private HttpProblems() {}

  public static Problem toProblem(DomainError e) {
    int status = switch (e.kind()) {
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case PAYLOAD_TOO_LARGE -> 413;
      case CONFLICT -> 409;
      case UNAUTHORIZED, FORBIDDEN -> 403;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
      default -> 400;
    };
    Problem p = new Problem("about:blank", status, e.detail(), java.util.List.of(),
        new io.vertx.core.json.JsonObject().put("title", HttpResponseStatus.valueOf(status).reasonPhrase()), e.retryAfter());
    return p;
  }
}
