package fr.habilis.ca.issuance;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.issuance.CsrPolicy.CheckedCsr;
import fr.habilis.ca.pki.IssuingCa;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import fr.habilis.ca.store.CertificateRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Issues a certificate for an authorised request, in two steps (the one path, used by
 * {@code finalize.Finalizer}):
 * <ol>
 *   <li>{@link #prepare} in the caller's transaction: CSR checks (key policy, proof of possession),
 *       blocked / in-use key checks and the serial reservation, committed <em>before</em> signing
 *       (with the order's move to processing);
 *   <li>{@link #issue} in one task on {@code ctx.signers()} (the event loop never blocks): building
 *       and signing, then storing the certificate, its audit entry and the caller's work in one
 *       transaction.
 * </ol>
 * Refusals are {@link fr.habilis.ca.error.DomainError}s: {@link CsrRejected} for the CSR,
 * SUBJECT_NOT_CERTIFIABLE for a registry record that cannot go into the subject.
 */
public final class IssuanceService {
  private static final int AUDIT_DETAILS_MAX = 4000;
  private final ServerContext ctx;
  private final CsrPolicy csrPolicy = new CsrPolicy();
  private final SerialNumbers serials = new SerialNumbers(new SecureRandom());
  private final CertificateRepository repository = new CertificateRepository();
  private final CertificateBuilder builder;
  private final java.util.Set<String> freshKeyProfiles;

  public IssuanceService(ServerContext ctx) {
    this.ctx = ctx;
    this.builder = new CertificateBuilder(IssuanceSettings.from(ctx.config(), ctx.endpoints()));
    this.freshKeyProfiles = fr.habilis.ca.renewal.RenewalPolicy.profileNames(ctx.config().get(Setting.FRESH_KEY_PROFILES));
  }

  /** Parses a DER CSR; fails with {@link CsrRejected} (MALFORMED). For the ACME finalize handler. */
  public static PKCS10CertificationRequest parseCsr(byte[] der) {
    return CsrPolicy.parse(der);
  }

  /**
   * Work committed with the new certificate (e.g. the ACME order becoming valid), so neither exists
   * without the other; its result comes back with the certificate.
   */
  @FunctionalInterface
  public interface WithCertificate<T> {
    T run(Connection c, String serialHex) throws Exception;
  }

  /** A stored certificate and what the caller's work in the storing transaction returned. */
  public record Issued<T>(IssuedCertificate certificate, T joined) {}

  /** A request whose CSR is checked and whose serial is reserved, ready to be signed. */
  public record Prepared(IssuanceRequest request, Profile profile, X500Name subject, IssuingCa issuer, CheckedCsr csr,
      BigInteger serial) {}

  /**
   * Steps 1 and 2 inside the caller's transaction {@code c} (ACME finalize: the order leaves
   * ready and the serial is reserved in one commit, one write less per issuance). The serial is
   * durable only once {@code c} commits: call {@link #issue(Prepared, WithCertificate)} after
   * that. A serial collision (probability ~n²/2¹²⁸) fails the transaction instead of retrying.
   * {@code csr} is {@code request.csrDer()} as already parsed by the caller (not parsed again).
   */
  public Prepared prepare(Connection c, IssuanceRequest request, PKCS10CertificationRequest csr) throws Exception {
    Prepared p = checked(c, request, csr, serials.draw());
    repository.reserveSerial(c, SerialNumbers.toHex(p.serial()), p.issuer().id(), ctx.clock().instant());
    return p;
  }

  /**
   * {@link #prepare} again for a serial that a finalize reserved before its process died, before
   * the certificate was stored: the same checks in {@code c}, the same serial, no new reservation
   * (a serial is never drawn twice, RFC 5280 §4.1.2.2). Fails with {@link UnusableReservation}
   * when that serial cannot be used — not reserved for this profile's CA, or already certified —
   * and with {@link CsrRejected} when the CSR is no longer acceptable (its key certified or blocked
   * meanwhile).
   */
  public Prepared resume(Connection c, IssuanceRequest request, PKCS10CertificationRequest csr, String reservedSerial)
      throws Exception {
    Prepared p = checked(c, request, csr, SerialNumbers.fromHex(reservedSerial));
    String caId = repository.reservedFor(c, reservedSerial).orElse(null);
    if (!p.issuer().id().equals(caId)) {
      throw new UnusableReservation("serial " + reservedSerial + " is not reserved for CA " + p.issuer().id());
    }
    if (repository.findBySerial(c, reservedSerial).isPresent()) {
      throw new UnusableReservation("serial " + reservedSerial + " already has a certificate");
    }
    return p;
  }

  /** A reserved serial that cannot be signed with: the reservation stays consumed, the request fails. */
  public static final class UnusableReservation extends RuntimeException {
    public UnusableReservation(String message) {
      super(message);
    }
  }

  private Prepared checked(Connection c, IssuanceRequest request, PKCS10CertificationRequest csr, BigInteger serial)
      throws Exception {
    Profile profile = Profiles.get(request.profile());
    X500Name subject = subject(profile, request);
    IssuingCa issuer = ctx.ca().issuing(profile.caId());
    CheckedCsr checked = csrPolicy.check(csr);
    csrPolicy.checkKeyAvailable(c, checked.keyHash(), keyUse(request), ctx.clock().instant());
    return new Prepared(request, profile, subject, issuer, checked, serial);
  }

  /** What the key reuse rule knows of a request: its line, and whether its profile wants a fresh key. */
  private KeyReusePolicy.Use keyUse(IssuanceRequest request) {
    return KeyReusePolicy.Use.of(request, freshKeyProfiles.contains(request.profile()));
  }

  /** The serial reserved for a prepared request, in its canonical form. */
  public static String serialHex(Prepared prepared) {
    return SerialNumbers.toHex(prepared.serial());
  }

  /** Step 2 for a request prepared in a committed transaction. */
  public <T> Future<Issued<T>> issue(Prepared prepared, WithCertificate<T> alsoInStoringTransaction) {
    return ctx.signers().executeBlocking(() -> signAndStore(prepared, alsoInStoringTransaction), false)
        .onSuccess(issued -> ctx.metrics().issued(prepared.profile().name().name()));
  }

  private static X500Name subject(Profile profile, IssuanceRequest request) {
    if (profile == null) throw new IllegalArgumentException("unknown profile " + request.profile());
    SubjectNames.checkSans(profile, request.subject(), request.dnsNames(), request.emails());
    return SubjectNames.subject(profile, request.subject());
  }

  private <T> Issued<T> signAndStore(Prepared p, WithCertificate<T> also) throws Exception {
    X509Certificate cert = builder.build(new CertificateBuilder.Leaf(p.profile(), p.subject(), p.csr().subjectPublicKeyInfo(),
        p.csr().algorithm(), p.request().dnsNames(), p.request().emails()), p.issuer(), p.serial(), ctx.clock().instant());
    return store(p.request(), p.profile(), p.issuer(), p.csr(), cert, also);
  }

  private <T> Issued<T> store(IssuanceRequest request, Profile profile, IssuingCa issuer, CheckedCsr csr,
      X509Certificate cert, WithCertificate<T> also) throws Exception {
    String serialHex = SerialNumbers.toHex(cert.getSerialNumber());
    X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    byte[] der = cert.getEncoded();
    StoredCertificate row = new StoredCertificate(serialHex, issuer.id(), profile.name().name(), subject.toString(),
        SubjectNames.value(subject, BCStyle.CN), request.subject().nationalId(), request.adminCard(),
        request.accountId(), request.orderId(), csr.keyHash(), cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant(), der, "valid", null, null);
    return ctx.db().txBlocking(c -> {
      // The audit append locks the chain head first, which serialises concurrent issuances; the
      // key check repeated after it therefore sees any certificate for the same key committed
      // since step 2, and two racing requests cannot both certify one key.
      ctx.audit().append(c, actor(request), "certificate.issued", serialHex, details(request, row));
      csrPolicy.checkKeyAvailable(c, csr.keyHash(), keyUse(request), ctx.clock().instant());
      repository.insert(c, row, ctx.clock().instant());
      T joined = also.run(c, serialHex);
      return new Issued<>(new IssuedCertificate(serialHex, cert, chain(cert, issuer)), joined);
    });
  }

  private List<X509Certificate> chain(X509Certificate leaf, IssuingCa issuer) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(ctx.ca().chainOf(issuer.id()));
    return chain;
  }

  /** Who asked: the administrator's card for RA/ACME requests tied to a card, else the ACME account. */
  static String actor(IssuanceRequest r) {
    if (r.adminCard() != null) return "card:" + r.adminCard();
    if (r.accountId() != null) return "acme-account:" + r.accountId();
    return "system";
  }

  /** Compact JSON for the audit row; name lists are summarised if they would not fit its 4000 characters. */
  static String details(IssuanceRequest r, StoredCertificate row) {
    JsonObject d = new JsonObject()
        .put("profile", row.profile())
        .put("ca", row.caId())
        .put("subject", row.subjectDn())
        .put("dns", new JsonArray(r.dnsNames()))
        .put("emails", new JsonArray(r.emails()))
        .put("keyHash", row.keyHash())
        .put("notBefore", row.notBefore().toString())
        .put("notAfter", row.notAfter().toString())
        .put("accountId", r.accountId())
        .put("orderId", r.orderId());
    if (d.encode().length() > AUDIT_DETAILS_MAX) {
      d.put("dns", r.dnsNames().size() + " names (see certificate)").put("emails", r.emails().size() + " addresses (see certificate)");
    }
    return d.encode();
  }
}
