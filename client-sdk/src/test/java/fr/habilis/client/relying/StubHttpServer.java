package fr.habilis.client.relying;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for the stopped CA on its own HTTP port, so the URLs inside the issued certificates
 * (AIA OCSP, CRL distribution point) reach it: each test decides what {@code /ocsp} and
 * {@code /crl/org.crl} answer, and counts the requests.
 */
final class StubHttpServer implements AutoCloseable {
  /** What one path answers; {@code request} is the body (the DER OCSP request, or empty). */
  @FunctionalInterface
  interface Answer {
    Reply answer(byte[] request) throws Exception;
  }

  record Reply(int status, String contentType, byte[] body, long delayMillis) {
    static Reply ok(String contentType, byte[] body) {
      return new Reply(200, contentType, body, 0);
    }

    static Reply status(int status) {
      return new Reply(status, "text/plain", new byte[0], 0);
    }
  }

  static final Answer UNAVAILABLE = r -> Reply.status(503);

  private final HttpServer http;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  final AtomicReference<Answer> ocsp = new AtomicReference<>(UNAVAILABLE);
  final AtomicReference<Answer> crl = new AtomicReference<>(UNAVAILABLE);
  final AtomicInteger ocspRequests = new AtomicInteger();
  final AtomicInteger crlRequests = new AtomicInteger();

  StubHttpServer(int port) throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    http.createContext("/ocsp", ex -> serve(ex, ocsp.get(), ocspRequests));
    http.createContext("/crl/org.crl", ex -> serve(ex, crl.get(), crlRequests));
    http.setExecutor(pool); // a slow answer must not hold the others
    http.start();
  }

  void reset() {
    ocsp.set(UNAVAILABLE);
    crl.set(UNAVAILABLE);
    ocspRequests.set(0);
    crlRequests.set(0);
  }

  private static void serve(HttpExchange ex, Answer answer, AtomicInteger counter) throws IOException {
    counter.incrementAndGet();
    try (ex) {
      byte[] request = ex.getRequestBody().readAllBytes();
      Reply reply;
      try {
        reply = answer.answer(request);
      } catch (Exception e) {
        reply = Reply.status(500);
      }
      if (reply.delayMillis() > 0) Thread.sleep(reply.delayMillis());
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(reply.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client gave up (timeout tests): nothing to do
    }
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }
}
