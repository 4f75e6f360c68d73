package fr.habilis.ca.revocation;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.store.HierarchyRepository;
import io.vertx.core.Future;
import fr.habilis.ca.pki.CaPublisher;
import fr.habilis.ca.pki.HierarchyGenerator;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.pki.ResponderStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews each issuing CA's delegated OCSP responder certificate before it expires, with a new
 * key, and serves the new one at once (no restart): otherwise, two years after start-up, every
 * OCSP answer would be signed by an expired responder and every relying party's check would fail.
 * The server holds the issuing CA keys in every environment (they sign the certificates), so it
 * can always sign its responders.
 *
 * <p>A responder is renewed when less than {@code ocspSignerRenewBefore} (default 90 days), or a
 * third of {@code ocspSignerValidity} if that is shorter, is left; the new certificate lives
 * {@code ocspSignerValidity} (default 730 days). Checked every sixth of that lifetime (between one
 * second and one hour) by the lease holder, the first time at the first start-up. A renewal is
 * written into the CA keystore before it is served, so a restart serves it and does not renew
 * again, then recorded in the database, where the other instances find it (they read it from the
 * shared keystore); an instance sharing the keystore whose responder is due adopts the one another
 * instance stored, if that one is not due. The new
 * certificate replaces the published {@code /certs/{id}-ocsp.*} files. A keystore that cannot be
 * written (read-only mount, full disk) does not stop the renewal: the new responder is served from
 * memory, and the failure logged as SEVERE. A responder that cannot be renewed, or production CA
 * material close to expiry, is logged as SEVERE at every check.
 */
public final class ResponderRenewal {
  private static final Logger LOG = LoggerFactory.getLogger(ResponderRenewal.class);
  private final ServerContext ctx;
  private final OcspResponder responder;
  private final ResponderStore store;
  private final CaPublisher publisher;
  private final Duration validity;
  private final Duration renewBefore;
  /** The issuing CAs with the responder currently served. */
  private final Map<String, IssuingCa> current = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final HierarchyRepository hierarchy = new HierarchyRepository();
  /** Recorded responders this instance's keystore lacks, warned about once each. */
  private final java.util.Set<String> warned = ConcurrentHashMap.newKeySet();

  ResponderRenewal(ServerContext ctx, OcspResponder responder, ResponderStore store, CaPublisher publisher) {
    this.ctx = ctx;
    this.responder = responder;
    this.store = store;
    this.publisher = publisher;
    this.validity = ctx.config().getDuration(Setting.OCSP_SIGNER_VALIDITY);
    this.renewBefore = ctx.config().getDuration(Setting.OCSP_SIGNER_RENEW_BEFORE);
    for (IssuingCa ca : ctx.ca().issuingCas()) current.put(ca.id(), ca);
  }

  /**
   * The check runs on the {@code ocsp-responder-renewal} lease holder only, so that one instance
   * renews (a new key written once into the shared keystore, then recorded in {@code ca_responders});
   * every instance polls that table and serves a responder renewed elsewhere, read from the keystore.
   */
  void start() {
    long period = Math.max(1_000, Math.min(3_600_000, validity.toMillis() / 6));
    ctx.scheduler().leased("ocsp-responder-renewal", Duration.ofMillis(period), this::check);
    ctx.scheduler().local(ctx.config().getDuration(Setting.CLUSTER_POLL_EVERY), this::pickUp);
  }

  /** Serves the responders another instance renewed and recorded: the keystore's entry, if it is the recorded one. */
  private void pickUp() {
    if (running.get()) return;
    ctx.db().tx(hierarchy::responders).compose(recorded -> ctx.signers().executeBlocking(() -> {
      for (IssuingCa ca : current.values()) {
        HierarchyRepository.Responder r = recorded.get(ca.id());
        if (r == null || r.serial().equals(SerialNumbers.toHex(ca.ocspCertificate().getSerialNumber()))) continue;
        IssuingCa reloaded = store.reload(ca);
        if (!SerialNumbers.toHex(reloaded.ocspCertificate().getSerialNumber()).equals(r.serial())) {
          if (warned.add(r.serial())) {
            LOG.atError().log(() -> "OCSP responder " + r.serial() + " of CA " + ca.id() + " was renewed by another instance but is"
                + " not in this instance's CA keystore: give every instance the same keystore (docs/deployment.md)");
          }
          continue;
        }
        synchronized (this) {
          if (running.get()) return null;
          responder.replaceSigner(reloaded);
          current.put(ca.id(), reloaded);
        }
        publish(reloaded);
        LOG.atInfo().log(() -> "OCSP responder of CA " + ca.id() + " renewed by another instance, now served, valid until "
            + reloaded.ocspCertificate().getNotAfter().toInstant());
      }
      return null;
    }, false)).onFailure(e -> LOG.warn("looking for OCSP responders renewed elsewhere failed", e));
  }

