package fr.habilis.ca.console;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The headers of every console answer, pages, redirects, errors and static files alike: scripts
 * and styles from the console itself only (no inline script: an injected one would not run), no
 * framing, forms posted to the console only, nothing kept by a cache or leaked in a Referer.
 */
final class SecurityHeaders {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none';"
      + " form-action 'self'; base-uri 'none'";

  private SecurityHeaders() {}

  static void install(RoutingContext rc) {
    rc.addHeadersEndHandler(v -> {
      MultiMap h = rc.response().headers();
      h.set("Content-Security-Policy", CSP);
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("Cache-Control", "no-store");
      h.set("X-Frame-Options", "DENY");
    });
    rc.next();
  }
}
