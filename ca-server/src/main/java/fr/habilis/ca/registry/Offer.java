package fr.habilis.ca.registry;

import java.util.Locale;

/**
 * One offer of a habilitation with its scope: ORG (none), SERV_SSL (a domain with a DOMAIN,
 * SUBDOMAIN or SERVER scope), SERV_SMIME and PRO (a mail domain, restricted or not).
 */
public record Offer(Kind kind, String domain, Scope scope, String mailDomain, Boolean restricted) {
  public enum Kind { ORG, SERV_SSL, SERV_SMIME, PRO }

  /** DOMAIN: the domain and every name below; SUBDOMAIN: the same for a subdomain; SERVER: exactly one FQDN. */
  public enum Scope { DOMAIN, SUBDOMAIN, SERVER }

  public static Offer org() {
    return new Offer(Kind.ORG, null, null, null, null);
  }

  /** Does this SERV_SSL offer cover the DNS name? */
  public boolean coversDns(String name) {
    if (kind != Kind.SERV_SSL) return false;
    String n = name.toLowerCase(Locale.ROOT);
    return scope == Scope.SERVER ? n.equals(domain) : n.equals(domain) || n.endsWith("." + domain);
  }

  /** A name strictly below a SERVER-scope FQDN: the most precise reason to refuse it. */
  public boolean isBelowServer(String name) {
    return kind == Kind.SERV_SSL && scope == Scope.SERVER && name.toLowerCase(Locale.ROOT).endsWith("." + domain);
  }

  /** Does this mail offer cover the address? Restricted: only {@code x@mailDomain}. */
  public boolean coversEmail(String address) {
    if (kind != Kind.SERV_SMIME && kind != Kind.PRO) return false;
    String d = mailDomainOf(address);
    return d.equals(mailDomain) || (!Boolean.TRUE.equals(restricted) && d.endsWith("." + mailDomain));
  }

  /** An address in a subdomain of a restricted mail domain. */
  public boolean isBelowRestricted(String address) {
    return (kind == Kind.SERV_SMIME || kind == Kind.PRO) && Boolean.TRUE.equals(restricted)
        && mailDomainOf(address).endsWith("." + mailDomain);
  }

  static String mailDomainOf(String address) {
    int at = address.lastIndexOf('@');
    return (at < 0 ? "" : address.substring(at + 1)).toLowerCase(Locale.ROOT);
  }

  /** What the scope says, for refusal messages and the RA API. */
  public String describe() {
    return switch (kind) {
      case ORG -> "ORG";
      case SERV_SSL -> "SERV_SSL " + scope + " " + domain;
      case SERV_SMIME, PRO -> kind + " @" + mailDomain + (Boolean.TRUE.equals(restricted) ? " (restricted)" : "");
    };
  }
}
