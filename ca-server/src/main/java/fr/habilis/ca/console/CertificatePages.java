package fr.habilis.ca.console;

import fr.habilis.ca.console.Pages.Visit;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.pki.Pem;
import fr.habilis.ca.ra.RaInputs;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.CertificateRepository;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Certificates: search (structure, administrator's card, status, expiry window), one certificate
 * with its chain, renewals and what OCSP says of it, and revocation by an officer with the seeds'
 * reasons mapped to RFC 5280 codes.
 */
final class CertificatePages implements ConsoleApi.PageGroup {
  private static final String PATH = ConsoleApi.BASE + "/certificates";
  private static final Pattern SERIAL = Pattern.compile("[0-9A-Fa-f]{1,64}");
  /**
   * The seeds' revocation reasons (form: erreur, perte, vol, cessation) as RFC 5280 §5.3.1 codes:
   * a certificate issued in error is superseded by the right one; a lost or stolen card or key
   * must be taken as compromised; an activity that stops is a cessation of operation.
   */
  static final Map<String, RevocationReason> REASONS = new LinkedHashMap<>();

  static {
    REASONS.put("error", RevocationReason.SUPERSEDED);
    REASONS.put("loss", RevocationReason.KEY_COMPROMISE);
    REASONS.put("theft", RevocationReason.KEY_COMPROMISE);
    REASONS.put("cessation", RevocationReason.CESSATION_OF_OPERATION);
  }

  private final Pages pages;
  private final ConsoleServices services;
  private final CertificateRepository certificates = new CertificateRepository();

  CertificatePages(Pages pages, ConsoleServices services) {
    this.pages = pages;
    this.services = services;
  }

  @Override
  public void mount(Router router, ConsoleApi.Guards guards) {
    router.get(PATH).handler(this::search);
    router.get(PATH + "/:serial").handler(this::detail);
    router.post(PATH + "/:serial/revoke").handler(guards.only(Role.OFFICER)).handler(this::revoke);
  }

  private void search(RoutingContext rc) {
    var q = rc.queryParams();
    String structure = blankToNull(q.get("structure"));
    String card = blankToNull(q.get("card"));
    String status = blankToNull(q.get("status"));
    String days = blankToNull(q.get("expiresWithin"));
    String profile = blankToNull(q.get("profile"));
    if (card != null) RaInputs.card(card);
    if (profile != null && fr.habilis.ca.issuance.Profiles.all().stream().noneMatch(p -> p.name().name().equals(profile))) {
      throw DomainError.invalidField("profile", "one of the products " + String.join(", ", profiles()));
    }
    if (status != null && !List.of("valid", "revoked", "expired").contains(status)) {
      throw DomainError.invalidField("status", "one of valid, revoked, expired");
    }
    Integer within = null;
    if (days != null) {
      try {
        within = Integer.parseInt(days);
        if (within < 1 || within > 3650) throw new NumberFormatException();
      } catch (NumberFormatException e) {
        throw DomainError.invalidField("expiresWithin", "a number of days between 1 and 3650");
      }
    }
    int offset = Paging.offset(rc);
    Instant now = services.ctx().clock().instant();
    Instant before = within == null ? null : now.plus(Duration.ofDays(within));
    if ("expired".equals(status)) before = before == null || before.isAfter(now) ? now : before;
    Instant after = "valid".equals(status) ? now : null;
    String stored = "expired".equals(status) ? "valid" : status;
    Instant until = before;
    boolean searched = structure != null || card != null || status != null || within != null || profile != null;
    Map<String, Object> model = new HashMap<>();
    model.put("structure", structure);
    model.put("card", card);
    model.put("status", status);
    model.put("expiresWithin", days);
    model.put("profile", profile);
    model.put("profiles", profiles());
    model.put("searched", searched);
    services.ctx().db().tx(c -> {
      if (!searched) return List.<StoredCertificate>of();
      List<String> cards = card == null ? null : services.registry().cardsOf(c, card);
      return certificates.list(c, new CertificateRepository.Filter(structure, cards, stored,
          profile == null ? null : java.util.Set.of(profile), after, null, until), Paging.SIZE + 1, offset);
    }).compose(list -> {
      model.put("items", Paging.page(list).stream().map(this::row).toList());
      model.put("paging", Paging.of(rc, list.size(), offset));
      return pages.render(rc, "certificates", model);
    }).onFailure(rc::fail);
  }

  private void detail(RoutingContext rc) {
    String serial = serial(rc);
    services.ctx().db().tx(c -> certificates.findBySerial(c, serial)
            .orElseThrow(() -> DomainError.notFound("no certificate with serial " + serial)))
        .compose(cert -> OcspCheck.of(services.ocsp(), services.ctx().ca().issuing(cert.caId()), SerialNumbers.fromHex(serial))
            .compose(ocsp -> {
              Map<String, Object> model = new HashMap<>();
              model.put("c", row(cert));
              model.put("ocsp", ocsp);
              model.put("ocspReason", ocsp.reason() == null ? null
                  : RevocationReason.ofCode(ocsp.reason()).map(RevocationReason::rfcName).orElse(ocsp.reason().toString()));
              model.put("pem", Pem.encode(List.of(new org.bouncycastle.util.io.pem.PemObject("CERTIFICATE", cert.der()))));
              model.put("chain", services.ctx().ca().chainOf(cert.caId()).stream()
                  .map(x -> x.getSubjectX500Principal().getName()).toList());
              model.put("reasons", List.copyOf(REASONS.keySet()));
              return pages.render(rc, "certificate", model);
            }))
        .onFailure(rc::fail);
  }

  private void revoke(RoutingContext rc) {
    String serial = serial(rc);
    String reasonName = rc.request().getFormAttribute("reason");
    RevocationReason reason = reasonName == null ? null : REASONS.get(reasonName);
    if (reason == null) throw DomainError.invalidField("reason", "one of " + String.join(", ", REASONS.keySet()));
    services.revocation().revoke(serial, reason, Visit.of(rc).actor(), RevocationService.Permission.ANYONE)
        .onSuccess(cert -> ConsoleApi.redirect(rc, PATH + "/" + cert.serialHex()))
        .onFailure(rc::fail);
  }

  /** A certificate as the pages show it; "expired" is a valid certificate past its notAfter. */
  record Row(String serial, String profile, String subject, String commonName, String structure, String adminCard,
      String notBefore, String notAfter, String status, String revokedAt, String reason, String replaces,
      String replacedBy) {}

  private Row row(StoredCertificate c) {
    String status = "valid".equals(c.status()) && !c.notAfter().isAfter(services.ctx().clock().instant()) ? "expired" : c.status();
    return new Row(c.serialHex(), c.profile(), c.subjectDn(), c.commonName(), c.structureId(), c.adminCard(),
        day(c.notBefore()), day(c.notAfter()), status, c.revokedAt() == null ? null : c.revokedAt().toString(),
        c.revocationReason() == null ? null : RevocationReason.ofCode(c.revocationReason()).map(RevocationReason::rfcName)
            .orElse("unspecified"), c.replaces(), c.replacedBy());
  }

  private static String day(Instant i) {
    return i.toString().substring(0, 10);
  }

  private static String serial(RoutingContext rc) {
    String s = rc.pathParam("serial");
    if (s == null || !SERIAL.matcher(s).matches() || SerialNumbers.fromHex(s).signum() <= 0) {
      throw DomainError.invalidField("serial", "a certificate serial number in hexadecimal");
    }
    return SerialNumbers.toHex(SerialNumbers.fromHex(s));
  }

  private static List<String> profiles() {
    return fr.habilis.ca.issuance.Profiles.all().stream().map(p -> p.name().name()).sorted().toList();
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
