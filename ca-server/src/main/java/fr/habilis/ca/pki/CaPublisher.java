package fr.habilis.ca.pki;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes the CA certificates: as files under {@code DATA_DIR/certs} (root.pem is the trust
 * anchor clients configure) and over plain HTTP at {@code /certs/{id}.der|.pem}, the stable URLs
 * written as caIssuers in every certificate (RFC 5280 §4.2.2.1). A renewed OCSP responder
 * replaces its {@code {id}-ocsp} files in both places ({@link #responderRenewed}).
 */
public final class CaPublisher {
  private final Map<String, Buffer> files = new ConcurrentHashMap<>();
  /** Where {@link #writeTo} wrote the files; null until then. */
  private volatile Path dir;

  public CaPublisher(CaHierarchy ca) {
    try {
      add(CaHierarchy.ROOT, ca.root());
      for (IssuingCa i : ca.issuingCas()) {
        add(i.id(), i.certificate());
        add(i.id() + "-ocsp", i.ocspCertificate());
        files.put(i.id() + "-chain.pem", Buffer.buffer(Pem.encode(i.certificate(), ca.root())));
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void add(String id, X509Certificate c) throws CertificateEncodingException {
    files.put(id + ".der", Buffer.buffer(c.getEncoded()));
    files.put(id + ".pem", Buffer.buffer(Pem.encode(c)));
  }

  /** Writes every published file into {@code dir}; returns the trust anchor's path. */
  public Path writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, Buffer> e : files.entrySet()) {
      CaStore.writeAtomically(dir.resolve(e.getKey()), e.getValue().getBytes());
    }
    this.dir = dir;
    return dir.resolve("root.pem");
  }

  /** Publishes a renewed responder certificate over HTTP at once, then in the directory written to. Blocking (file I/O). */
  public void responderRenewed(IssuingCa ca) throws IOException {
    String id = ca.id() + "-ocsp";
    try {
      add(id, ca.ocspCertificate());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    Path to = dir;
    if (to == null) return;
    for (String name : new String[] {id + ".der", id + ".pem"}) {
      CaStore.writeAtomically(to.resolve(name), files.get(name).getBytes());
      fr.habilis.ca.config.DataDirectory.ownerOnly(to.resolve(name)); // as tighten() left the others at start-up
    }
  }

  public void mount(Router httpRouter) {
    var problems = new fr.habilis.ca.web.ProblemHandler(fr.habilis.ca.web.HttpProblems::toProblem, null);
    httpRouter.route("/certs/*").failureHandler(problems);
    // HEAD as GET (Vert.x leaves the body out of a HEAD answer): a client may check before fetching.
    httpRouter.route("/certs/:file").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD)
        .handler(ctx -> {
      Buffer body = files.get(ctx.pathParam("file"));
      if (body == null) {
        ctx.fail(fr.habilis.ca.error.DomainError.notFound("no such certificate: " + ctx.request().path()));
        return;
      }
      String name = ctx.pathParam("file");
      ctx.response()
          .putHeader("Content-Type", name.endsWith(".der") ? "application/pkix-cert" : "application/x-pem-file")
          .putHeader("Cache-Control", "public, max-age=86400")
          .end(body);
    });
    fr.habilis.ca.web.MethodNotAllowed.after(httpRouter, "GET, HEAD", problems, "/certs/:file");
  }
}
