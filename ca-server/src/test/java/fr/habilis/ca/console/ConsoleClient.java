package fr.habilis.ca.console;

import fr.habilis.ca.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's part in the console over real HTTPS, without a browser: cookies kept as the server
 * sets them (by name), redirects not followed (the tests look at them), forms posted url-encoded.
 */
final class ConsoleClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern FORM_TOKEN = Pattern.compile("name=\"form\" value=\"([^\"]+)\"");
  final Map<String, String> cookies = new LinkedHashMap<>();
  private final HttpClient http;
  private final String base;
  String csrf;

  ConsoleClient(TestServer server) {
    this.http = server.httpClient();
    this.base = server.endpoints().httpsBase();
  }

  String base() {
    return base;
  }

  HttpResponse<String> get(String path) throws Exception {
    return remember(http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    return remember(http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** A form post with this session's CSRF token added. */
  HttpResponse<String> action(String path, Map<String, String> form) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("csrf", csrf);
    return post(path, all);
  }

  /** Signs in with a password (and a code when given); fails unless the console lets the operator in. */
  ConsoleClient signIn(String login, String password) throws Exception {
    HttpResponse<String> r = trySignIn(login, password);
    if (r.statusCode() != 303 || !"/console/".equals(r.headers().firstValue("Location").orElse(""))) {
      throw new AssertionError("sign-in of " + login + " answered " + r.statusCode() + ": " + r.body());
    }
    HttpResponse<String> page = get("/console/habilitations");
    csrf = csrfOf(page.body());
    return this;
  }

  HttpResponse<String> trySignIn(String login, String password) throws Exception {
    HttpResponse<String> form = get("/console/signin");
    Matcher m = FORM_TOKEN.matcher(form.body());
    if (!m.find()) throw new AssertionError("no sign-in form: " + form.body());
    return post("/console/signin", Map.of("form", m.group(1), "login", login, "password", password));
  }

  static String csrfOf(String html) {
    Matcher m = CSRF.matcher(html);
    return m.find() ? m.group(1) : null;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (!cookies.isEmpty()) {
      b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
    }
    return b;
  }

  private HttpResponse<String> remember(HttpResponse<String> r) {
    List<String> set = r.headers().allValues("Set-Cookie");
    for (String c : set) {
      String pair = c.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (value.isEmpty() || c.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) cookies.remove(name);
      else cookies.put(name, value);
    }
    return r;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }
}
