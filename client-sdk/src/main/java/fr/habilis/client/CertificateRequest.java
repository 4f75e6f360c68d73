package fr.habilis.client;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What to order: a product, its identifiers ({@code structure}, {@code dns}, {@code email}), the CN
 * (the service applicatif such as {@code INSI-AUTO}; a PRO certificate's CN comes from the RA's
 * record of the professional), and the key type.
 * Checked locally when built, so that a missing piece fails before anything is sent; the server's
 * habilitation rules are checked by the server, which explains each refusal.
 *
 * <pre>
 * CertificateRequest.of(Product.ORG_AUTH_CLI).structure("318751275100020").commonName("INSI-AUTO").build();
 * CertificateRequest.of(Product.SERV_SSL).dns("www.example.test").keyType(KeyType.EC_P256).build();
 * </pre>
 */
public final class CertificateRequest {
  private final Product product;
  private final String structure;
  private final List<String> dnsNames;
  private final List<String> emails;
  private final String commonName;
  private final KeyType keyType;
  private final KeyPair keyPair;
  private final X509Certificate replaces;

  private CertificateRequest(Builder b) {
    this.product = b.product;
    this.structure = b.structure;
    this.dnsNames = Collections.unmodifiableList(new ArrayList<>(b.dnsNames));
    this.emails = Collections.unmodifiableList(new ArrayList<>(b.emails));
    this.commonName = b.product.nameKind() == Product.NameKind.FQDN ? b.dnsNames.get(0) : b.commonName;
    this.keyType = b.keyPair != null ? KeyType.of(b.keyPair.getPublic()) : b.keyType;
    this.keyPair = b.keyPair;
    this.replaces = b.replaces;
  }

  /** Starts a request for a product. */
  public static Builder of(Product product) {
    return new Builder(Objects.requireNonNull(product, "product"));
  }

  public Product product() {
    return product;
  }

  /** The national structure identifier (type prefix + value), if given. */
  public Optional<String> structure() {
    return Optional.ofNullable(structure);
  }

  public List<String> dnsNames() {
    return dnsNames;
  }

  public List<String> emails() {
    return emails;
  }

  /** The CN the CSR carries (for SERV_SSL, the first DNS name; for PRO usually none, see {@link Builder#commonName}). */
  public String commonName() {
    return commonName;
  }

  public KeyType keyType() {
    return keyType;
  }

  /** A key pair supplied by the caller instead of a fresh one. */
  public Optional<KeyPair> keyPair() {
    return Optional.ofNullable(keyPair);
  }

  /** The certificate this one renews (RFC 9773 {@code replaces}, sent when the server offers ARI). */
  public Optional<X509Certificate> replaces() {
    return Optional.ofNullable(replaces);
  }

  /** The same request renewing {@code previous}, with a new key of the same type. */
  public CertificateRequest renewing(X509Certificate previous) {
    Builder b = toBuilder();
    b.keyPair = null;
    b.keyType = keyType;
    b.replaces = previous;
    return b.build();
  }

  Builder toBuilder() {
    Builder b = new Builder(product);
    b.structure = structure;
    b.dnsNames.addAll(dnsNames);
    b.emails.addAll(emails);
    b.commonName = product.nameKind() == Product.NameKind.FQDN ? null : commonName;
    b.keyType = keyType;
    b.keyPair = keyPair;
    b.replaces = replaces;
    return b;
  }

  /** Collects and checks the parts of a {@link CertificateRequest}. */
  public static final class Builder {
    private final Product product;
    private String structure;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> emails = new ArrayList<>();
    private String commonName;
    private KeyType keyType = KeyType.defaultType();
    private KeyPair keyPair;
    private X509Certificate replaces;

    private Builder(Product product) {
      this.product = product;
    }

    /** The national structure identifier, e.g. {@code 318751275100020} (3 + SIRET). */
    public Builder structure(String nationalId) {
      this.structure = nationalId == null ? null : nationalId.trim();
      return this;
    }