  /**
   * When this responder certificate is due for renewal: {@code ocspSignerRenewBefore} before its
   * notAfter, but never earlier than a third of {@code ocspSignerValidity} before (a short test
   * lifetime is renewed at two thirds, not at once and again at every check).
   */
  Instant renewAt(X509Certificate responderCert) {
    Duration third = validity.dividedBy(3);
    return responderCert.getNotAfter().toInstant().minus(renewBefore.compareTo(third) < 0 ? renewBefore : third);
  }

  /** One pass, off the event loop (key generation and signing); overlapping passes are skipped. */
  Future<Void> check() {
    if (!running.compareAndSet(false, true)) return Future.succeededFuture();
    return ctx.signers().executeBlocking(() -> {
      Instant now = ctx.clock().instant();
      for (IssuingCa ca : current.values()) {
        if (now.isBefore(renewAt(ca.ocspCertificate()))) continue;
        try {
          ResponderStore.Outcome outcome;
          try {
            outcome = store.renew(ca, stored -> !now.isBefore(renewAt(stored)), this::newResponder);
          } catch (IOException e) {
            LOG.error("cannot write the renewed OCSP responder of CA " + ca.id() + " into the CA keystore:"
                + " serving it from memory; a restart will renew it again", e);
            outcome = new ResponderStore.Outcome(newResponder(ca), true);
          }
          IssuingCa renewed = outcome.ca();
          synchronized (this) {
            responder.replaceSigner(renewed);
            current.put(ca.id(), renewed);
          }
          publish(renewed);
          HierarchyRepository.Responder record = new HierarchyRepository.Responder(ca.id(),
              SerialNumbers.toHex(renewed.ocspCertificate().getSerialNumber()), renewed.ocspCertificate().getEncoded());
          if (!outcome.renewedHere()) {
            ctx.db().txBlocking(c -> {
              hierarchy.recordResponder(c, record, now);
              return null;
            });
            LOG.atInfo().log(() -> "OCSP responder of CA " + ca.id() + " renewed by another instance, now served, valid until "
                + renewed.ocspCertificate().getNotAfter().toInstant());
            continue;
          }
          ctx.db().txBlocking(c -> {
            hierarchy.recordResponder(c, record, now);
            ctx.audit().append(c, "system", "ocsp.responder.renewed", ca.id(), new JsonObject()
                .put("serial", renewed.ocspCertificate().getSerialNumber().toString(16))
                .put("notAfter", renewed.ocspCertificate().getNotAfter().toInstant().toString())
                .put("previousNotAfter", ca.ocspCertificate().getNotAfter().toInstant().toString()).encode());
            return null;
          });
          LOG.atInfo().log(() -> "OCSP responder of CA " + ca.id() + " renewed (new key), valid until "
              + renewed.ocspCertificate().getNotAfter().toInstant());
        } catch (Exception e) {
          LOG.error("cannot renew the OCSP responder of CA " + ca.id() + ", which expires "
              + ca.ocspCertificate().getNotAfter().toInstant() + ": OCSP answers will fail after that", e);
        }
      }
      warnIfCloseToExpiry(now);
      return (Void) null;
    }, false).onComplete(x -> running.set(false));
  }

  private IssuingCa newResponder(IssuingCa ca) throws java.security.GeneralSecurityException {
    return HierarchyGenerator.renewOcspSigner(ca, validity, ctx.endpoints(), ctx.clock());
  }

  /** The published copies are a convenience: failing to write them does not undo the renewal. */
  private void publish(IssuingCa renewed) {
    try {
      publisher.responderRenewed(renewed);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot write the renewed OCSP responder certificate of CA " + renewed.id()
          + " into the data directory", e);
    }
  }

  private void warnIfCloseToExpiry(Instant now) {
    if (!ctx.config().isProduction()) return;
    Instant soon = now.plus(renewBefore);
    for (IssuingCa ca : current.values()) {
      for (X509Certificate cert : new X509Certificate[] {ca.certificate(), ca.ocspCertificate()}) {
        if (cert.getNotAfter().toInstant().isBefore(soon)) {
          LOG.atError().log(() -> "PRODUCTION CA MATERIAL CLOSE TO EXPIRY: " + cert.getSubjectX500Principal().getName()
              + " expires " + cert.getNotAfter().toInstant());
        }
      }
    }
    if (ctx.ca().root().getNotAfter().toInstant().isBefore(soon)) {
      LOG.atError().log(() -> "PRODUCTION CA MATERIAL CLOSE TO EXPIRY: root " + ctx.ca().root().getNotAfter().toInstant());
    }
  }

  /** The responders served now, for the status document. */
  JsonArray status() {
    JsonArray list = new JsonArray();
    for (String id : new java.util.TreeSet<>(current.keySet())) {
      X509Certificate cert = responder.responderCertificate(id);
      list.add(new JsonObject().put("ca", id).put("serial", cert.getSerialNumber().toString(16))
          .put("notBefore", cert.getNotBefore().toInstant().toString())
          .put("notAfter", cert.getNotAfter().toInstant().toString())
          .put("renewAt", renewAt(cert).toString()));
    }
    return list;
  }
}
