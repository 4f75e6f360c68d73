package fr.habilis.ca.console;

import fr.habilis.ca.console.ConsoleOperators.Accepted;
import fr.habilis.ca.console.ConsoleOperators.CodeRequired;
import fr.habilis.ca.console.ConsoleOperators.Locked;
import fr.habilis.ca.console.ConsoleOperators.Outcome;
import fr.habilis.ca.console.ConsoleSessions.Session;
import fr.habilis.ca.console.Pages.Visit;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Sign-in (password, then the one-time code of an enrolled operator) and sign-out. The sign-in
 * form is bound to a cookie of its own (double submit: a page of another site cannot post it,
 * SameSite=Strict keeps the cookie from its requests). A refusal never says which of login and
 * password was wrong; a locked account is told so, without saying whether the password was right.
 */
final class SignInPages {
  static final String FORM_COOKIE = "habilis_console_signin";
  private final Pages pages;
  private final ConsoleOperators operators;
  private final ConsoleSessions sessions;

  SignInPages(Pages pages, ConsoleOperators operators, ConsoleSessions sessions) {
    this.pages = pages;
    this.operators = operators;
    this.sessions = sessions;
  }

  /** The pages reachable without a session. */
  void mountPublic(Router router) {
    router.get(ConsoleApi.BASE + "/signin").handler(rc -> form(rc, null));
    router.post(ConsoleApi.BASE + "/signin").handler(this::password);
    router.get(ConsoleApi.BASE + "/signin/code").handler(rc -> pendingCode(rc).onSuccess(s -> {
      if (s == null) ConsoleApi.redirect(rc, ConsoleApi.BASE + "/signin");
      else codeForm(rc, s, null);
    }).onFailure(rc::fail));
    router.post(ConsoleApi.BASE + "/signin/code").handler(this::code);
  }

  /** Sign-out needs a session and its CSRF token, like every other action. */
  void mountSignedIn(Router router) {
    router.post(ConsoleApi.BASE + "/signout").handler(rc -> sessions.end(cookieValue(rc, ConsoleApi.SESSION_COOKIE))
        .onSuccess(v -> {
          rc.response().addCookie(ConsoleApi.cookie(ConsoleApi.SESSION_COOKIE, "").setMaxAge(0));
          ConsoleApi.redirect(rc, ConsoleApi.BASE + "/signin?out");
        }).onFailure(rc::fail));
  }

  private void form(RoutingContext rc, String error) {
    String token = ConsoleSessions.random();
    rc.response().addCookie(ConsoleApi.cookie(FORM_COOKIE, token));
    Map<String, Object> model = new HashMap<>();
    model.put("formToken", token);
    model.put("error", error);
    model.put("signedOut", rc.queryParams().contains("out"));
    pages.render(rc, error == null ? 200 : 401, "signin", model).onFailure(rc::fail);
  }

  private void password(RoutingContext rc) {
    String expected = cookieValue(rc, FORM_COOKIE);
    String submitted = rc.request().getFormAttribute("form");
    if (expected == null || submitted == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        submitted.getBytes(StandardCharsets.US_ASCII))) {
      form(rc, "signin.expired");
      return;
    }
    String login = trimmed(rc.request().getFormAttribute("login"));
    String password = rc.request().getFormAttribute("password");
    if (login == null || password == null || password.isEmpty()) {
      form(rc, "signin.refused");
      return;
    }
    operators.password(login, password).onSuccess(outcome -> outcome(rc, outcome)).onFailure(rc::fail);
  }

  private void code(RoutingContext rc) {
    pendingCode(rc).onSuccess(s -> {
      if (s == null) {
        ConsoleApi.redirect(rc, ConsoleApi.BASE + "/signin");
        return;
      }
      if (!ConsoleSessions.csrfMatches(s, rc.request().getFormAttribute("csrf"))) {
        rc.fail(fr.habilis.ca.error.DomainError.forbidden("the form's CSRF token is missing or wrong"));
        return;
      }
      String code = trimmed(rc.request().getFormAttribute("code"));
      if (code == null) {
        codeForm(rc, s, "signin.code.refused");
        return;
      }
      operators.code(Long.parseLong(s.operatorId()), code).onSuccess(outcome -> {
        if (outcome instanceof ConsoleOperators.Refused) codeForm(rc, s, "signin.code.refused");
        else outcome(rc, outcome);
      }).onFailure(rc::fail);
    }).onFailure(rc::fail);
  }

  private void outcome(RoutingContext rc, Outcome outcome) {
    String previous = cookieValue(rc, ConsoleApi.SESSION_COOKIE);
    if (outcome instanceof Accepted a) {
      sessions.create(Long.toString(a.operator().id()), ConsoleSessions.SIGNED_IN, previous).onSuccess(created -> {
        rc.response().addCookie(ConsoleApi.cookie(ConsoleApi.SESSION_COOKIE, created.cookie())
            .setMaxAge(sessions.lifetime().toSeconds()));
        rc.response().addCookie(ConsoleApi.cookie(FORM_COOKIE, "").setMaxAge(0));
        ConsoleApi.redirect(rc, ConsoleApi.BASE + "/");
      }).onFailure(rc::fail);
    } else if (outcome instanceof CodeRequired c) {
      sessions.create(Long.toString(c.operatorId()), ConsoleSessions.AWAITING_CODE, previous).onSuccess(created -> {
        rc.response().addCookie(ConsoleApi.cookie(ConsoleApi.SESSION_COOKIE, created.cookie()));
        ConsoleApi.redirect(rc, ConsoleApi.BASE + "/signin/code");
      }).onFailure(rc::fail);
    } else {
      form(rc, outcome instanceof Locked ? "signin.locked" : "signin.refused");
    }
  }

  private void codeForm(RoutingContext rc, Session s, String error) {
    rc.put(Visit.KEY, new Visit(s, null, ConsoleApi.languageCookie(rc)));
    Map<String, Object> model = new HashMap<>();
    model.put("error", error);
    pages.render(rc, error == null ? 200 : 401, "signin-code", model).onFailure(rc::fail);
  }

  /** The session awaiting a one-time code, or null. */
  private Future<Session> pendingCode(RoutingContext rc) {
    return sessions.find(cookieValue(rc, ConsoleApi.SESSION_COOKIE))
        .map(s -> s.filter(x -> ConsoleSessions.AWAITING_CODE.equals(x.stage())).orElse(null));
  }

  static String cookieValue(RoutingContext rc, String name) {
    Cookie c = rc.request().getCookie(name);
    return c == null ? null : c.getValue();
  }

  private static String trimmed(String s) {
    if (s == null) return null;
    String t = s.strip();
    return t.isEmpty() || t.length() > 200 ? null : t;
  }
}
