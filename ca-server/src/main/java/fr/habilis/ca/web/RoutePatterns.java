package fr.habilis.ca.web;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The route pattern a request was served by ({@code /acme/order/:id}, never {@code /acme/order/42}):
 * a label of bounded cardinality for metrics and the access log. Usually the route whose handler
 * answered; a request that failed is answered by a failure handler on a wider route
 * ({@code /acme/*}), so its path is matched against the router's own patterns instead.
 */
final class RoutePatterns {
  static final String UNMATCHED = "unmatched";
  private final Router router;
  private volatile Table table = new Table(-1, Map.of(), List.of());

  private record Table(int routes, Map<String, String> exact, List<Map.Entry<Pattern, String>> parameterised) {}

  RoutePatterns(Router router) {
    this.router = router;
  }

  String of(RoutingContext rc) {
    Route route = rc.currentRoute();
    String path = route == null ? null : route.getPath();
    if (path != null && !rc.failed() && !path.endsWith("*")) return path;
    if (path == null && !rc.failed()) return UNMATCHED; // the catch-all 404
    String matched = match(rc.request().path());
    if (matched != null) return matched;
    return path != null && path.endsWith("*") ? path : UNMATCHED;
  }

  /** The router's pattern for a concrete path, or null; the table follows the routes mounted since (start-up mounts late). */
  String match(String path) {
    if (path == null) return null;
    List<Route> routes = router.getRoutes();
    Table t = table;
    if (t.routes() != routes.size()) {
      t = build(routes);
      table = t;
    }
    String exact = t.exact().get(path);
    if (exact != null) return exact;
    for (Map.Entry<Pattern, String> p : t.parameterised()) if (p.getKey().matcher(path).matches()) return p.getValue();
    return null;
  }

  private static Table build(List<Route> routes) {
    Map<String, String> exact = new HashMap<>();
    List<Map.Entry<Pattern, String>> parameterised = new ArrayList<>();
    for (Route r : routes) {
      String p = r.getPath();
      if (p == null || p.endsWith("*")) continue;
      if (!p.contains(":")) {
        exact.put(p, p);
        continue;
      }
      StringBuilder regex = new StringBuilder();
      for (String segment : p.substring(1).split("/", -1)) {
        regex.append('/').append(segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment));
      }
      parameterised.add(Map.entry(Pattern.compile(regex.toString()), p));
    }
    return new Table(routes.size(), exact, parameterised);
  }
}
