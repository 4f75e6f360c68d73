package fr.habilis.ca.issuance;

import fr.habilis.ca.store.CertificateRepository.StoredCertificate;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * May a key that valid certificates already certify be certified again? Seed 004 forbids sharing
 * a key between <em>different</em> certificates or servers; a renewal is not a different
 * certificate. So the key is shared only along one renewal line: every valid, unexpired
 * certificate of the key must be of the same product and structure, and either certify the same
 * names (DNS names, e-mail addresses, and the subject CN unless it is one of them: the renewal of
 * a certificate) or be the one
 * the order {@code replaces} (RFC 9773; its names may change). A profile listed in
 * {@code freshKeyProfiles} accepts no reuse at all. Blocked keys are refused before this
 * ({@link CsrPolicy#checkKeyAvailable}). A pure function, proven by a table of cases.
 */
public final class KeyReusePolicy {
  private KeyReusePolicy() {}

  /**
   * The issuance asking for the key: its product, structure and names, the serial of the
   * certificate it replaces (null: none) and whether its profile requires a fresh key.
   */
  public record Use(String profile, String structureId, Set<String> names, String replacesSerial, boolean freshKeyRequired) {
    public Use {
      names = Set.copyOf(names);
    }

    public static Use of(IssuanceRequest r, boolean freshKeyRequired) {
      return new Use(r.profile(), r.subject().nationalId(), nameSet(r.subject().commonName(), r.dnsNames(), r.emails()),
          r.replacesSerial(), freshKeyRequired);
    }
  }

  /** A valid, unexpired certificate of the key. */
  public record Holder(String serialHex, String profile, String structureId, Set<String> names) {
    public Holder {
      names = Set.copyOf(names);
    }

    /** The names as certified (CN from the row, SANs from the DER): what the certificate really says. */
    public static Holder of(StoredCertificate row) {
      List<String> dns = new java.util.ArrayList<>();
      List<String> emails = new java.util.ArrayList<>();
      try {
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(row.der()));
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
          for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            if (type == 2) dns.add((String) san.get(1));
            if (type == 1) emails.add((String) san.get(1));
          }
        }
      } catch (CertificateParsingException e) {
        throw new IllegalStateException("stored certificate " + row.serialHex() + " has unreadable names", e);
      } catch (CertificateException e) {
        throw new IllegalStateException("stored certificate " + row.serialHex() + " is unreadable", e);
      }
      return new Holder(row.serialHex(), row.profile(), row.structureId(), nameSet(row.commonName(), dns, emails));
    }
  }

  /** The refusal's detail, or empty when the key may be certified for {@code use}. */
  public static Optional<String> refusal(Use use, List<Holder> holders) {
    for (Holder h : holders) {
      String in = "this public key is already certified in valid certificate " + h.serialHex();
      if (use.freshKeyRequired()) {
        return Optional.of(in + "; " + use.profile() + " certificates require a new key at each issuance"
            + " (generate a new key)");
      }
      if (!h.profile().equals(use.profile())) {
        return Optional.of(in + " of another product (" + h.profile() + "); a key pair must not be shared between"
            + " certificates (generate a new key)");
      }
      if (!h.structureId().equals(use.structureId())) {
        return Optional.of(in + " of another structure; a key pair must not be shared between certificates"
            + " (generate a new key)");
      }
      if (!h.serialHex().equalsIgnoreCase(String.valueOf(use.replacesSerial())) && !h.names().equals(use.names())) {
        return Optional.of(in + " for other names; a key is certified again only to renew a certificate for the same"
            + " names or by an order that replaces it (generate a new key)");
      }
    }
    return Optional.empty();
  }

  /**
   * {@code dns:…} and {@code email:…} entries in lower case, and {@code cn:…} when the common name
   * is not one of them (a service or a person: a CN that repeats a SAN may be any of them).
   */
  static Set<String> nameSet(String commonName, List<String> dnsNames, List<String> emails) {
    Set<String> out = new TreeSet<>();
    for (String d : dnsNames) out.add("dns:" + d.toLowerCase(Locale.ROOT));
    for (String e : emails) out.add("email:" + e.toLowerCase(Locale.ROOT));
    if (commonName != null && !out.contains("dns:" + commonName.toLowerCase(Locale.ROOT))
        && !out.contains("email:" + commonName.toLowerCase(Locale.ROOT))) {
      out.add("cn:" + commonName);
    }
    return out;
  }
}
