package fr.habilis.ca.acme;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import fr.habilis.ca.ServerContext;
import fr.habilis.ca.issuance.Profile;
import fr.habilis.ca.issuance.Profiles;
import fr.habilis.ca.issuance.SerialNumbers;
import fr.habilis.ca.registry.Offer;
import fr.habilis.ca.registry.RegistryService;
import fr.habilis.ca.revocation.RevocationReason;
import fr.habilis.ca.revocation.RevocationService;
import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * revokeCert (RFC 8555 §7.6). Allowed to revoke: the account that ordered the certificate; the
 * account of another administrator named on an ACTIVE habilitation of the same structure that
 * includes the certificate's offer (seed 003: administrators manage the certificates' lifecycle);
 * or anyone holding the certificate's private key (request signed with it, {@code jwk}).
 */
final class Revocations {
  private final ServerContext ctx;
  private final RegistryService registry;
  private final RevocationService service;

  Revocations(ServerContext ctx, RegistryService registry, RevocationService service) {
    this.ctx = ctx;
    this.registry = registry;
    this.service = service;
  }

  Future<AcmeApi.Reply> revokeCert(AcmeApi.Signed r) {
    JsonObject payload = r.jws().payload();
    X509Certificate cert = certificate(payload.getValue("certificate"));
    RevocationReason reason = reason(payload.getValue("reason"));
    // A serial of 0 or below was never issued here (RFC 5280 §4.1.2.2 wants it positive).
    if (cert.getSerialNumber().signum() <= 0) return Future.failedFuture(DomainError.notFound("no such certificate issued by this CA"));
    String serial = SerialNumbers.toHex(cert.getSerialNumber());
    String actor = r.account() != null ? "acme-account:" + r.account().id() : "certificate-key";
    return service.revoke(serial, reason, actor, (c, stored) -> permit(c, r, cert, stored))
        .map(x -> new AcmeApi.Reply(200, null, Map.of()));
  }

  private void permit(Connection c, AcmeApi.Signed r, X509Certificate cert, StoredCertificate stored) throws Exception {
    if (!Arrays.equals(stored.der(), cert.getEncoded())) throw DomainError.notFound("no such certificate issued by this CA");
    if (!stored.notAfter().isAfter(ctx.clock().instant())) {
      throw DomainError.unauthorized("the certificate has expired; there is nothing left to revoke");
    }
    if (r.account() == null) {
      if (!sameKey(r.jws().jwk, cert)) {
        throw DomainError.unauthorized("the request is signed by a key (jwk) that is not the certificate's key");
      }
      return;
    }
    if (stored.accountId() != null && stored.accountId() == r.account().id()) return;
    Profile profile = Profiles.get(stored.profile());
    if (r.account().adminId() != null && profile != null
        && registry.managesOffer(c, r.account().adminId(), stored.structureId(), Offer.Kind.valueOf(profile.offer()))) {
      return;
    }
    throw DomainError.unauthorized("this account neither ordered the certificate nor belongs to an administrator"
        + " habilitated for offer " + (profile == null ? "?" : profile.offer()) + " of structure " + stored.structureId());
  }

  private static boolean sameKey(JWK jwk, X509Certificate cert) {
    try {
      JWK certKey = JWK.parse(cert);
      return certKey.computeThumbprint().equals(jwk.computeThumbprint());
    } catch (JOSEException e) {
      return false;
    }
  }

  private static X509Certificate certificate(Object value) {
    if (!(value instanceof String s) || s.isEmpty()) {
      throw DomainError.malformed("certificate: the base64url DER of the certificate to revoke is required");
    }
    try {
      byte[] der = Base64.getUrlDecoder().decode(s);
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
      throw DomainError.malformed("certificate: not a base64url-encoded DER X.509 certificate");
    }
  }

  private static RevocationReason reason(Object value) {
    if (value == null) return RevocationReason.UNSPECIFIED;
    String accepted = Arrays.stream(RevocationReason.values()).map(x -> x.code() + " (" + x.rfcName() + ")")
        .collect(Collectors.joining(", "));
    if (!(value instanceof Integer code)) {
      throw DomainError.of(ErrorKind.BAD_REVOCATION_REASON, "reason must be an RFC 5280 reason code: " + accepted);
    }
    return RevocationReason.ofCode(code).orElseThrow(() -> DomainError.of(ErrorKind.BAD_REVOCATION_REASON,
        "reason " + code + " is not accepted; accepted: " + accepted));
  }
}
