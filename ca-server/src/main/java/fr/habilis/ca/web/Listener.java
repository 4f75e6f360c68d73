package fr.habilis.ca.web;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One listening port served by several HTTP server instances, one per event loop, so a single
 * listener uses every core (Vert.x balances connections across servers sharing a port). With
 * port 0 the first instance picks a free port and the others join it.
 */
public final class Listener {
  private final int port;
  private final String deploymentId;

  private Listener(int port, String deploymentId) {
    this.port = port;
    this.deploymentId = deploymentId;
  }

  public int port() {
    return port;
  }

  public static Future<Listener> start(Vertx vertx, HttpServerOptions options, Router router, String host, int port, int instances) {
    AtomicInteger bound = new AtomicInteger();
    return vertx.deployVerticle(() -> new ServerVerticle(options, router, host, port, bound), new DeploymentOptions())
        .compose(first -> {
          if (instances <= 1) return Future.succeededFuture(new Listener(bound.get(), first));
          int actual = bound.get();
          return vertx.deployVerticle(() -> new ServerVerticle(options, router, host, actual, new AtomicInteger()),
                  new DeploymentOptions().setInstances(instances - 1))
              .map(more -> new Listener(actual, first + "," + more))
              .recover(err -> vertx.undeploy(first).transform(x -> Future.failedFuture(err)));
        });
  }

  public Future<Void> close(Vertx vertx) {
    Future<Void> all = Future.succeededFuture();
    for (String id : deploymentId.split(",")) {
      all = all.compose(x -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return all;
  }

  private static final class ServerVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final Router router;
    private final String host;
    private final int port;
    private final AtomicInteger bound;

    ServerVerticle(HttpServerOptions options, Router router, String host, int port, AtomicInteger bound) {
      this.options = options;
      this.router = router;
      this.host = host;
      this.port = port;
      this.bound = bound;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(options).requestHandler(router).listen(port, host)
          .map(HttpServer::actualPort).onSuccess(bound::set);
    }
  }
}
