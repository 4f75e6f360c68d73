package fr.habilis.ca.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * A known resource asked with a method it does not take answers 405 with {@code Allow} (RFC 9110
 * §15.5.6), not the catch-all 404 that would say the resource does not exist.
 */
public final class MethodNotAllowed {
  private MethodNotAllowed() {}

  /**
   * Registers, after the paths' own method routes, a route answering every other method.
   * {@code problemType} is the problem document's type (e.g. ACME's malformed, or about:blank).
   */
  public static void after(Router router, String allow, String problemType, String... paths) {
    for (String path : paths) {
      router.route(path).handler(rc -> rc.response().setStatusCode(405).putHeader("Allow", allow)
          .putHeader("Content-Type", "application/problem+json")
          .end(new JsonObject().put("type", problemType).put("status", 405)
              .put("detail", rc.request().method() + " is not allowed on " + rc.request().path() + "; use " + allow).encode()));
    }
  }
}
