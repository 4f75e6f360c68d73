package fr.habilis.ca.acme;

import io.vertx.core.Future;

/** The revokeCert resource (RFC 8555 §7.6), provided by the revocation module. */
public interface AcmeRevocation {
  Future<AcmeApi.Reply> revoke(AcmeApi.Signed request, AcmeStore store);
}
