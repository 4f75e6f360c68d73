package fr.habilis.ca.revocation;

import fr.habilis.ca.error.ErrorKind;
import fr.habilis.ca.web.HttpDates;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.store.RevocationRepository;
import io.vertx.core.Future;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * OCSP responder (RFC 6960, RFC 5019 profile). Responses to nonce-less single-certificate requests
 * are signed once and cached, keyed both by certificate and by the exact request bytes, so a cache
 * hit costs a map lookup and no parsing; they are refreshed before nextUpdate and replaced at once
 * on revocation. A request with a nonce (RFC 8954) gets a freshly signed response echoing it.
 */
public final class OcspResponder {
  // OCSPResponse with only a responseStatus (RFC 6960 §4.2.1): malformedRequest, internalError, unauthorized.
  static final byte[] MALFORMED = {0x30, 0x03, 0x0A, 0x01, 0x01};
  static final byte[] INTERNAL_ERROR = {0x30, 0x03, 0x0A, 0x01, 0x02};
  static final byte[] UNAUTHORIZED = {0x30, 0x03, 0x0A, 0x01, 0x06};
  private static final Map<ASN1ObjectIdentifier, String> HASHES = Map.of(
      OIWObjectIdentifiers.idSHA1, "SHA-1", NISTObjectIdentifiers.id_sha256, "SHA-256");

  private final ServerContext ctx;
  /** "hashOid/nameHash/keyHash" → CA id, for both accepted hash algorithms. */
  private final Map<String, String> issuers = new HashMap<>();
  /** Per CA; replaced at once when the responder certificate is renewed ({@link #replaceSigner}). */
  private final Map<String, OcspSigner> signers = new ConcurrentHashMap<>();
  private final Map<String, Cached> byCertificate = new ConcurrentHashMap<>();
  private final Map<ByteBuffer, String> byRequest = new ConcurrentHashMap<>();
  private final int maxEntries;
  /** Read once: settings are parsed strings, and these are needed on every request. */
  private final int maxCertIds;
  private final Duration validity;
  /** Bumped by every revocation: an answer read from the database before it must not enter the cache. */
  private final AtomicLong revocations = new AtomicLong();

  /** A signed response with its HTTP caching facts, computed once. */
  public record Cached(byte[] der, Instant thisUpdate, Instant nextUpdate, String etag, String lastModified, String expires,
      String caId, String serial, ASN1ObjectIdentifier hash) {}

  /** What a request resolves to: a response to send, and whether it may be cached by HTTP intermediaries. */
  public record Answer(byte[] der, Cached cached) {}

  /** The status of one certificate as the database knows it. */
  record Status(String caId, boolean known, boolean revoked, Instant revokedAt, int reason) {}

