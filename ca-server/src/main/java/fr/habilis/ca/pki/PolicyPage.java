package fr.habilis.ca.pki;

import fr.habilis.ca.config.Endpoints;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * The page the certificates' CPS qualifier points to by default ({@code <public HTTP URL>/pc},
 * RFC 5280 §4.2.1.4), served on the plain HTTP listener next to the CRLs and CA certificates, so
 * the link in every certificate leads somewhere: which policy, which environment, which CAs, where
 * status is published. An operator whose policy lives elsewhere sets {@code cpsUrl} instead.
 */
public final class PolicyPage {
  private final String text;

  public PolicyPage(HabilisConfig config, Endpoints endpoints, CaHierarchy ca) {
    StringBuilder b = new StringBuilder();
    b.append("Habilis - politique de certification / certificate policy\n\n");
    b.append("Policy OID: ").append(config.get(Setting.POLICY_OID)).append('\n');
    b.append("Environment: ").append(config.environment())
        .append(config.isProduction() ? "\n" : " (test certificates: not for production use)\n");
    b.append("Certificate lifetime: ").append(config.get(Setting.CERTIFICATE_VALIDITY)).append("\n\n");
    b.append("Root CA: ").append(ca.root().getSubjectX500Principal().getName()).append('\n');
    b.append("  ").append(endpoints.caPemUrl(CaHierarchy.ROOT)).append('\n');
    for (IssuingCa issuing : ca.issuingCas()) {
      b.append("Issuing CA ").append(issuing.id()).append(": ")
          .append(issuing.certificate().getSubjectX500Principal().getName()).append('\n');
      b.append("  certificate ").append(endpoints.caIssuersUrl(issuing.id())).append('\n');
      b.append("  CRL ").append(endpoints.crlUrl(issuing.id())).append('\n');
    }
    b.append("OCSP: ").append(endpoints.ocspUrl()).append('\n');
    this.text = b.toString();
  }

  public void mount(Router httpRouter) {
    httpRouter.route("/pc").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(rc -> rc.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=86400")
        .end(text));
    fr.habilis.ca.web.MethodNotAllowed.after(httpRouter, "GET, HEAD",
        new fr.habilis.ca.web.ProblemHandler(fr.habilis.ca.web.HttpProblems::toProblem, null), "/pc");
  }
}
