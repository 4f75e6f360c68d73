package fr.habilis.ca.revocation;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.notify.Notices;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.SerialProfile;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.RevocationRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes certificates: one transaction sets the status, date and reason, blocks the key on
 * keyCompromise, appends the audit entry and enqueues the revocation notices; once it has committed, the cached OCSP responses are
 * replaced and a CRL regeneration is scheduled (coalesced with other revocations of the same CA).
 */
public final class RevocationService {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationService.class);
  private final ServerContext ctx;
  private final OcspResponder ocsp;
  private final CrlService crl;
  private final CertificateRepository certificates = new CertificateRepository();
  private final Notices notices;

  /** Who may revoke a certificate, checked in the revoking transaction (throws to refuse). */
  @FunctionalInterface
  public interface Permission {
    void check(Connection c, StoredCertificate certificate) throws Exception;

    Permission ANYONE = (c, cert) -> {};
  }

  RevocationService(ServerContext ctx, OcspResponder ocsp, CrlService crl) {
    this.ctx = ctx;
    this.ocsp = ocsp;
    this.crl = crl;
    this.notices = new Notices(ctx);
  }

  /**
   * Revokes one certificate if {@code permission} allows it; fails with NOT_FOUND (not one of ours)
   * or ALREADY_REVOKED. A keyCompromise also revokes, in the same transaction, the other valid
   * certificates of the key: a renewal may share it (issuance/KeyReusePolicy), a compromise may not.
   */
  public Future<StoredCertificate> revoke(String serialHex, RevocationReason reason, String actor, Permission permission) {
    Instant now = ctx.clock().instant();
    return ctx.db().tx(c -> {
      StoredCertificate cert = certificates.findBySerial(c, serialHex).orElseThrow(() -> DomainError.notFound("no certificate with serial " + serialHex));
      permission.check(c, cert);
      if (!markRevoked(c, cert, reason, actor, now)) throw DomainError.of(ErrorKind.ALREADY_REVOKED, "certificate " + serialHex + " is already revoked");
      List<StoredCertificate> revoked = new ArrayList<>(List.of(certificates.findBySerial(c, serialHex).orElseThrow()));
      if (reason == RevocationReason.KEY_COMPROMISE) {
        for (StoredCertificate sameKey : certificates.validWithKey(c, cert.keyHash(), now)) {
          if (markRevoked(c, sameKey, reason, actor, now)) revoked.add(asRevoked(sameKey, reason, now));
        }
      }
      return revoked;
    }).compose(revoked -> published(revoked).map(revoked.get(0)));
  }

  /**
   * Revokes, in the caller's transaction, every live certificate of a structure with one of the
   * profiles (a revoked habilitation). Call {@link #published} with the result once committed.
   */
  public List<StoredCertificate> revokeLive(Connection c, String structureId, Set<String> profiles,
      RevocationReason reason, String actor) throws SQLException {
    Instant now = ctx.clock().instant();
    List<String> serials = new ArrayList<>();
    for (SerialProfile live : certificates.liveOfStructure(c, structureId, now)) {
      if (profiles.contains(live.profile())) serials.add(live.serialHex());
    }
    List<StoredCertificate> revoked = new ArrayList<>();
    for (String serial : serials) {
      StoredCertificate cert = certificates.findBySerial(c, serial).orElseThrow();
      if (markRevoked(c, cert, reason, actor, now)) revoked.add(asRevoked(cert, reason, now));
    }
    return revoked;
  }

  /**
   * Revokes one certificate in the caller's transaction (e.g. superseded by its successor, in the
   * transaction that stores the successor); empty when it was not valid. Call {@link #published}
   * with the result once committed.
   */
  public Optional<StoredCertificate> revokeInTransaction(Connection c, String serialHex, RevocationReason reason,
      String actor) throws SQLException {
    Optional<StoredCertificate> cert = certificates.findBySerial(c, serialHex);
    Instant now = ctx.clock().instant();
    if (cert.isEmpty() || !markRevoked(c, cert.get(), reason, actor, now)) return Optional.empty();
    return Optional.of(asRevoked(cert.get(), reason, now));
  }

  /** After the revoking transaction committed: OCSP answers the new status at once, the CRL follows shortly. */
  public Future<Void> published(List<StoredCertificate> revoked) {
    // Counted here, once committed: a revoking transaction that rolled back revoked nothing.
    for (StoredCertificate cert : revoked) {
      ctx.metrics().revoked(cert.revocationReason() == null ? "unspecified"
          : RevocationReason.ofCode(cert.revocationReason()).map(RevocationReason::rfcName).orElse("unspecified"));
    }
    revoked.stream().map(StoredCertificate::caId).distinct().forEach(crl::schedule);
    return Future.all(revoked.stream().map(cert -> ocsp.refresh(cert.caId(), cert.serialHex())).toList())
        .<Void>mapEmpty().recover(e -> {
          // Committed already: the stale cached responses are dropped, so OCSP re-reads the database.
          LOG.warn("re-signing OCSP responses after a revocation failed", e);
          revoked.forEach(cert -> ocsp.forget(cert.caId(), cert.serialHex()));
          return Future.succeededFuture();
        });
  }

  /** The row as {@link #markRevoked} left it (what {@link #published} counts by reason). */
  private static StoredCertificate asRevoked(StoredCertificate c, RevocationReason reason, Instant now) {
    return new StoredCertificate(c.serialHex(), c.caId(), c.profile(), c.subjectDn(), c.commonName(), c.structureId(),
        c.adminCard(), c.accountId(), c.orderId(), c.keyHash(), c.notBefore(), c.notAfter(), c.der(), "revoked", now,
        reason.code(), c.replaces(), c.replacedBy());
  }

  private boolean markRevoked(Connection c, StoredCertificate cert, RevocationReason reason, String actor, Instant now)
      throws SQLException {
    if (!RevocationRepository.markRevoked(c, cert.caId(), cert.serialHex(), reason.code(), cert.notAfter(), now)) {
      return false;
    }
    if (reason == RevocationReason.KEY_COMPROMISE) {
      certificates.blockKey(c, cert.keyHash(), "keyCompromise of " + cert.serialHex(), now);
    }
    ctx.audit().append(c, actor, "certificate.revoked", cert.serialHex(),
        new JsonObject().put("reason", reason.rfcName()).put("ca", cert.caId()).encode());
    notices.certificateRevoked(c, cert, reason, now);
    return true;
  }
}
