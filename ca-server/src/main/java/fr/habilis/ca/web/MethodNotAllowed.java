package fr.habilis.ca.web;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import io.vertx.ext.web.Router;

/**
 * A known resource asked with a method it does not take answers 405 with {@code Allow} (RFC 9110
 * §15.5.6), not the catch-all 404 that would say the resource does not exist.
 */
public final class MethodNotAllowed {
  private MethodNotAllowed() {}

  /**
   * Registers, after the paths' own method routes, a route answering every other method, with the
   * problem document of the front end that {@code problems} renders for.
   */
  public static void after(Router router, String allow, ProblemHandler problems, String... paths) {
    for (String path : paths) {
      router.route(path).handler(rc -> {
        rc.response().putHeader("Allow", allow);
        problems.send(rc, DomainError.of(ErrorKind.METHOD_NOT_ALLOWED,
            rc.request().method() + " is not allowed on " + rc.request().path() + "; use " + allow));
      });
    }
  }
}
