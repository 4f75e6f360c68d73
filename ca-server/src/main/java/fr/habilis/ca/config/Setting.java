package fr.habilis.ca.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Every configuration key, its default and how its value is checked: the one place that says
 * what can be configured. A key {@code httpsPort} in the configuration file is overridden by the
 * environment variable {@code HABILIS_HTTPS_PORT}.
 */
public enum Setting {
  // --- start-up and listeners
  ENVIRONMENT("environment", "test", Kind.ENUM, "test", "production"),
  DATA_DIR("dataDir", "./habilis-data", Kind.STRING),
  HOSTNAME("hostname", "localhost", Kind.HOSTNAME),
  BIND_ADDRESS("bindAddress", "127.0.0.1", Kind.STRING),
  HTTPS_PORT("httpsPort", "8443", Kind.PORT),
  HTTP_PORT("httpPort", "8080", Kind.PORT),
  PUBLIC_URL("publicUrl", null, Kind.URL),
  PUBLIC_HTTP_URL("publicHttpUrl", null, Kind.URL),
  TLS_CERT_PEM("tlsCertPem", null, Kind.STRING),
  TLS_KEY_PEM("tlsKeyPem", null, Kind.STRING),
  /** A connection with no byte in either direction for this long is closed (idle keep-alive, a half-sent header). */
  IDLE_TIMEOUT("idleTimeout", "PT60S", Kind.DURATION),
  /** Open connections one remote address may hold on each listener. */
  MAX_CONNECTIONS_PER_IP("maxConnectionsPerIp", "256", Kind.POSITIVE_INT),
  /** On SIGTERM, how long requests already received get to be answered before their connections are cut. */
  SHUTDOWN_GRACE("shutdownGrace", "PT10S", Kind.DURATION),
  // --- metrics (GET /metrics on the HTTP listener, Prometheus text) and logs
  METRICS_ENABLED("metricsEnabled", "true", Kind.BOOLEAN),
  /** When set, /metrics answers only {@code Authorization: Bearer <token>} (the HTTP listener is public). */
  METRICS_TOKEN("metricsToken", null, Kind.STRING),
  /** When set, /metrics is served on its own plain-HTTP listener (this port; 0 = any free port) instead of the HTTP listener. */
  METRICS_PORT("metricsPort", null, Kind.PORT),
  /** Address of the metrics listener (with metricsPort): e.g. a private network's, while the HTTP listener faces relying parties. */
  METRICS_BIND_ADDRESS("metricsBindAddress", null, Kind.STRING),
  /** {@code text}: one readable line per event; {@code json}: one JSON object per line (logging/Logging). */
  LOG_FORMAT("logFormat", "text", Kind.ENUM, "text", "json"),
  /** Level of Habilis's own loggers; libraries log at WARN and above whatever this is. */
  LOG_LEVEL("logLevel", "info", Kind.ENUM, "error", "warn", "info", "debug", "trace"),
  /** One line per request on the logger habilis.access (method, route pattern, status, latency, request id, account). */
  ACCESS_LOG("accessLog", "true", Kind.BOOLEAN),
  // --- storage
  DB_URL("dbUrl", null, Kind.STRING),
  DB_USER("dbUser", null, Kind.STRING),
  DB_PASSWORD("dbPassword", null, Kind.STRING),
  DB_POOL_SIZE("dbPoolSize", "8", Kind.POSITIVE_INT),
  /** H2 file: SHUTDOWN COMPACT at a graceful stop (store/Database#closeCompacted; issue 18). */
  H2_COMPACT_ON_STOP("h2CompactOnStop", "true", Kind.BOOLEAN),
  // --- RA API
  RA_TOKEN("raToken", null, Kind.STRING),
  // --- CA material
  KEYSTORE_PASSWORD("keystorePassword", null, Kind.STRING),
  CA_KEY_ALGORITHM("caKeyAlgorithm", "RSA-4096", Kind.ENUM, "RSA-4096", "RSA-2048", "EC-P384"),
  CA_KEYSTORE("caKeystore", null, Kind.STRING),
  CA_ROOT_ALIAS("caRootAlias", "root", Kind.STRING),
  CA_ORG_ALIAS("caOrgAlias", "org", Kind.STRING),
  CA_PRO_ALIAS("caProAlias", "pro", Kind.STRING),
  CA_ORG_OCSP_ALIAS("caOrgOcspAlias", "org-ocsp", Kind.STRING),
  CA_PRO_OCSP_ALIAS("caProOcspAlias", "pro-ocsp", Kind.STRING),
  /** The keystore's secret-key entry (AES, 256 bits) that EAB keys are encrypted and audit checkpoints signed with. */
  CA_SECRET_ALIAS("caSecretAlias", "habilis-secret", Kind.STRING),
  ROOT_CA_NAME("rootCaName", "C=FR, O=HABILIS, OU=HABILIS TEST, CN=TEST AC RACINE HABILIS", Kind.STRING),
  ORG_CA_NAME("orgCaName", "C=FR, O=HABILIS, OU=HABILIS TEST, CN=TEST AC HABILIS ORGANISATIONS", Kind.STRING),
  PRO_CA_NAME("proCaName", "C=FR, O=HABILIS, OU=HABILIS TEST, CN=TEST AC HABILIS PERSONNES", Kind.STRING),
  // --- issuance
  POLICY_OID("policyOid", "1.2.250.1.213.1.7.2.1.1.1.1", Kind.OID),
  // Unset: <public HTTP URL>/pc, a page this server serves (Endpoints.cpsUrl, pki/PolicyPage).
  CPS_URL("cpsUrl", null, Kind.URL),
  CERTIFICATE_VALIDITY("certificateValidity", "P3Y", Kind.LIFETIME),
  /** Comma-separated profiles whose renewals must use a new key (issuance/KeyReusePolicy); default none. */
  FRESH_KEY_PROFILES("freshKeyProfiles", null, Kind.STRING),
  // --- audit: a signed checkpoint of the chain's head in DATA_DIR/audit-checkpoint.json and the log
  AUDIT_CHECKPOINT_EVERY("auditCheckpointEvery", "PT10M", Kind.DURATION),
  // --- backup: online H2 backups (POST /ra/v1/backups) go to DATA_DIR/backups unless set
  BACKUP_DIR("backupDir", null, Kind.STRING),
  // --- registry
  EAB_VALIDITY("eabValidity", "P30D", Kind.DURATION),
  // --- console (/console/): a session ends after this long without a request, and this long after sign-in
  CONSOLE_IDLE_TIMEOUT("consoleIdleTimeout", "PT15M", Kind.DURATION),
  CONSOLE_SESSION_LIFETIME("consoleSessionLifetime", "PT8H", Kind.DURATION),
  // --- acme
  ACME_WEBSITE("acmeWebsite", null, Kind.URL),
  NONCE_LIFETIME("nonceLifetime", "PT1H", Kind.DURATION),
  ORDER_LIFETIME("orderLifetime", "P7D", Kind.DURATION),
  /**
   * Finished orders (valid or invalid since, or never finalized and expired for, this long) are
   * deleted with their authorizations by the leased order-purge job (acme/OrderRetention); their
   * URLs then answer 404. Certificates, serials, revocations and the audit trail are kept for ever.
   */
  ORDER_RETENTION("orderRetention", "P30D", Kind.DURATION),
  ACME_MAX_BODY_BYTES("acmeMaxBodyBytes", "65536", Kind.POSITIVE_INT),
  RATE_LIMIT_WINDOW("rateLimitWindow", "PT1H", Kind.DURATION),
  RATE_LIMIT_ORDERS_PER_ACCOUNT("rateLimitOrdersPerAccount", "300", Kind.POSITIVE_INT),
  RATE_LIMIT_ORDERS_PER_STRUCTURE("rateLimitOrdersPerStructure", "1000", Kind.POSITIVE_INT),
  /**
   * An order still processing this long after its last change is taken to be orphaned by a process
   * that died while signing it, and is completed (or failed) by any instance; checked at start-up
   * and every half of it. Longer than any signing, or an instance may finish another's live order.
   */
  PROCESSING_RECOVERY_AFTER("processingRecoveryAfter", "PT2M", Kind.DURATION),
  // --- renewal (ARI, RFC 9773): the window before notAfter (scaled down for short lifetimes, see
  // renewal/RenewalWindows), renewalInfo's Retry-After, and the comma-separated profiles whose
  // replaced certificates are revoked (superseded) once the successor is issued (default: none)
  RENEWAL_WINDOW_START("renewalWindowStart", "P60D", Kind.DURATION),
  RENEWAL_WINDOW_END("renewalWindowEnd", "P30D", Kind.DURATION),
  RENEWAL_INFO_RETRY_AFTER("renewalInfoRetryAfter", "PT6H", Kind.DURATION),
  REVOKE_REPLACED("revokeReplaced", null, Kind.STRING),
  // --- revocation
  CRL_VALIDITY("crlValidity", "P1D", Kind.DURATION),
  CRL_REGENERATE_EVERY("crlRegenerateEvery", "PT6H", Kind.DURATION),
  CRL_COALESCE_DELAY("crlCoalesceDelay", "PT2S", Kind.DURATION),
  OCSP_VALIDITY("ocspValidity", "P1D", Kind.DURATION),
  // Responder certificates made by this server (test hierarchy, and renewals wherever it holds the
  // issuing CA key): their lifetime, and how long before expiry they are renewed (at most a third
  // of the lifetime before).
  OCSP_SIGNER_VALIDITY("ocspSignerValidity", "P730D", Kind.DURATION),
  OCSP_SIGNER_RENEW_BEFORE("ocspSignerRenewBefore", "P90D", Kind.DURATION),
  OCSP_MAX_CERT_IDS("ocspMaxCertIds", "10", Kind.POSITIVE_INT),
  OCSP_CACHE_ENTRIES("ocspCacheEntries", "200000", Kind.POSITIVE_INT),
  // --- several instances on one database (docs/deployment.md): how often each instance looks for
  // a CRL, a revocation or an OCSP responder made by another one, and how long after a missed run
  // another instance takes over a scheduled job from its holder.
  CLUSTER_POLL_EVERY("clusterPollEvery", "PT2S", Kind.DURATION),
  JOB_LEASE_GRACE("jobLeaseGrace", "PT30S", Kind.DURATION),
  // --- notices by e-mail (protocol-spec/notices.md); without smtpHost they are kept, listed by the RA API
  SMTP_HOST("smtpHost", null, Kind.HOSTNAME),
  SMTP_PORT("smtpPort", "587", Kind.PORT),
  SMTP_SECURITY("smtpSecurity", "starttls", Kind.ENUM, "starttls", "tls", "none"),
  SMTP_USERNAME("smtpUsername", null, Kind.STRING),
  SMTP_PASSWORD("smtpPassword", null, Kind.STRING),
  SMTP_FROM("smtpFrom", null, Kind.STRING),
  SMTP_TRUST_PEM("smtpTrustPem", null, Kind.STRING),
  SMTP_TIMEOUT("smtpTimeout", "PT30S", Kind.DURATION),
  NOTICE_EXPIRY_OFFSETS("noticeExpiryOffsets", "P60D,P30D,P7D", Kind.DURATION_LIST),
  NOTICE_SCAN_EVERY("noticeScanEvery", "PT1M", Kind.DURATION),
  NOTICE_BATCH_SIZE("noticeBatchSize", "20", Kind.POSITIVE_INT),
  NOTICE_CLAIM_LEASE("noticeClaimLease", "PT5M", Kind.DURATION),
  NOTICE_MAX_ATTEMPTS("noticeMaxAttempts", "8", Kind.POSITIVE_INT),
  NOTICE_RETRY_DELAY("noticeRetryDelay", "PT1M", Kind.DURATION),
  // --- test switches (refused in production): clients' robustness tests, like Pebble's
  // PEBBLE_WFE_NONCEREJECT; short lifetimes use certificateValidity (at least 1 day in production)
  TEST_NONCE_REJECT_PERCENT("testNonceRejectPercent", "0", Kind.PERCENT),
  /** finalize stops after committing the order's move to processing, as a process killed there (crash-recovery tests). */
  TEST_STOP_AFTER_PROCESSING("testStopAfterProcessing", "false", Kind.BOOLEAN),
  /** The shared raToken may approve what it recorded (four-eyes off for it alone): one-token load generators. */
  TEST_RA_TOKEN_SELF_APPROVAL("testRaTokenSelfApproval", "false", Kind.BOOLEAN);

