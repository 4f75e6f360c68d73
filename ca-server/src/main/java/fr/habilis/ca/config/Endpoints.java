package fr.habilis.ca.config;

/**
 * The public base URLs of the two listeners and every URL derived from them. Certificates embed
 * the HTTP ones (CRL distribution points, OCSP, caIssuers), so they must stay stable: use fixed
 * ports or {@code publicHttpUrl} in real deployments.
 */
public record Endpoints(String httpsBase, String httpBase) {
  public Endpoints {
    httpsBase = stripSlash(httpsBase);
    httpBase = stripSlash(httpBase);
  }

  public String directoryUrl() {
    return httpsBase + "/acme/directory";
  }

  public String acmeBase() {
    return httpsBase + "/acme";
  }

  public String raUrl() {
    return httpsBase + "/ra/v1";
  }

  /** Full CRL of a CA ({@code root}, {@code org}, {@code pro}). */
  public String crlUrl(String caId) {
    return httpBase + "/crl/" + caId + ".crl";
  }

  public String ocspUrl() {
    return httpBase + "/ocsp";
  }

  /** Readiness probe (health/HealthApi); {@code /health/live} beside it. */
  public String healthUrl() {
    return httpBase + "/health/ready";
  }

  /** Prometheus text (metrics/MetricsApi), when metricsEnabled. */
  public String metricsUrl() {
    return httpBase + "/metrics";
  }

  /** DER certificate of a CA, used as AIA caIssuers. */
  public String caIssuersUrl(String caId) {
    return httpBase + "/certs/" + caId + ".der";
  }

  public String caPemUrl(String caId) {
    return httpBase + "/certs/" + caId + ".pem";
  }

  /** The certificate policy page the certificates' CPS qualifier points to, unless cpsUrl is configured. */
  public String cpsUrl() {
    return httpBase + "/pc";
  }

  private static String stripSlash(String s) {
    return s != null && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
