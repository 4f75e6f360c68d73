package fr.habilis.client.relying;

import java.net.URI;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a relying party may accept a certificate chain: PKIX validation to the trust
 * anchors, the configured {@link CertificateRule rules}, then the leaf's revocation status.
 *
 * <p>Status comes from the OCSP responder named in the leaf's AIA; if it cannot give a verified
 * answer (no AIA, unreachable, timeout, HTTP error, malformed, badly signed, stale) the CRL named
 * in the leaf's distribution points is used. If neither gives one, a fail-closed checker (the
 * default) refuses the certificate and a fail-open one accepts it with
 * {@link RevocationStatus#UNKNOWN} and a warning in the log. Only the leaf's status is checked, not
 * the issuing CA certificate's: that one is on the root's CRL, which a production Habilis root
 * publishes offline, by ceremony, rather than at a URL a relying party could poll.
 *
 * <p>Verified OCSP answers are cached per certificate and CRLs per distribution point, each until
 * its nextUpdate (optionally less, see {@link Builder#maxCacheAge}); the caches are bounded and
 * shared by all threads. An instance is thread-safe and meant to live as long as the TLS server.
 * A cache miss blocks the calling thread on the network (bounded by the timeouts): an event-loop
 * server should run TLS delegated tasks off its event loop.
 */
public final class RevocationChecker {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationChecker.class);

  private final List<X509Certificate> trustAnchors;
  private final PathValidator paths;
  private final List<CertificateRule> rules;
  private final boolean failClosed;
  private final Clock clock;
  private final Duration maxCacheAge;
  private final OcspClient ocsp;
  private final CrlSource crls;
  private final BoundedCache<String, RevocationResult> ocspAnswers;
  private final SourceBackoff backoff;

  private RevocationChecker(Builder b) {
    this.trustAnchors = Collections.unmodifiableList(new ArrayList<>(b.anchors));
    Set<TrustAnchor> anchors = new LinkedHashSet<>();
    for (X509Certificate c : b.anchors) anchors.add(new TrustAnchor(c, null));
    this.paths = new PathValidator(anchors, new LinkedHashSet<>(b.anchors));
    this.rules = Collections.unmodifiableList(new ArrayList<>(b.rules));
    this.failClosed = b.failClosed;
    this.clock = b.clock;
    this.maxCacheAge = b.maxCacheAge;
    HttpFetcher http = new HttpFetcher(b.connectTimeout, b.readTimeout);
    this.ocsp = new OcspClient(http, new OcspResponseVerifier(b.clockSkew), b.useNonce);
    this.crls = new CrlSource(http, b.maxCrlBytes, b.crlCacheSize, b.clockSkew, b.maxCacheAge);
    this.ocspAnswers = new BoundedCache<>(b.cacheSize);
    this.backoff = new SourceBackoff(b.sourceBackoff);
  }

  /** A builder; at least one trust anchor is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks a chain as presented by a TLS peer: leaf first, then its issuers (a trailing trust
   * anchor is allowed). Returns the status for an accepted certificate — {@link RevocationStatus#GOOD},
   * or {@link RevocationStatus#UNKNOWN} when fail-open — and throws for one to refuse.
   *
   * @throws RevocationCheckException with {@link RevocationCheckException.Failure#UNTRUSTED_PATH},
   *     {@code RULE_VIOLATED}, {@code REVOKED} or (fail-closed) {@code STATUS_UNAVAILABLE}
   */
  public RevocationResult check(List<X509Certificate> chain) throws RevocationCheckException {
    long start = System.nanoTime();
    try {
      RevocationResult result = decide(chain, clock.instant());
      LOG.debug("certificate accepted in {} ms: {}", (System.nanoTime() - start) / 1_000_000, result);
      return result;
    } catch (RevocationCheckException e) {
      LOG.debug("certificate refused in {} ms ({}): {}", (System.nanoTime() - start) / 1_000_000, e.failure(),
          e.getMessage());
      throw e;
    }
  }

  private RevocationResult decide(List<X509Certificate> chain, Instant now) throws RevocationCheckException {
    PathValidator.ValidatedPath path = paths.validate(chain, now);
    X509Certificate leaf = path.leaf;
    for (CertificateRule rule : rules) {
      try {
        rule.check(leaf);
      } catch (RevocationCheckException e) {
        throw e;
      } catch (CertificateException e) {
        throw new RevocationCheckException(RevocationCheckException.Failure.RULE_VIOLATED,
            "the certificate " + CertificateNames.describe(leaf) + " is refused: " + e.getMessage(), null, e);
      }
    }
    RevocationResult result = status(leaf, path.issuer, now);
    switch (result.status()) {
      case GOOD:
        return result;
      case REVOKED:
        throw new RevocationCheckException(RevocationCheckException.Failure.REVOKED,
            "the certificate " + CertificateNames.describe(leaf) + " is revoked since " + result.revocationTime()
                + " (reason " + result.reason() + "), according to " + result.detail(),
            result, new CertPathValidatorException("revoked", null, null, -1,
                CertPathValidatorException.BasicReason.REVOKED)); // JSSE maps this cause to a certificate_revoked alert
      default:
        if (failClosed) {
          throw new RevocationCheckException(RevocationCheckException.Failure.STATUS_UNAVAILABLE,
              "no revocation status for the certificate " + CertificateNames.describe(leaf)
                  + ", refused (fail-closed): " + result.detail(),
              result, new CertPathValidatorException("revocation status unavailable", null, null, -1,
                  CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS));
        }
        LOG.warn("accepting {} WITHOUT revocation status (fail-open): {}", CertificateNames.describe(leaf),
            result.detail());
        return result;
    }
  }

  /** The trust anchors, as configured. */
  public List<X509Certificate> trustAnchors() {
    return trustAnchors;
  }

  public boolean isFailClosed() {
    return failClosed;
  }

  /** Forgets cached OCSP answers, CRLs and failing sources (for example after a known revocation). */
  public void clearCache() {
    ocspAnswers.clear();
    crls.clear();
    backoff.clear();
  }

  /** OCSP first (fresher), then the CRL; the first verified answer wins. */
  private RevocationResult status(X509Certificate leaf, X509Certificate issuer, Instant now) {
    String key = CrlSource.keyId(issuer) + ":" + leaf.getSerialNumber().toString(16);
    RevocationResult hit = ocspAnswers.get(key, now);
    if (hit != null) return hit.cached();

    List<String> failures = new ArrayList<>();
    List<URI> ocspUrls = CertificateUrls.ocsp(leaf);
    if (ocspUrls.isEmpty()) failures.add("the certificate names no OCSP responder");
    for (URI url : ocspUrls) {
      String skipped = backoff.skipReason(url, now);
      if (skipped != null) {
        failures.add("OCSP " + skipped);
        continue;
      }
      try {
        RevocationResult r = ocsp.query(url, leaf, issuer, now);
        backoff.succeeded(url);
        remember(key, r, now);
        return r;
      } catch (StatusUnavailableException e) {
        backoff.failed(url, now, e);
        failures.add(e.getMessage());
        LOG.debug("OCSP gave no usable answer for {}: {}", CertificateNames.describe(leaf), e.getMessage());
      }
    }

    List<URI> crlUrls = CertificateUrls.crl(leaf);
    if (crlUrls.isEmpty()) failures.add("the certificate names no HTTP CRL distribution point");
    for (URI url : crlUrls) {
      String skipped = backoff.skipReason(url, now);
      if (skipped != null) {
        failures.add("CRL " + skipped);
        continue;
      }
      try {
        RevocationResult r = crls.status(url, leaf, issuer, now);
        backoff.succeeded(url);
        return failures.isEmpty() ? r : r.withDetail(r.detail() + " (after: " + String.join("; ", failures) + ")");
      } catch (StatusUnavailableException e) {
        backoff.failed(url, now, e);
        failures.add(e.getMessage());
        LOG.debug("CRL gave no usable answer for {}: {}", CertificateNames.describe(leaf), e.getMessage());
      }
    }
    return RevocationResult.unavailable(leaf.getSerialNumber(), CertificateNames.subject(leaf),
        String.join("; ", failures));
  }

  /**
   * Caches a definite OCSP answer until its nextUpdate (or {@code maxCacheAge}). An UNKNOWN one,
   * or one without nextUpdate, is not cached: the next check asks again.
   */
  private void remember(String key, RevocationResult r, Instant now) {
    if (r.status() == RevocationStatus.UNKNOWN || r.nextUpdate() == null) return;
    Instant expires = r.nextUpdate();
    if (maxCacheAge != null && now.plus(maxCacheAge).isBefore(expires)) expires = now.plus(maxCacheAge);
    ocspAnswers.put(key, r, expires, now);
  }

  /**
   * Configures a {@link RevocationChecker}. Defaults: fail-closed, connect timeout 3 s, read
   * timeout 5 s, clock skew 5 min, 4096 cached OCSP answers, 16 cached CRLs of at most 64 MiB,
   * no OCSP nonce, failing sources skipped for 30 s, system UTC clock.
   */
  public static final class Builder {
    private final List<X509Certificate> anchors = new ArrayList<>();
    private final List<CertificateRule> rules = new ArrayList<>();
    private boolean failClosed = true;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration clockSkew = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();
    private int cacheSize = 4096;
    private int crlCacheSize = 16;
    private int maxCrlBytes = 64 * 1024 * 1024;
    private Duration maxCacheAge;
    private boolean useNonce;
    private Duration sourceBackoff = Duration.ofSeconds(30);

    private Builder() {}

    /** Trusts this root (or intermediate) as a PKIX trust anchor. */
    public Builder trustAnchor(X509Certificate anchor) {
      anchors.add(Objects.requireNonNull(anchor, "anchor"));
      return this;
    }

    public Builder trustAnchors(Collection<? extends X509Certificate> anchors) {
      for (X509Certificate a : anchors) trustAnchor(a);
      return this;
    }

    /**
     * True (default): refuse a certificate whose status cannot be obtained. False: accept it
     * with {@link RevocationStatus#UNKNOWN} and log a warning — availability over safety.
     */
    public Builder failClosed(boolean failClosed) {
      this.failClosed = failClosed;
      return this;
    }

    /** Same as {@code failClosed(false)}. */
    public Builder failOpen() {
      return failClosed(false);
    }

    /** Longest wait for a TCP connection to a responder or CRL server. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Longest wait for the next bytes of an answer. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** Tolerance between this machine's clock and the responder's for thisUpdate/nextUpdate. */
    public Builder clockSkew(Duration skew) {
      if (skew == null || skew.isNegative()) throw new IllegalArgumentException("clockSkew must be zero or positive");
      this.clockSkew = skew;
      return this;
    }

    /** Adds a rule on the leaf; rules run in order, after path validation, before any network request. */
    public Builder rule(CertificateRule rule) {
      rules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /** Adds {@link CertificateRule#insiServiceName()}: CN exactly {@code INSI-AUTO} or {@code INSI-MANU}. */
    public Builder requireInsiServiceName() {
      return rule(CertificateRule.insiServiceName());
    }

    /** The time source for validity, freshness and cache expiry (tests move it). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Most OCSP answers kept (least recently used dropped first). */
    public Builder cacheSize(int entries) {
      if (entries < 1) throw new IllegalArgumentException("cacheSize must be at least 1");
      this.cacheSize = entries;
      return this;
    }

    /** Most CRLs kept; one per distribution point and issuer. */
    public Builder crlCacheSize(int entries) {
      if (entries < 1) throw new IllegalArgumentException("crlCacheSize must be at least 1");
      this.crlCacheSize = entries;
      return this;
    }

    /** Largest CRL accepted (a Habilis CRL with a million entries is about 45 MB). */
    public Builder maxCrlBytes(int bytes) {
      if (bytes < 1024) throw new IllegalArgumentException("maxCrlBytes must be at least 1024");
      this.maxCrlBytes = bytes;
      return this;
    }

    /**
     * Keeps answers at most this long even if their nextUpdate is later: a revocation is then
     * seen within this delay (Habilis's OCSP answers are valid a day by default). Null (default):
     * until nextUpdate.
     */
    public Builder maxCacheAge(Duration age) {
      this.maxCacheAge = age == null ? null : positive(age, "maxCacheAge");
      return this;
    }

    /**
     * Sends a fresh nonce (RFC 8954) with each OCSP request and requires it echoed: replayed
     * answers are impossible, but the responder must sign every answer instead of serving its
     * pre-signed one. Off by default (RFC 5019 profile); freshness is then bounded by nextUpdate.
     */
    public Builder useNonce(boolean useNonce) {
      this.useNonce = useNonce;
      return this;
    }

    /**
     * How long an OCSP responder or CRL server that could not be reached is skipped before being
     * tried again, so that an outage does not cost every check a timeout. Zero disables it.
     */
    public Builder sourceBackoff(Duration period) {
      if (period == null || period.isNegative()) throw new IllegalArgumentException("sourceBackoff must be zero or positive");
      this.sourceBackoff = period;
      return this;
    }

    public RevocationChecker build() {
      if (anchors.isEmpty()) throw new IllegalStateException("at least one trust anchor is required");
      return new RevocationChecker(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
      return d;
    }
  }
}
