package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.ProfileName;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.Pem;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.RevocationRepository;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificates in the RA API: the follow-up list (by structure, administrator, status, expiry),
 * one certificate, and revocation by an operator. Authentication and problem documents come from
 * {@link RaApi}, which mounts this under {@code /ra/v1}.
 */
final class RaCertificates {
  private static final Pattern SERIAL = Pattern.compile("[0-9A-Fa-f]{1,64}");
  private static final Pattern STATUS = Pattern.compile("valid|revoked|expired");
  private final ServerContext ctx;
  private final RegistryService registry;
  private final RevocationService revocation;
  private final CertificateRepository certificates = new CertificateRepository();
  /** The renewal chain endpoint, once the renewal module is there (RaApi.withRenewal). */
  private RenewalService renewal;

  RaCertificates(ServerContext ctx, RegistryService registry, RevocationService revocation) {
    this.ctx = ctx;
    this.registry = registry;
    this.revocation = revocation;
  }

  void renewal(RenewalService renewal) {
    this.renewal = renewal;
  }

  void mount(Router router) {
    router.get("/ra/v1/certificates").handler(this::list);
    if (renewal != null) {
      // The chain of renewals of a product (RFC 9773 replaces), first certificate to latest.
      router.get("/ra/v1/certificates/:serial/renewals").handler(rc -> RaApi.reply(rc, 200,
          renewal.chain(serial(rc)).map(chain -> {
            JsonArray items = new JsonArray();
            chain.forEach(cert -> items.add(json(cert)));
            return new JsonObject().put("renewals", items);
          })));
    }
    router.get("/ra/v1/certificates/:serial").handler(rc -> {
      String serial = serial(rc);
      RaApi.reply(rc, 200, ctx.db().tx(c -> detail(c, serial)));
    });
    router.post("/ra/v1/certificates/:serial/revoke").handler(rc -> {
      String serial = serial(rc);
      RevocationReason reason = reason(RaApi.body(rc));
      RaApi.reply(rc, 200, revocation.revoke(serial, reason, RaAuth.actor(rc), RevocationService.Permission.ANYONE).map(this::json));
    });
  }

  /**
   * The search: structure, administrator card (with the person's replaced cards), profile or
   * offer, status, and an expiry window [expiresAfter, expiresBefore).
   */
  private void list(RoutingContext rc) {
    RaQuery q = new RaQuery(rc);
    String structure = q.matching("structure", RaQuery.NATIONAL_ID, "a structure's national identifier");
    String admin = q.matching("admin", RaQuery.CARD, "a card number: 10 digits");
    String status = q.matching("status", STATUS, "must be one of valid, revoked, expired");
    Set<String> profiles = profiles(q);
    Instant expiresAfter = q.instant("expiresAfter");
    Instant expiresBefore = q.instant("expiresBefore");
    if (expiresAfter != null && expiresBefore != null && !expiresAfter.isBefore(expiresBefore)) {
      throw DomainError.invalidField("expiresBefore", "must be later than expiresAfter");
    }
    RaQuery.Page page = q.page();
    Instant now = ctx.clock().instant();
    // "valid" and "expired" are both status valid in the table: expiry is a matter of time.
    Instant before = "expired".equals(status) ? min(expiresBefore, now) : expiresBefore;
    String stored = "expired".equals(status) ? "valid" : status;
    Instant liveAt = "valid".equals(status) ? now : null;
    RaApi.reply(rc, 200, ctx.db().tx(c -> {
      List<String> cards = admin == null ? null : registry.cardsOf(c, admin);
      return certificates.list(c, new CertificateRepository.Filter(structure, cards, stored, profiles, liveAt,
          expiresAfter, before), page.fetch(), page.offset());
    }).map(rows -> page.json("certificates", rows, this::json)));
  }