  OcspResponder(ServerContext ctx) {
    this.ctx = ctx;
    this.maxEntries = ctx.config().getInt(Setting.OCSP_CACHE_ENTRIES);
    this.maxCertIds = ctx.config().getInt(Setting.OCSP_MAX_CERT_IDS);
    this.validity = ctx.config().getDuration(Setting.OCSP_VALIDITY);
    try {
      for (IssuingCa ca : ctx.ca().issuingCas()) {
        String caId = ca.id();
        X509CertificateHolder holder = new JcaX509CertificateHolder(ca.certificate());
        for (ASN1ObjectIdentifier oid : HASHES.keySet()) {
          MessageDigest md = MessageDigest.getInstance(HASHES.get(oid));
          byte[] nameHash = md.digest(holder.getSubject().getEncoded());
          byte[] keyHash = md.digest(holder.getSubjectPublicKeyInfo().getPublicKeyData().getBytes());
          issuers.put(issuerKey(oid, nameHash, keyHash), caId);
        }
        signers.put(caId, new OcspSigner(ca));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot prepare the OCSP responder", e);
    }
  }

  /**
   * The one mapping of a refusal to an OCSP response status: a request that cannot be read is
   * malformedRequest, a CA this responder does not serve is unauthorized (RFC 6960 §2.3, RFC 5019
   * §2.2.3), anything else internalError.
   */
  static Answer refused(ErrorKind kind) {
    return new Answer(switch (kind) {
      case MALFORMED, PAYLOAD_TOO_LARGE, METHOD_NOT_ALLOWED, UNSUPPORTED_MEDIA_TYPE -> MALFORMED;
      case UNAUTHORIZED, NOT_FOUND -> UNAUTHORIZED;
      default -> INTERNAL_ERROR;
    }, null);
  }

  /** The cached answer for these exact request bytes, or null (then {@link #answer} does the work). */
  public Cached cachedFor(ByteBuffer request) {
    String key = byRequest.get(request);
    return key == null ? null : byCertificate.get(key);
  }

  /**
   * Parses, checks and answers a DER request: a refused request gets its OCSP error status; fails
   * only on a fault (reading the database, signing), which the front end logs and answers internalError.
   */
  public Future<Answer> answer(byte[] request) {
    OCSPReq req;
    try {
      // One DER object and nothing after it (fromByteArray refuses trailing bytes, which the
      // byte[] constructor ignores), parsed once.
      req = new OCSPReq(org.bouncycastle.asn1.ocsp.OCSPRequest.getInstance(
          org.bouncycastle.asn1.ASN1Primitive.fromByteArray(request)));
    } catch (IOException | RuntimeException e) {
      return Future.succeededFuture(refused(ErrorKind.MALFORMED));
    }
    // Bouncy Castle decodes the request's fields lazily: a CertID of an unexpected ASN.1 shape
    // fails here, not in the constructor, and is as malformed as an unparsable request.
    String caId = null;
    List<CertificateID> ids = new ArrayList<>();
    Extension nonce;
    try {
      nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      Req[] items = req.getRequestList();
      if (items.length == 0 || items.length > maxCertIds) {
        return Future.succeededFuture(refused(ErrorKind.MALFORMED));
      }
      for (Req item : items) {
        CertificateID id = item.getCertID();
        if (!HASHES.containsKey(id.getHashAlgOID())) return Future.succeededFuture(refused(ErrorKind.MALFORMED));
        String ca = issuers.get(issuerKey(id.getHashAlgOID(), id.getIssuerNameHash(), id.getIssuerKeyHash()));
        if (ca == null) return Future.succeededFuture(refused(ErrorKind.UNAUTHORIZED));
        if (caId != null && !caId.equals(ca)) return Future.succeededFuture(refused(ErrorKind.MALFORMED));
        if (id.getSerialNumber().signum() <= 0) return Future.succeededFuture(refused(ErrorKind.MALFORMED));
        caId = ca;
        ids.add(id);
      }
    } catch (RuntimeException e) {
      return Future.succeededFuture(refused(ErrorKind.MALFORMED));
    }
    if (nonce != null && (nonce.getExtnValue().getOctets().length < 1 || nonce.getExtnValue().getOctets().length > 34)) {
      return Future.succeededFuture(refused(ErrorKind.MALFORMED)); // RFC 8954: 1 to 32 octets of nonce
    }
    String ca = caId;
    boolean cacheable = nonce == null && ids.size() == 1;
    if (cacheable) {
      String key = certKey(ca, ids.get(0));
      Cached hit = byCertificate.get(key);
      if (hit != null && hit.nextUpdate().isAfter(ctx.clock().instant().plusSeconds(60))) {
        ctx.metrics().ocspCache(true);
        remember(request, key);
        return Future.succeededFuture(new Answer(hit.der(), hit));
      }
    }
    if (cacheable) ctx.metrics().ocspCache(false);
    long epoch = revocations.get();
    // Status read and signature in one worker task: the status is read at the moment of signing
    // (a nonce asks for freshness: never from this instance's cache, which another instance's
    // revocation does not reach at once).
    return ctx.signers().executeBlocking(() -> {
          List<Status> read = ctx.db().txBlocking(c -> {
            List<Status> statuses = new ArrayList<>(ids.size());
            for (CertificateID id : ids) statuses.add(status(c, ca, id.getSerialNumber()));
            return statuses;
          });
          Instant now = ctx.clock().instant();
          byte[] der = sign(ca, ids, read, nonce, now);
          if (cacheable && read.get(0).known() && epoch == revocations.get()) {
            Cached cached = cache(ca, ids.get(0), der, now);
            remember(request, cached == null ? null : certKey(ca, ids.get(0)));
            return new Answer(der, cached);
          }
          return new Answer(der, null);
        }, false);
  }

  /** After a revocation: cached responses for the certificate are re-signed now with the new status. */
  Future<Void> refresh(String caId, String serialHex) {
    revocations.incrementAndGet();
    return resign(cachedOf(caId, serialHex));
  }

  private List<Cached> cachedOf(String caId, String serialHex) {
    BigInteger serial = SerialNumbers.fromHex(serialHex);
    List<Cached> found = new ArrayList<>();
    for (ASN1ObjectIdentifier oid : HASHES.keySet()) {
      Cached c = byCertificate.get(certKey(caId, oid, serial));
      if (c != null) found.add(c);
    }
    return found;
  }

  /** Drops the cached responses of a certificate: the next request reads the database. */
  void forget(String caId, String serialHex) {
    revocations.incrementAndGet();
    BigInteger serial = SerialNumbers.fromHex(serialHex);
    for (ASN1ObjectIdentifier oid : HASHES.keySet()) byCertificate.remove(certKey(caId, oid, serial));
  }

  /** Re-signs every cached response past the middle of its validity. */
  Future<Void> refreshAging() {
    Instant now = ctx.clock().instant();
    List<Cached> aging = byCertificate.values().stream()
        .filter(c -> c.nextUpdate().minusMillis(Duration.between(c.thisUpdate(), c.nextUpdate()).toMillis() / 2)
            .isBefore(now)).toList();
    return resign(aging);
  }

  private Future<Void> resign(List<Cached> entries) {
    if (entries.isEmpty()) return Future.succeededFuture();
    return ctx.db().tx(c -> {
          List<Status> statuses = new ArrayList<>();
          for (Cached e : entries) statuses.add(status(c, e.caId(), SerialNumbers.fromHex(e.serial())));
          return statuses;
        })
        .compose(statuses -> ctx.signers().executeBlocking(() -> {
          Instant now = ctx.clock().instant();
          for (int i = 0; i < entries.size(); i++) {
            Cached e = entries.get(i);
            CertificateID id = certId(e);
            cache(e.caId(), id, sign(e.caId(), List.of(id), List.of(statuses.get(i)), null, now), now);
          }
          return null;
        }, false));
  }

  private CertificateID certId(Cached e) throws Exception {
    return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(e.hash())),
        new JcaX509CertificateHolder(ctx.ca().issuing(e.caId()).certificate()), SerialNumbers.fromHex(e.serial()));
  }

  static Status status(Connection c, String caId, BigInteger serial) throws SQLException {
    Optional<RevocationRepository.Status> stored = RevocationRepository.status(c, SerialNumbers.toHex(serial));
    if (stored.isEmpty() || !caId.equals(stored.get().caId())) return new Status(caId, false, false, null, 0);
    RevocationRepository.Status s = stored.get();
    return new Status(caId, true, s.revoked(), s.revokedAt(), s.reason() == null ? 0 : s.reason());
  }

  private byte[] sign(String caId, List<CertificateID> ids, List<Status> statuses, Extension nonce, Instant now) throws Exception {
    OcspSigner signer = signers.get(caId);
    long start = System.nanoTime();
    byte[] der = signer.sign(ids, statuses, nonce, now, signer.capped(now.plus(validity)));
    ctx.metrics().ocspSigned(System.nanoTime() - start);
    return der;
  }

  /**
   * Serves {@code renewed}'s responder (new key and certificate) from now on: the cached responses
   * of that CA, signed by the previous responder, are dropped and signed again on demand.
   */
  public void replaceSigner(IssuingCa renewed) throws Exception {
    signers.put(renewed.id(), new OcspSigner(renewed));
    revocations.incrementAndGet(); // an answer being signed by the old responder does not enter the cache
    byCertificate.values().removeIf(c -> c.caId().equals(renewed.id()));
  }

  /** The certificate of the responder currently signing for this CA. */
  public java.security.cert.X509Certificate responderCertificate(String caId) {
    return signers.get(caId).certificate();
  }

  private Cached cache(String caId, CertificateID id, byte[] der, Instant now) throws Exception {
    Instant thisUpdate = Instant.ofEpochSecond(now.getEpochSecond());
    Instant nextUpdate = signers.get(caId).capped(thisUpdate.plus(validity));
    String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der), 0, 16) + "\"";
    Cached cached = new Cached(der, thisUpdate, nextUpdate, etag, HttpDates.format(thisUpdate), HttpDates.format(nextUpdate),
        caId, SerialNumbers.toHex(id.getSerialNumber()), id.getHashAlgOID());
    if (byCertificate.size() >= maxEntries) {
      // Bounded memory: start over rather than track recency on the hot path.
      byCertificate.clear();
      byRequest.clear();
    }
    byCertificate.put(certKey(caId, id), cached);
    return cached;
  }

  private void remember(byte[] request, String key) {
    if (key == null || request.length > 512) return;
    if (byRequest.size() >= maxEntries) byRequest.clear();
    byRequest.put(ByteBuffer.wrap(request.clone()), key);
  }

  private static String certKey(String caId, CertificateID id) {
    return certKey(caId, id.getHashAlgOID(), id.getSerialNumber());
  }

  private static String certKey(String caId, ASN1ObjectIdentifier hash, BigInteger serial) {
    return caId + '/' + hash.getId() + '/' + serial.toString(16);
  }

  private static String issuerKey(ASN1ObjectIdentifier oid, byte[] nameHash, byte[] keyHash) {
    return oid.getId() + '/' + HexFormat.of().formatHex(nameHash) + '/' + HexFormat.of().formatHex(keyHash);
  }
}
