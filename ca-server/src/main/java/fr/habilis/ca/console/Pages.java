package fr.habilis.ca.console;

import fr.habilis.ca.operators.Operator;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.console.ConsoleSessions.Session;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.thymeleaf.ThymeleafTemplateEngine;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders the console's Thymeleaf templates ({@code console/templates/*.html} in the jar) with
 * natural escaping ({@code th:text} only: no template uses {@code th:utext}). Rendering runs on a
 * worker thread: the first use of a template reads it from the jar. Every page gets the
 * operator, the session's CSRF token and the language.
 */
final class Pages {
  private final Vertx vertx;
  private final ThymeleafTemplateEngine engine;

  Pages(Vertx vertx) {
    this.vertx = vertx;
    this.engine = ThymeleafTemplateEngine.create(vertx);
    engine.unwrap().setMessageResolver(new ConsoleMessages());
  }

  /** Per request: who is signed in (null on the sign-in pages) and in which language. */
  record Visit(Session session, Operator operator, String language) {
    /** What the audit trail records for this operator, and what four-eyes compares. */
    String actor() {
      return operator.principal().id();
    }

    static final String KEY = "habilis.console.visit";

    static Visit of(RoutingContext rc) {
      Visit v = rc.get(KEY);
      return v != null ? v : new Visit(null, null, ConsoleApi.languageCookie(rc));
    }
  }

  Future<Void> render(RoutingContext rc, int status, String template, Map<String, Object> model) {
    Visit visit = Visit.of(rc);
    Map<String, Object> all = new HashMap<>(model);
    all.put("lang", visit.language());
    all.put("operator", visit.operator());
    all.put("csrf", visit.session() == null ? null : visit.session().csrfToken());
    all.put("canRecord", visit.operator() != null && visit.operator().has(Role.OFFICER));
    all.put("canApprove", visit.operator() != null && visit.operator().has(Role.APPROVER));
    all.put("roleLabel", visit.operator() == null ? null : String.join(", ", visit.operator().roles().stream().sorted()
        .map(r -> ConsoleMessages.get(visit.language(), "role." + r.name())).toList()));
    all.put("here", rc.request().uri());
    all.put("otherLang", "en".equals(visit.language()) ? "fr" : "en");
    return vertx.<Buffer>executeBlocking(() -> engine.render(all, "console/templates/" + template + ".html")
            .toCompletionStage().toCompletableFuture().join(), false)
        .compose(html -> rc.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html));
  }

  Future<Void> render(RoutingContext rc, String template, Map<String, Object> model) {
    return render(rc, 200, template, model);
  }
}
