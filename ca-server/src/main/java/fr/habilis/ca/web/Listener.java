package fr.habilis.ca.web;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One listening port served by several HTTP server instances, one per event loop, so a single
 * listener uses every core (Vert.x balances connections across servers sharing a port). With
 * port 0 the first instance picks a free port and the others join it.
 */
public final class Listener {
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();
  private final int port;
  private final String deploymentId;
  private final List<HttpServer> servers;

  private Listener(int port, String deploymentId, List<HttpServer> servers) {
    this.port = port;
    this.deploymentId = deploymentId;
    this.servers = servers;
  }

  public int port() {
    return port;
  }

  public static Future<Listener> start(Vertx vertx, HttpServerOptions options, Router router, String host, int port, int instances) {
    return start(vertx, options, router, host, port, instances, Integer.MAX_VALUE);
  }

  /**
   * Starts the listener; a remote address holding {@code maxPerIp} open connections has its next
   * one closed at once (the instances share the count).
   */
  public static Future<Listener> start(Vertx vertx, HttpServerOptions options, Router router, String host, int port, int instances,
      int maxPerIp) {
    AtomicInteger bound = new AtomicInteger();
    ConnectionLimit limit = new ConnectionLimit(maxPerIp);
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    // Vert.x shares one random port among servers that listen on the same negative port number;
    // each listener gets its own negative number so HTTP and HTTPS never share a port.
    int listenPort = port == 0 ? -RANDOM_PORT_KEYS.incrementAndGet() : port;
    return vertx.deployVerticle(() -> new ServerVerticle(options, router, host, listenPort, bound, limit, servers),
            new DeploymentOptions().setInstances(instances))
        .map(id -> new Listener(bound.get(), id, servers));
  }

  public Future<Void> close(Vertx vertx) {
    return vertx.undeploy(deploymentId).recover(e -> Future.succeededFuture());
  }

  /**
   * Stops accepting connections at once; requests already received get up to {@code grace} to be
   * answered (HTTP/1.1 connections close after their current response, HTTP/2 ones get a GOAWAY),
   * then whatever is left is closed.
   */
  public Future<Void> shutdown(Vertx vertx, Duration grace) {
    return Future.join(servers.stream().map(s -> s.shutdown(grace)).toList())
        .<Void>mapEmpty().otherwiseEmpty().compose(x -> close(vertx));
  }

  private static final class ServerVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final Router router;
    private final String host;
    private final int port;
    private final AtomicInteger bound;
    private final ConnectionLimit limit;
    private final List<HttpServer> servers;

    ServerVerticle(HttpServerOptions options, Router router, String host, int port, AtomicInteger bound, ConnectionLimit limit,
        List<HttpServer> servers) {
      this.options = options;
      this.router = router;
      this.host = host;
      this.port = port;
      this.bound = bound;
      this.limit = limit;
      this.servers = servers;
    }

    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer(options).connectionHandler(limit::admit).requestHandler(router);
      servers.add(server);
      return server.listen(port, host).map(HttpServer::actualPort).onSuccess(bound::set);
    }
  }

  /** Open connections per remote address, shared by a listener's instances. */
  private static final class ConnectionLimit {
    private final int max;
    private final java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> open = new java.util.concurrent.ConcurrentHashMap<>();

    ConnectionLimit(int max) {
      this.max = max;
    }

    void admit(io.vertx.core.http.HttpConnection conn) {
      if (max == Integer.MAX_VALUE || conn.remoteAddress() == null) return;
      String ip = conn.remoteAddress().hostAddress();
      AtomicInteger count = open.computeIfAbsent(ip, k -> new AtomicInteger());
      if (count.incrementAndGet() > max) {
        release(ip, count);
        conn.close();
        return;
      }
      conn.closeHandler(v -> release(ip, count));
    }

    private void release(String ip, AtomicInteger count) {
      if (count.decrementAndGet() <= 0) open.remove(ip, count);
    }
  }
}