    /** DNS names (SERV_SSL); the first one becomes the CN. */
    public Builder dns(String... names) {
      for (String n : names) dnsNames.add(n.trim().toLowerCase(Locale.ROOT));
      return this;
    }

    /** DNS names (SERV_SSL). */
    public Builder dns(List<String> names) {
      return dns(names.toArray(new String[0]));
    }

    /** E-mail addresses (SERV_SMIME/SIGN/CONF mailboxes; PRO_*: the professional's one address, as the RA recorded it). */
    public Builder email(String... addresses) {
      for (String a : addresses) emails.add(a.trim());
      return this;
    }

    /** E-mail addresses. */
    public Builder email(List<String> addresses) {
      return email(addresses.toArray(new String[0]));
    }

    /**
     * The CN: the service applicatif (ORG, SERV S/MIME). For PRO, leave it out: the CA builds the
     * professional's CN from the RA's record ({@code <national id>/<NAME> <First name>}) and
     * refuses a CSR whose CN differs from it.
     */
    public Builder commonName(String cn) {
      this.commonName = cn == null ? null : cn.trim();
      return this;
    }

    /** Same as {@link #commonName}: the name IGC-Santé documents use for ORG certificates. */
    public Builder serviceApplicatif(String name) {
      return commonName(name);
    }

    /** The type of the key made locally (default RSA 2048). */
    public Builder keyType(KeyType type) {
      this.keyType = Objects.requireNonNull(type, "keyType");
      return this;
    }

    /** Uses this key pair rather than generating one (e.g. a key kept in the caller's own store). */
    public Builder keyPair(KeyPair pair) {
      if (pair != null && KeyType.of(pair.getPublic()) == null) {
        throw new IllegalArgumentException("the key must be RSA 2048/3072/4096 or EC P-256/P-384");
      }
      this.keyPair = pair;
      return this;
    }

    /** The certificate this order renews. */
    public Builder replaces(X509Certificate previous) {
      this.replaces = previous;
      return this;
    }

    /** Checks the request: the identifiers and CN its product needs, nothing it cannot carry. */
    public CertificateRequest build() {
      String p = product.name();
      switch (product.identifierKind()) {
        case STRUCTURE:
          if (structure == null || structure.isEmpty()) throw new IllegalArgumentException(p + " needs the structure's national identifier (e.g. 318751275100020)");
          if (!dnsNames.isEmpty() || !emails.isEmpty()) throw new IllegalArgumentException(p + " certifies a structure: no DNS name or e-mail address");
          break;
        case DNS:
          if (dnsNames.isEmpty()) throw new IllegalArgumentException(p + " needs at least one DNS name (the server's FQDN)");
          if (!emails.isEmpty()) throw new IllegalArgumentException(p + " carries DNS names only, no e-mail address");
          for (String d : dnsNames) {
            if (d.startsWith("*.")) throw new IllegalArgumentException("wildcards are not issued: name each server (" + d + ")");
          }
          if (commonName != null && !commonName.equalsIgnoreCase(dnsNames.get(0))) {
            throw new IllegalArgumentException(p + "'s CN is its first DNS name (" + dnsNames.get(0) + "), not " + commonName);
          }
          break;
        default:
          if (emails.isEmpty()) throw new IllegalArgumentException(p + " needs an e-mail address");
          if (!dnsNames.isEmpty()) throw new IllegalArgumentException(p + " carries e-mail addresses only, no DNS name");
      }
      if (product.nameKind() == Product.NameKind.SERVICE && (commonName == null || commonName.isEmpty())) {
        throw new IllegalArgumentException(p + " needs a CN: the service applicatif (e.g. INSI-AUTO, DMP)");
      }
      if (product.nameKind() == Product.NameKind.PERSON) {
        if (commonName != null && commonName.isEmpty()) commonName = null;
        if (emails.size() > 1) throw new IllegalArgumentException(p + " names one professional: one e-mail address");
      }
      if (commonName != null && commonName.length() > 64) throw new IllegalArgumentException("the CN is longer than 64 characters");
      return new CertificateRequest(this);
    }
  }
}
