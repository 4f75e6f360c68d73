package fr.habilis.ca.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Router failure handler: a {@link Problem} is rendered as {@code application/problem+json};
 * anything else is a real fault, logged and answered with the given fallback problem (never a
 * stack trace). {@code decorate} lets the ACME front end add Replay-Nonce and Link headers.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(ProblemHandler.class.getName());
  private final Function<Integer, Problem> fallback;
  private final Handler<RoutingContext> decorate;

  public ProblemHandler(Function<Integer, Problem> fallback, Handler<RoutingContext> decorate) {
    this.fallback = fallback;
    this.decorate = decorate;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Problem problem;
    if (ctx.failure() instanceof Problem p) {
      problem = p;
    } else {
      if (clientWentAway(ctx)) {
        // An upload the client aborted (connection reset or closed mid-body): nothing to answer,
        // nothing to fix on this side; a debug event, not a SEVERE stack trace.
        LOG.log(Level.FINE, () -> "client went away during " + ctx.request().method() + " " + ctx.request().path()
            + ": " + ctx.failure());
        return;
      }
      if (ctx.failure() != null) {
        LOG.log(Level.SEVERE, "unexpected failure on " + ctx.request().method() + " " + ctx.request().path(), ctx.failure());
      }
      problem = fallback.apply(ctx.failure() == null ? ctx.statusCode() : 500);
    }
    send(ctx, problem);
  }

  /** The request failed because its connection is gone (reset or closed before the body ended). */
  static boolean clientWentAway(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t == null) return false;
    if (ctx.request().connection() != null && ctx.response().closed()) return true;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.net.SocketException || c instanceof io.vertx.core.http.HttpClosedException
          || c instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
      String m = c.getMessage();
      if (m != null && (m.contains("Connection reset") || m.contains("Connection was closed"))) return true;
    }
    return false;
  }

  public void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (decorate != null) decorate.handle(ctx);
    response
        .setStatusCode(problem.status())
        .putHeader("Content-Type", "application/problem+json")
        .end(problem.toJson().encode());
  }
}
