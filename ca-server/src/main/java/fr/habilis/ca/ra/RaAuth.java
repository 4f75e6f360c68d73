package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.operators.ApiTokens;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.Principal;
import fr.habilis.ca.operators.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who calls the RA API and whether they may: a bearer token is the shared {@code raToken}
 * ({@link Principal#RA_TOKEN}, every role: automation and bootstrap) or an operator's own API
 * token (their roles); anything else is 401. Then {@link #required} — the one table of which
 * role each route needs — gives 403 to a principal without it. The principal is kept on the
 * routing context: its id is the audit trail's actor and what four-eyes compares.
 */
final class RaAuth {
  private static final String PRINCIPAL = "habilis.ra.principal";
  /**
   * Approving or rejecting what an officer recorded: a habilitation request, or an action held for
   * four-eyes. The router also takes these paths with a trailing slash, so does this.
   */
  private static final Pattern DECISION = Pattern.compile("/ra/v1/(habilitations|pending-actions)/[^/]+/(approve|reject)/?");
  private final byte[] sharedDigest;
  private final Operators operators;

  RaAuth(String sharedToken, Operators operators) {
    this.sharedDigest = sha256(sharedToken);
    this.operators = operators;
  }

  /**
   * The role a request needs: none beyond being authenticated to read (GET, HEAD: every role
   * reads, the auditor only reads); the approver's to approve or reject; the officer's for every
   * other change (records, revocations, incidents, administrators, notices, backups).
   */
  static Optional<Role> required(HttpMethod method, String path) {
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) return Optional.empty();
    if (method == HttpMethod.POST && DECISION.matcher(path).matches()) return Optional.of(Role.APPROVER);
    return Optional.of(Role.OFFICER);
  }

  /** The principal of an authenticated request (set by {@link #handle}). */
  static Principal principal(RoutingContext rc) {
    Principal p = rc.get(PRINCIPAL);
    if (p == null) throw new IllegalStateException("RA route reached without authentication");
    return p;
  }

  /** The audit trail's actor for this request: the principal's id. */
  static String actor(RoutingContext rc) {
    return principal(rc).id();
  }

  /** Compares digests in constant time (response timing says nothing about the shared token). */
  void handle(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      unauthorized(rc);
      return;
    }
    String token = header.substring(7).trim();
    if (MessageDigest.isEqual(sharedDigest, sha256(token))) {
      authorize(rc, Principal.RA_TOKEN);
      return;
    }
    if (!ApiTokens.looksLikeToken(token)) {
      unauthorized(rc);
      return;
    }
    // The body handler comes after this one: hold the body while the token is looked up.
    rc.request().pause();
    operators.byToken(token).onComplete(ar -> {
      rc.request().resume();
      if (ar.failed()) rc.fail(ar.cause());
      else if (ar.result().isEmpty()) unauthorized(rc);
      else authorize(rc, ar.result().get());
    });
  }

  private void authorize(RoutingContext rc, Principal p) {
    Optional<Role> needed = required(rc.request().method(), rc.normalizedPath());
    if (needed.isPresent() && !p.has(needed.get())) {
      rc.fail(DomainError.forbidden(p.id() + " (roles: " + Role.format(p.roles()) + ") may not " + rc.request().method()
          + " " + rc.normalizedPath() + ": the " + needed.get().wireName() + " role is needed"));
      return;
    }
    rc.put(PRINCIPAL, p);
    rc.next();
  }

  private static void unauthorized(RoutingContext rc) {
    rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"habilis-ra\"");
    rc.fail(DomainError.unauthorized("a valid RA bearer token is required (the shared RA token or an operator's API token)"));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
