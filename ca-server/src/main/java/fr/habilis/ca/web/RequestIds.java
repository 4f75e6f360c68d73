package fr.habilis.ca.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Every request gets an id, echoed in the {@code X-Request-Id} response header and written in the
 * log lines about the request, so that an operator can match a client's report with the log. A
 * sane incoming {@code X-Request-Id} (a proxy's, a client's) is kept; anything else is replaced,
 * so that no client can put spaces, control characters or kilobytes into the log.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "habilis.requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private RequestIds() {}

  /** Installs the id on every request of {@code router}: call before any other route is added. */
  public static void install(Router router) {
    router.route().handler(RequestIds::assign);
  }

  private static void assign(RoutingContext rc) {
    String incoming = rc.request().getHeader(HEADER);
    String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : generate();
    rc.put(KEY, id);
    rc.response().putHeader(HEADER, id);
    rc.next();
  }

  /** 64 random bits in hex: unique enough to find one request in a log, cheap on the event loop. */
  static String generate() {
    long v = ThreadLocalRandom.current().nextLong();
    char[] hex = new char[16];
    for (int i = 15; i >= 0; i--, v >>>= 4) hex[i] = Character.forDigit((int) (v & 15), 16);
    return new String(hex);
  }

  /** The request's id ("-" for a request that came in before the id was assigned). */
  public static String of(RoutingContext rc) {
    String id = rc.get(KEY);
    return id == null ? "-" : id;
  }
}
