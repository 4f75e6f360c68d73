package fr.habilis.ca.acme;

import fr.habilis.ca.config.Endpoints;
import java.util.regex.Pattern;

/** The URLs of ACME resources; the kid of an account is its URL (RFC 8555 §6.2). */
final class AcmeUrls {
  // Compiled once: every signed request with a kid goes through accountId.
  private static final Pattern ACCOUNT_ID = Pattern.compile("[1-9][0-9]{0,17}");
  private final String base;
  private final String https;

  AcmeUrls(Endpoints endpoints) {
    this.base = endpoints.acmeBase();
    this.https = endpoints.httpsBase();
  }

  String directory() {
    return base + "/directory";
  }

  String newNonce() {
    return base + "/new-nonce";
  }

  String newAccount() {
    return base + "/new-account";
  }

  String newOrder() {
    return base + "/new-order";
  }

  String newAuthz() {
    return base + "/new-authz";
  }

  String keyChange() {
    return base + "/key-change";
  }

  String revokeCert() {
    return base + "/revoke-cert";
  }

  /** RFC 9773 §3: renewalInfo; a certificate's is {@code renewalInfo() + "/" + its identifier}. */
  String renewalInfo() {
    return base + "/renewal-info";
  }

  /** The public page explaining an incident (renewalInfo's explanationURL). */
  String incident(long id) {
    return base + "/incidents/" + id;
  }

  String account(long id) {
    return base + "/acct/" + id;
  }

  String orders(long accountId) {
    return base + "/acct/" + accountId + "/orders";
  }

  String order(long id) {
    return base + "/order/" + id;
  }

  String finalize(long id) {
    return base + "/order/" + id + "/finalize";
  }

  String authz(long id) {
    return base + "/authz/" + id;
  }

  String certificate(String serial) {
    return base + "/cert/" + serial;
  }

  /** The absolute URL a request was sent to, as the JWS {@code url} must state it. */
  String requestUrl(String uri) {
    return https + uri;
  }

  /** The account id in a kid, or -1 when the kid is not one of our account URLs. */
  long accountId(String kid) {
    String prefix = base + "/acct/";
    if (kid == null || !kid.startsWith(prefix)) return -1;
    String id = kid.substring(prefix.length());
    // Exactly the URL the server gave out: digits only, no sign, no leading zero (…/acct/+1 and
    // …/acct/01 are not account 1).
    if (!ACCOUNT_ID.matcher(id).matches()) return -1;
    return Long.parseLong(id);
  }
}