  /** How a value is checked. */
  public enum Kind { STRING, ENUM, PORT, POSITIVE_INT, PERCENT, URL, HOSTNAME, DURATION, OID, BOOLEAN, DURATION_LIST, LIFETIME }

  private final String key;
  private final String defaultValue;
  private final Kind kind;
  private final String[] allowed;

  Setting(String key, String defaultValue, Kind kind, String... allowed) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.kind = kind;
    this.allowed = allowed;
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public Kind kind() {
    return kind;
  }

  String[] allowed() {
    return allowed.clone();
  }

  /** {@code httpsPort} → {@code HABILIS_HTTPS_PORT}. */
  public String envName() {
    return "HABILIS_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  public static Setting byKey(String key) {
    for (Setting s : values()) if (s.key.equals(key)) return s;
    return null;
  }

  public static Setting byEnvName(String name) {
    for (Setting s : values()) if (s.envName().equals(name)) return s;
    return null;
  }

  /** "P60D,P30D,P7D" (or "60d, 30d, 7d"): at least one positive duration, comma-separated. */
  static java.util.List<Duration> parseDurations(String value) {
    java.util.List<Duration> list = new java.util.ArrayList<>();
    for (String part : value.split(",")) {
      Duration d = parseDuration(part);
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("durations must be positive");
      list.add(d);
    }
    return list;
  }

  /**
   * A certificate lifetime: calendar years, months, weeks and days ({@code P3Y}: three years, i.e.
   * the same date three years later, 1096 days when a 29 February falls inside), or an exact
   * duration ({@code PT10S}, {@code 10m}, as {@link #parseDuration}) for short test lifetimes.
   * Applied in UTC: {@code notBefore.atOffset(UTC).plus(lifetime)}.
   */
  public static java.time.temporal.TemporalAmount parseLifetime(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    if (v.matches("P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?") && v.length() > 1) return java.time.Period.parse(v);
    return parseDuration(value);
  }

  static Duration parseDuration(String value) {
    String v = value.trim();
    if (v.matches("\\d+[smhd]")) {
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    return Duration.parse(v.toUpperCase(Locale.ROOT));
  }
}
