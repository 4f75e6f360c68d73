package fr.habilis.client;

import java.util.Locale;

/**
 * The ten certificate products, by the names the platform and the server use (the directory's
 * {@code meta.profiles}). Each belongs to an offer habilitated on form 413/414 and says which
 * identifiers an order carries and what the certificate's CN holds.
 */
public enum Product {
  /** Authentication of a structure's application to a teleservice (TLS client): INSi, DMP… */
  ORG_AUTH_CLI(Offer.ORG, IdentifierKind.STRUCTURE, NameKind.SERVICE),
  /** Electronic seal of a structure's application. */
  ORG_SIGN(Offer.ORG, IdentifierKind.STRUCTURE, NameKind.SERVICE),
  /** Data encrypted to a structure. */
  ORG_CONF(Offer.ORG, IdentifierKind.STRUCTURE, NameKind.SERVICE),
  /** TLS server (and client) authentication of a structure's server; CN = its FQDN. */
  SERV_SSL(Offer.SERV_SSL, IdentifierKind.DNS, NameKind.FQDN),
  /** A server mailbox that signs and decrypts S/MIME messages. */
  SERV_SMIME(Offer.SERV_SMIME, IdentifierKind.EMAIL, NameKind.SERVICE),
  /** Electronic seal of a structure's server mailbox. */
  SERV_SIGN(Offer.SERV_SMIME, IdentifierKind.EMAIL, NameKind.SERVICE),
  /** Data encrypted to a structure's server mailbox. */
  SERV_CONF(Offer.SERV_SMIME, IdentifierKind.EMAIL, NameKind.SERVICE),
  /** Authentication of a health professional within a structure. */
  PRO_AUTH(Offer.PRO, IdentifierKind.EMAIL, NameKind.PERSON),
  /** Electronic signature of a health professional. */
  PRO_SIGN(Offer.PRO, IdentifierKind.EMAIL, NameKind.PERSON),
  /** Data encrypted to a health professional. */
  PRO_CONF(Offer.PRO, IdentifierKind.EMAIL, NameKind.PERSON);

  /** The habilitated offer a product belongs to. */
  public enum Offer { ORG, SERV_SSL, SERV_SMIME, PRO }

  /** The identifier type every order of the product must carry. */
  public enum IdentifierKind { STRUCTURE, DNS, EMAIL }

  /** What the certificate's CN holds. */
  public enum NameKind {
    /** The service applicatif (e.g. {@code INSI-AUTO}, {@code DMP}): given by the client. */
    SERVICE,
    /** The server's FQDN: the first DNS name, set by the SDK. */
    FQDN,
    /** The professional's name. */
    PERSON
  }

  private final Offer offer;
  private final IdentifierKind identifierKind;
  private final NameKind nameKind;

  Product(Offer offer, IdentifierKind identifierKind, NameKind nameKind) {
    this.offer = offer;
    this.identifierKind = identifierKind;
    this.nameKind = nameKind;
  }

  public Offer offer() {
    return offer;
  }

  public IdentifierKind identifierKind() {
    return identifierKind;
  }

  public NameKind nameKind() {
    return nameKind;
  }

  /** Parses a product name case-insensitively ({@code org_auth_cli}, {@code SERV-SSL}). */
  public static Product parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Product p : values()) if (p.name().equals(n)) return p;
    StringBuilder all = new StringBuilder();
    for (Product p : values()) all.append(all.length() == 0 ? "" : ", ").append(p.name());
    throw new IllegalArgumentException("unknown product '" + name + "'; one of " + all);
  }
}