  /** {@code profile} (a profile name) and {@code offer} (the profiles of an offer), both optional; null for any. */
  private static Set<String> profiles(RaQuery q) {
    ProfileName profile = q.oneOf("profile", ProfileName.class);
    Offer.Kind offer = q.oneOf("offer", Offer.Kind.class);
    if (profile == null && offer == null) return null;
    return Profiles.all().stream().filter(p -> profile == null || p.name() == profile)
        .filter(p -> offer == null || p.offer().equals(offer.name())).map(p -> p.name().name())
        .collect(Collectors.toSet());
  }

  /**
   * One certificate for the console: the search's object, its PEM, the issuer chain (issuing CA
   * then root), its OCSP status read as the responder reads it, and the order and account that
   * asked for it.
   */
  private JsonObject detail(Connection c, String serial) throws SQLException {
    StoredCertificate cert = certificates.findBySerial(c, serial)
        .orElseThrow(() -> DomainError.notFound("no certificate with serial " + serial));
    List<X509Certificate> chain = ctx.ca().chainOf(cert.caId());
    JsonObject ocsp = RevocationRepository.status(c, serial).map(s -> {
      JsonObject o = new JsonObject().put("status", s.revoked() ? "revoked" : "good");
      if (s.revoked()) {
        o.put("revokedAt", s.revokedAt().toString()).put("revocationReason", RevocationReason
            .ofCode(s.reason() == null ? 0 : s.reason()).map(RevocationReason::rfcName).orElse("unspecified"));
      }
      return o;
    }).orElseThrow().put("responder", ctx.endpoints().ocspUrl());
    JsonObject j = json(cert).put("pem", Pem.encode(List.of(new PemObject("CERTIFICATE", cert.der()))))
        .put("issuer", chain.get(0).getSubjectX500Principal().getName())
        .put("chain", Pem.encode(List.copyOf(chain))).put("ocsp", ocsp)
        .put("order", cert.orderId()).put("account", cert.accountId());
    if (renewal != null) j.put("links", new JsonObject().put("renewals", ctx.endpoints().raUrl() + "/certificates/"
        + serial + "/renewals"));
    return j;
  }

  private JsonObject json(StoredCertificate cert) {
    Profile profile = Profiles.get(cert.profile());
    String status = "valid".equals(cert.status()) && !cert.notAfter().isAfter(ctx.clock().instant()) ? "expired" : cert.status();
    JsonObject j = new JsonObject().put("serial", cert.serialHex()).put("profile", cert.profile())
        .put("offer", profile == null ? null : profile.offer()).put("ca", cert.caId())
        .put("subject", cert.subjectDn()).put("commonName", cert.commonName()).put("structure", cert.structureId())
        .put("adminCard", cert.adminCard()).put("notBefore", cert.notBefore().toString())
        .put("notAfter", cert.notAfter().toString()).put("status", status);
    if (cert.replaces() != null) j.put("replaces", cert.replaces());
    if (cert.replacedBy() != null) j.put("replacedBy", cert.replacedBy());
    if (cert.revokedAt() != null) {
      j.put("revokedAt", cert.revokedAt().toString()).put("revocationReason",
          RevocationReason.ofCode(cert.revocationReason() == null ? 0 : cert.revocationReason())
              .map(RevocationReason::rfcName).orElse("unspecified"));
    }
    return j;
  }

  private static String serial(RoutingContext rc) {
    String s = rc.pathParam("serial");
    if (s == null || !SERIAL.matcher(s).matches() || SerialNumbers.fromHex(s).signum() <= 0) {
      throw DomainError.invalidField("serial", "a certificate serial number in hexadecimal");
    }
    return SerialNumbers.toHex(SerialNumbers.fromHex(s));
  }

  private static RevocationReason reason(JsonObject body) {
    Object v = body.getValue("reason");
    if (v == null) return RevocationReason.UNSPECIFIED;
    List<String> names = Arrays.stream(RevocationReason.values()).map(RevocationReason::rfcName).toList();
    return (v instanceof String s ? RevocationReason.ofName(s) : java.util.Optional.<RevocationReason>empty())
        .orElseThrow(() -> DomainError.invalidField("reason", "one of " + String.join(", ", names)));
  }

  private static Instant min(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
