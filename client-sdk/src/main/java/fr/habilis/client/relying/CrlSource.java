package fr.habilis.client.relying;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;

/**
 * CRLs: fetched from a distribution point, verified against the issuer, cached until nextUpdate.
 * A CRL can be tens of megabytes, so the cache holds few of them, and concurrent checks that miss
 * the cache for the same CRL share one download instead of each starting their own.
 */
final class CrlSource {
  private static final String IDP = Extension.issuingDistributionPoint.getId();

  private final HttpFetcher http;
  private final int maxBytes;
  private final Duration skew;
  private final Duration maxCacheAge;
  private final BoundedCache<String, Verified> cache;
  private final ConcurrentMap<String, CompletableFuture<Verified>> downloads = new ConcurrentHashMap<>();

  /** A CRL whose signature, issuer and times were checked, as cached. */
  private static final class Verified {
    final X509CRL crl;
    final Instant thisUpdate;
    final Instant nextUpdate;

    Verified(X509CRL crl) {
      this.crl = crl;
      this.thisUpdate = crl.getThisUpdate().toInstant();
      this.nextUpdate = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
    }
  }

  CrlSource(HttpFetcher http, int maxBytes, int maxCached, Duration skew, Duration maxCacheAge) {
    this.http = http;
    this.maxBytes = maxBytes;
    this.skew = skew;
    this.maxCacheAge = maxCacheAge;
    this.cache = new BoundedCache<>(maxCached);
  }

  /** The leaf's status according to the CRL at {@code url}, which must be its issuer's. */
  RevocationResult status(URI url, X509Certificate leaf, X509Certificate issuer, Instant now)
      throws StatusUnavailableException {
    // Keyed by URL and issuer key: a URL is only trusted for the issuer whose key verified it.
    String key = url + " " + keyId(issuer);
    Verified crl = cache.get(key, now);
    boolean cached = crl != null;
    if (crl == null) crl = download(key, url, issuer, now);
    // Freshness again: a CRL that was current when another thread fetched it must still be now.
    checkTimes(crl, url, now);

    BigInteger serial = leaf.getSerialNumber();
    String subject = CertificateNames.subject(leaf);
    String detail = "CRL " + url + " (number " + crlNumber(crl.crl) + ")";
    X509CRLEntry entry = crl.crl.getRevokedCertificate(serial);
    RevocationResult result;
    if (entry == null) {
      result = new RevocationResult(RevocationStatus.GOOD, RevocationSource.CRL, serial, subject, null, null,
          crl.thisUpdate, crl.nextUpdate, false, detail);
    } else {
      java.security.cert.CRLReason reason = entry.getRevocationReason();
      result = new RevocationResult(RevocationStatus.REVOKED, RevocationSource.CRL, serial, subject,
          reason == null ? java.security.cert.CRLReason.UNSPECIFIED : reason, entry.getRevocationDate().toInstant(),
          crl.thisUpdate, crl.nextUpdate, false, detail);
    }
    return cached ? result.cached() : result;
  }

  void clear() {
    cache.clear();
  }

  /** One download per key at a time; the other threads wait for its outcome. */
  private Verified download(String key, URI url, X509Certificate issuer, Instant now) throws StatusUnavailableException {
    CompletableFuture<Verified> mine = new CompletableFuture<>();
    CompletableFuture<Verified> running = downloads.putIfAbsent(key, mine);
    if (running != null) return await(running, url);
    try {
      Verified v = fetch(url, issuer, now);
      Instant expires = v.nextUpdate;
      if (maxCacheAge != null && (expires == null || now.plus(maxCacheAge).isBefore(expires))) {
        expires = now.plus(maxCacheAge);
      }
      cache.put(key, v, expires, now);
      mine.complete(v);
      return v;
    } catch (Throwable e) {
      // Whatever happens, the threads waiting for this download must be released.
      mine.completeExceptionally(e);
      throw e;
    } finally {
      downloads.remove(key, mine);
    }
  }

  private static Verified await(CompletableFuture<Verified> running, URI url) throws StatusUnavailableException {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StatusUnavailableException("interrupted while waiting for CRL " + url, false);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusUnavailableException) throw (StatusUnavailableException) e.getCause();
      throw new StatusUnavailableException("CRL " + url + ": " + e.getCause(), false);
    }
  }

  private Verified fetch(URI url, X509Certificate issuer, Instant now) throws StatusUnavailableException {
    byte[] der = http.get(url, "application/pkix-crl", maxBytes);
    X509CRL crl;
    try {
      crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw invalid(url, "it is not a DER X.509 CRL");
    }
    if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      throw invalid(url, "it is issued by " + crl.getIssuerX500Principal() + ", not by the certificate's issuer "
          + CertificateNames.subject(issuer));
    }
    try {
      crl.verify(issuer.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw invalid(url, "its signature does not verify with the key of " + CertificateNames.subject(issuer));
    }
    checkScope(crl, url);
    Verified v = new Verified(crl);
    checkTimes(v, url, now);
    return v;
  }

  /**
   * A full CRL for every kind of certificate is what a distribution point must serve here; a
   * delta CRL, a CRL limited to some reasons or to CA certificates, or an indirect CRL would
   * silently miss revocations, and an unknown critical extension must not be ignored (RFC 5280 §5.2).
   */
  private static void checkScope(X509CRL crl, URI url) throws StatusUnavailableException {
    Set<String> critical = crl.getCriticalExtensionOIDs();
    if (critical != null) {
      for (String oid : critical) {
        if (!oid.equals(IDP)) throw invalid(url, "it has an unsupported critical extension " + oid);
      }
    }
    if (crl.getExtensionValue(Extension.deltaCRLIndicator.getId()) != null) throw invalid(url, "it is a delta CRL");
    byte[] idp = crl.getExtensionValue(IDP);
    if (idp != null) {
      IssuingDistributionPoint p;
      try {
        p = IssuingDistributionPoint.getInstance(ASN1OctetString.getInstance(idp).getOctets());
      } catch (RuntimeException e) {
        throw invalid(url, "its issuing distribution point cannot be decoded");
      }
      if (p.onlyContainsCACerts() || p.onlyContainsAttributeCerts() || p.getOnlySomeReasons() != null
          || p.isIndirectCRL()) {
        throw invalid(url, "it is a partial or indirect CRL (issuing distribution point " + p + ")");
      }
    }
  }

  private void checkTimes(Verified v, URI url, Instant now) throws StatusUnavailableException {
    if (v.thisUpdate.isAfter(now.plus(skew))) {
      throw invalid(url, "its thisUpdate " + v.thisUpdate + " is in the future (clock " + now + ")");
    }
    if (v.nextUpdate == null) throw invalid(url, "it has no nextUpdate"); // mandatory in RFC 5280 profile
    if (!now.isBefore(v.nextUpdate.plus(skew))) {
      throw invalid(url, "it expired at its nextUpdate " + v.nextUpdate + " (clock " + now + ")");
    }
  }

  private static String crlNumber(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (ext == null) return "none";
    try {
      return org.bouncycastle.asn1.ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets())
          .getValue().toString();
    } catch (RuntimeException e) {
      return "?";
    }
  }

  static String keyId(X509Certificate issuer) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(issuer.getPublicKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  private static StatusUnavailableException invalid(URI url, String why) {
    return new StatusUnavailableException("CRL from " + url + " rejected: " + why, false);
  }
}
