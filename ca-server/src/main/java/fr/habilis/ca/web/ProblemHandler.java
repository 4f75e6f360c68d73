package fr.habilis.ca.web;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Router failure handler of one front end: a {@link DomainError} is rendered through the front
 * end's mapping as {@code application/problem+json}; anything else is a fault, logged once here
 * with the request's id and answered {@code serverInternal} (500) naming that id, never with a
 * stack trace. {@code decorate} lets the ACME front end add Replay-Nonce and Link headers.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);
  private final Function<DomainError, Problem> mapping;
  private final Handler<RoutingContext> decorate;

  public ProblemHandler(Function<DomainError, Problem> mapping, Handler<RoutingContext> decorate) {
    this.mapping = mapping;
    this.decorate = decorate;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof DomainError e) {
      send(ctx, e);
      return;
    }
    if (failure == null) { // rc.fail(status), e.g. the body handler's 413
      send(ctx, DomainError.of(kindOf(ctx.statusCode()), detailOf(ctx.statusCode())));
      return;
    }
    String id = RequestIds.of(ctx);
    if (clientWentAway(ctx)) {
      // An upload the client aborted (connection reset or closed mid-body): nothing to answer,
      // nothing to fix on this side; a debug event, not a SEVERE stack trace.
      LOG.atDebug().log(() -> "request " + id + ": client went away during " + ctx.request().method() + " "
          + ctx.request().path() + ": " + failure);
      return;
    }
    LOG.error("request " + id + ": unexpected failure on " + ctx.request().method() + " " + ctx.request().path(), failure);
    send(ctx, DomainError.internal("internal error (request id " + id + "); nothing was changed"));
  }

  private static ErrorKind kindOf(int status) {
    return switch (status) {
      case 404 -> ErrorKind.NOT_FOUND;
      case 405 -> ErrorKind.METHOD_NOT_ALLOWED;
      case 413 -> ErrorKind.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorKind.UNSUPPORTED_MEDIA_TYPE;
      case 500 -> ErrorKind.INTERNAL;
      default -> ErrorKind.MALFORMED;
    };
  }

  private static String detailOf(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "request body too large";
      case 415 -> "unsupported media type";
      case 500 -> "internal error; nothing was changed";
      default -> "bad request";
    };
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

  /** Answers {@code error} through this front end's mapping (also for handlers that answer a refusal themselves). */
  public void send(RoutingContext ctx, DomainError error) {
    Problem problem = mapping.apply(error);
    RequestObserver.refused(ctx, error.kind());
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (decorate != null) decorate.handle(ctx);
    if (problem.retryAfter() != null) {
      response.putHeader("Retry-After", Long.toString(Math.max(1, (problem.retryAfter().toMillis() + 999) / 1000)));
    }
    response
        .setStatusCode(problem.status())
        .putHeader("Content-Type", "application/problem+json")
        .end(problem.toJson().encode());
  }
}
