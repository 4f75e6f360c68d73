package fr.habilis.ca.console;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.operators.Operator;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.console.ConsoleSessions.Session;
import fr.habilis.ca.console.Pages.Visit;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.web.HttpProblems;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RA console under {@code /console/} on the HTTPS listener: the registration officers' pages,
 * rendered on the server. Every answer carries {@link SecurityHeaders}; every page but sign-in
 * needs a session (else a redirect to sign-in, or 403 for a POST); every POST needs the session's
 * CSRF token; every action is refused server-side to a role that may not take it. Pages call the
 * same services as the RA API, with the operator as the audit trail's actor.
 */
public final class ConsoleApi {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleApi.class);
  static final String BASE = "/console";
  static final String SESSION_COOKIE = "habilis_console";
  static final String LANGUAGE_COOKIE = "habilis_console_lang";

  private final ServerContext ctx;
  private final ConsoleOperators operators;
  private final ConsoleSessions sessions;
  private final Pages pages;
  private final List<PageGroup> groups;

  /** The pages of one subject (habilitations, structures…), mounted behind the guards. */
  interface PageGroup {
    void mount(Router router, Guards guards);
  }

  public ConsoleApi(ServerContext ctx, Operators operators, ConsoleServices services) {
    this.ctx = ctx;
    this.operators = new ConsoleOperators(operators, ctx.clock());
    this.sessions = new ConsoleSessions(ctx);
    this.pages = new Pages(ctx.vertx());
    this.groups = List.of(new HabilitationPages(pages, services), new StructurePages(pages, services),
        new CertificatePages(pages, services), new AdministratorPages(pages, services),
        new IncidentPages(pages, services));
  }

  public void mount(Router router) {
    router.route(BASE + "/*").handler(SecurityHeaders::install).failureHandler(this::failure);
    // "/console/*" also matches "/console": send it where relative paths work.
    router.route(BASE + "/*").handler(rc -> {
      if (rc.request().path().equals(BASE)) redirect(rc, BASE + "/");
      else rc.next();
    });
    router.route(BASE + "/static/*").handler(StaticHandler.create("console/static").setCachingEnabled(false)
        .setDirectoryListing(false).setIncludeHidden(false));
    router.route(BASE + "/*").handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    SignInPages signIn = new SignInPages(pages, operators, sessions);
    signIn.mountPublic(router);
    router.get(BASE + "/language").handler(this::language);
    router.route(BASE + "/*").handler(this::requireSession);
    router.route(BASE + "/*").handler(this::requireCsrf);
    signIn.mountSignedIn(router);
    router.get(BASE + "/").handler(rc -> redirect(rc, BASE + "/habilitations"));
    Guards guards = new Guards();
    groups.forEach(g -> g.mount(router, guards));
    router.route(BASE + "/*").handler(rc -> rc.fail(DomainError.notFound("no page at " + rc.request().path())));
  }

  /** Route guards by role: a page or action for the listed roles only (403 for the others). */
  static final class Guards {
    Handler<RoutingContext> only(Role... roles) {
      List<Role> allowed = Arrays.asList(roles);
      return rc -> {
        Operator op = Visit.of(rc).operator();
        if (op == null || allowed.stream().noneMatch(op::has)) {
          rc.fail(DomainError.forbidden("this action needs the role " + String.join(" or ",
              allowed.stream().map(Role::wireName).toList())));
          return;
        }
        rc.next();
      };
    }
  }

  private void requireSession(RoutingContext rc) {
    boolean post = rc.request().method() == HttpMethod.POST;
    Cookie cookie = rc.request().getCookie(SESSION_COOKIE);
    sessions.find(cookie == null ? null : cookie.getValue()).compose(found -> {
      if (found.isEmpty() || !found.get().signedIn()) return io.vertx.core.Future.succeededFuture((Visit) null);
      Session s = found.get();
      return operators.find(Long.parseLong(s.operatorId())).map(op -> op.map(o -> new Visit(s, o, languageCookie(rc))).orElse(null));
    }).onSuccess(visit -> {
      if (visit == null) {
        if (post) rc.fail(DomainError.forbidden("sign in first"));
        else redirect(rc, BASE + "/signin");
        return;
      }
      rc.put(Visit.KEY, visit);
      rc.next();
    }).onFailure(rc::fail);
  }

  private void requireCsrf(RoutingContext rc) {
    if (rc.request().method() != HttpMethod.POST) {
      rc.next();
      return;
    }
    if (!ConsoleSessions.csrfMatches(Visit.of(rc).session(), rc.request().getFormAttribute("csrf"))) {
      rc.fail(DomainError.forbidden("the form's CSRF token is missing or wrong; reload the page"));
      return;
    }
    rc.next();
  }

  /** {@code GET /console/language?lang=en&back=/console/…}: a preference cookie, nothing else changes. */
  private void language(RoutingContext rc) {
    String lang = "en".equals(rc.queryParams().get("lang")) ? "en" : "fr";
    rc.response().addCookie(cookie(LANGUAGE_COOKIE, lang).setMaxAge(365L * 24 * 3600));
    String back = rc.queryParams().get("back");
    redirect(rc, back != null && back.startsWith(BASE + "/") && !back.contains("//") && !back.contains("\\")
        ? back : BASE + "/");
  }

  static String languageCookie(RoutingContext rc) {
    Cookie c = rc.request().getCookie(LANGUAGE_COOKIE);
    return c != null && "en".equals(c.getValue()) ? "en" : "fr";
  }

  /** Console cookies: never sent cross-site, never over plain HTTP, never read by a script. */
  static Cookie cookie(String name, String value) {
    return Cookie.cookie(name, value).setPath(BASE).setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.STRICT);
  }

  static void redirect(RoutingContext rc, String location) {
    rc.response().setStatusCode(303).putHeader("Location", location).end();
  }

  private void failure(RoutingContext rc) {
    Throwable t = rc.failure();
    int status;
    String detail;
    List<DomainError.FieldError> fields = List.of();
    if (t instanceof DomainError e) {
      status = HttpProblems.toProblem(e).status();
      detail = e.detail();
      fields = e.fields();
    } else if (rc.statusCode() > 0 && t == null) {
      status = rc.statusCode();
      detail = null;
    } else {
      status = 500;
      detail = null;
      LOG.error("console: {} {} failed", rc.request().method(), rc.request().path(), t);
    }
    if (rc.response().headWritten()) {
      rc.response().reset();
      return;
    }
    String language = Visit.of(rc).language();
    String title = ConsoleMessages.get(language, "error." + status);
    if (title.startsWith("??")) title = ConsoleMessages.get(language, "error.other", status);
    pages.render(rc, status, "error", Map.of("title", title, "detail", detail == null ? "" : detail, "fields", fields))
        .onFailure(err -> {
          LOG.error("console: error page failed", err);
          if (!rc.response().headWritten()) rc.response().setStatusCode(status).end();
        });
  }
}
