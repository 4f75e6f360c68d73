package fr.habilis.ca.ra;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.pki.Pem;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.renewal.RenewalService;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Certificates in the RA API: the follow-up list (by structure, administrator, status, expiry),
 * one certificate, and revocation by an operator. Authentication and problem documents come from
 * {@link RaApi}, which mounts this under {@code /ra/v1}.
 */
final class RaCertificates {
  private static final Pattern SERIAL = Pattern.compile("[0-9A-Fa-f]{1,64}");
  private static final Set<String> STATUSES = Set.of("valid", "revoked", "expired");
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
      RaApi.reply(rc, 200, ctx.db().tx(c -> certificates.findBySerial(c, serial)
          .orElseThrow(() -> DomainError.notFound("no certificate with serial " + serial)))
          .map(cert -> json(cert).put("pem", Pem.encode(List.of(new org.bouncycastle.util.io.pem.PemObject("CERTIFICATE", cert.der()))))));
    });
    router.post("/ra/v1/certificates/:serial/revoke").handler(rc -> {
      String serial = serial(rc);
      RevocationReason reason = reason(RaApi.body(rc));
      RaApi.reply(rc, 200, revocation.revoke(serial, reason, RaAuth.actor(rc), RevocationService.Permission.ANYONE).map(this::json));
    });
  }

  private void list(RoutingContext rc) {
    var q = rc.queryParams();
    String structure = q.get("structure");
    String admin = q.get("admin");
    String status = q.get("status");
    if (admin != null) RaRequests.cardPath(admin);
    if (status != null && !STATUSES.contains(status)) {
      throw DomainError.invalidField("status", "must be one of valid, revoked, expired");
    }
    Instant expiresBefore = null;
    if (q.get("expiresBefore") != null) {
      try {
        expiresBefore = Instant.parse(q.get("expiresBefore"));
      } catch (DateTimeParseException e) {
        throw DomainError.invalidField("expiresBefore", "an RFC 3339 UTC time such as 2027-01-31T00:00:00Z");
      }
    }
    int limit = RaApi.intParam(rc, "limit", 50, 1, 500);
    int offset = RaApi.intParam(rc, "offset", 0, 0, Integer.MAX_VALUE);
    Instant now = ctx.clock().instant();
    // "valid" and "expired" are both status valid in the table: expiry is a matter of time.
    Instant before = "expired".equals(status) ? min(expiresBefore, now) : expiresBefore;
    String stored = "expired".equals(status) ? "valid" : status;
    RaApi.reply(rc, 200, ctx.db().tx(c -> {
      List<String> cards = admin == null ? null : registry.cardsOf(c, admin);
      Instant after = "valid".equals(status) ? now : null;
      return certificates.list(c, structure, cards, stored, after, before, limit, offset);
    }).map(page -> {
      JsonArray items = new JsonArray();
      page.forEach(cert -> items.add(json(cert)));
      return new JsonObject().put("certificates", items).put("limit", limit).put("offset", offset);
    }));
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
