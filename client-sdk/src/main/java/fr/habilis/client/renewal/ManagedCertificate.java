package fr.habilis.client.renewal;

import fr.habilis.client.CertificateRequest;
import fr.habilis.client.KeyType;
import fr.habilis.client.Product;
import fr.habilis.client.output.Pkcs12Format;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jose4j.json.JsonUtil;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * One certificate the renewal manager keeps alive: what to order again (product, identifiers, CN,
 * key type), where to write it, the deploy hook, the current certificate's serial and dates, the
 * renewals so far and the failures since the last success. Immutable; stored as
 * {@code certs/NAME/entry.json} in the state directory.
 */
public final class ManagedCertificate {
  /** A certificate this one replaced. */
  public static final class Renewal {
    private final String serial;
    private final Instant notAfter;
    private final String replacedBy;
    private final Instant replacedAt;

    public Renewal(String serial, Instant notAfter, String replacedBy, Instant replacedAt) {
      this.serial = serial;
      this.notAfter = notAfter;
      this.replacedBy = replacedBy;
      this.replacedAt = replacedAt;
    }

    public String serial() {
      return serial;
    }

    public Instant notAfter() {
      return notAfter;
    }

    /** The serial of its successor. */
    public String replacedBy() {
      return replacedBy;
    }

    public Instant replacedAt() {
      return replacedAt;
    }
  }

  private final String name;
  private final CertificateRequest template;
  private final Outputs outputs;
  private final String hook;
  private final String serial;
  private final Instant notBefore;
  private final Instant notAfter;
  private final List<Renewal> history;
  private final int failures;
  private final String lastError;
  private final Instant nextAttempt;
  private final String revoked;

  ManagedCertificate(String name, CertificateRequest template, Outputs outputs, String hook, String serial,
      Instant notBefore, Instant notAfter, List<Renewal> history, int failures, String lastError, Instant nextAttempt,
      String revoked) {
    this.name = name;
    this.template = template;
    this.outputs = outputs;
    this.hook = hook;
    this.serial = serial;
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    this.history = Collections.unmodifiableList(new ArrayList<>(history));
    this.failures = failures;
    this.lastError = lastError;
    this.nextAttempt = nextAttempt;
    this.revoked = revoked;
  }

  /** Checks a certificate name: it becomes a directory name. */
  public static String checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new IllegalArgumentException("certificate name '" + name + "': use 1-100 letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  /** A name derived from the request: product and first identifier or CN, e.g. ORG_AUTH_CLI-318751275100020-INSI-AUTO. */
  public static String defaultName(CertificateRequest r) {
    StringBuilder b = new StringBuilder(r.product().name());
    r.structure().ifPresent(s -> b.append('-').append(s));
    if (!r.dnsNames().isEmpty()) b.append('-').append(r.dnsNames().get(0));
    else if (!r.emails().isEmpty()) b.append('-').append(r.emails().get(0).replace('@', '_'));
    if (r.product().nameKind() != Product.NameKind.FQDN && r.commonName() != null) b.append('-').append(r.commonName());
    String n = b.toString().replaceAll("[^A-Za-z0-9._-]", "_");
    return n.length() > 100 ? n.substring(0, 100) : n;
  }

  public String name() {
    return name;
  }

  /** The request to repeat at each renewal (a new key of the same type each time). */
  public CertificateRequest template() {
    return template;
  }

  public Outputs outputs() {
    return outputs;
  }

  /** The deploy hook command run after each issuance, if any. */
  public Optional<String> hook() {
    return Optional.ofNullable(hook);
  }

  /** The current certificate's serial (lowercase hex). */
  public String serial() {
    return serial;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** Earlier certificates, oldest first, each with the serial that replaced it. */
  public List<Renewal> history() {
    return history;
  }

  /** Failed renewal runs since the last success. */
  public int failures() {
    return failures;
  }

  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** Not before this instant will a failed renewal be tried again (backoff across runs). */
  public Optional<Instant> nextAttempt() {
    return Optional.ofNullable(nextAttempt);
  }

  /** The revocation reason, once the current certificate was revoked (it is then no longer renewed). */
  public Optional<String> revoked() {
    return Optional.ofNullable(revoked);
  }

  ManagedCertificate issued(String newSerial, Instant newNotBefore, Instant newNotAfter, Instant now) {
    List<Renewal> h = new ArrayList<>(history);
    if (serial != null && !serial.equals(newSerial)) h.add(new Renewal(serial, notAfter, newSerial, now));
    return new ManagedCertificate(name, template, outputs, hook, newSerial, newNotBefore, newNotAfter, h, 0, null, null, null);
  }

  ManagedCertificate failed(String error, Instant retryAt) {
    return new ManagedCertificate(name, template, outputs, hook, serial, notBefore, notAfter, history, failures + 1,
        error, retryAt, revoked);
  }

  ManagedCertificate revokedFor(String reason) {
    return new ManagedCertificate(name, template, outputs, hook, serial, notBefore, notAfter, history, failures,
        lastError, nextAttempt, reason);
  }

  String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("product", template.product().name());
    template.structure().ifPresent(s -> m.put("structure", s));
    m.put("dns", template.dnsNames());
    m.put("emails", template.emails());
    m.put("commonName", template.commonName());
    m.put("keyType", template.keyType().name());
    if (outputs.p12().isPresent()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("path", outputs.p12().get().toString());
      p.put("format", outputs.p12Format().name());
      outputs.friendlyName().ifPresent(f -> p.put("friendlyName", f));
      outputs.passwordFile().ifPresent(f -> p.put("passwordFile", f.toString()));
      outputs.passwordEnv().ifPresent(e -> p.put("passwordEnv", e));
      m.put("p12", p);
    }
    outputs.pemDir().ifPresent(d -> m.put("pemDir", d.toString()));
    if (hook != null) m.put("hook", hook);
    m.put("serial", serial);
    m.put("notBefore", notBefore.toString());
    m.put("notAfter", notAfter.toString());
    List<Object> h = new ArrayList<>();
    for (Renewal r : history) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("serial", r.serial);
      e.put("notAfter", r.notAfter.toString());
      e.put("replacedBy", r.replacedBy);
      e.put("replacedAt", r.replacedAt.toString());
      h.add(e);
    }
    m.put("history", h);
    m.put("failures", failures);
    if (lastError != null) m.put("lastError", lastError);
    if (nextAttempt != null) m.put("nextAttempt", nextAttempt.toString());
    if (revoked != null) m.put("revoked", revoked);
    return JsonUtil.toJson(m);
  }

  static ManagedCertificate fromJson(String text) {
    JSON j = JSON.parse(text);
    CertificateRequest.Builder b = CertificateRequest.of(Product.parse(j.get("product").asString()))
        .keyType(KeyType.parse(j.get("keyType").asString()));
    j.get("structure").optional().ifPresent(v -> b.structure(v.asString()));
    List<String> dns = strings(j, "dns");
    List<String> emails = strings(j, "emails");
    if (!dns.isEmpty()) b.dns(dns);
    if (!emails.isEmpty()) b.email(emails);
    Product product = Product.parse(j.get("product").asString());
    // PRO requests may carry no CN (the server takes the professional's from the RA's record).
    if (product.nameKind() != Product.NameKind.FQDN) j.get("commonName").optional().ifPresent(v -> b.commonName(v.asString()));
    Outputs outputs = null;
    if (j.contains("p12")) {
      JSON p = j.get("p12").asObject();
      Path path = Path.of(p.get("path").asString());
      Pkcs12Format format = Pkcs12Format.valueOf(p.get("format").asString());
      String friendly = p.get("friendlyName").optional().map(JSON.Value::asString).orElse(null);
      outputs = p.contains("passwordFile")
          ? Outputs.pkcs12(path, Path.of(p.get("passwordFile").asString()), format, friendly)
          : Outputs.pkcs12FromEnv(path, p.get("passwordEnv").asString(), format, friendly);
    }
    if (j.contains("pemDir")) {
      Path dir = Path.of(j.get("pemDir").asString());
      outputs = outputs == null ? Outputs.pem(dir) : outputs.andPem(dir);
    }
    List<Renewal> history = new ArrayList<>();
    if (j.contains("history")) {
      for (JSON.Value v : j.get("history").asArray()) {
        JSON e = v.asObject();
        history.add(new Renewal(e.get("serial").asString(), Instant.parse(e.get("notAfter").asString()),
            e.get("replacedBy").asString(), Instant.parse(e.get("replacedAt").asString())));
      }
    }
    return new ManagedCertificate(j.get("name").asString(), b.build(), outputs,
        j.get("hook").optional().map(JSON.Value::asString).orElse(null), j.get("serial").asString(),
        Instant.parse(j.get("notBefore").asString()), Instant.parse(j.get("notAfter").asString()), history,
        j.get("failures").optional().map(JSON.Value::asInt).orElse(0),
        j.get("lastError").optional().map(JSON.Value::asString).orElse(null),
        j.get("nextAttempt").optional().map(v -> Instant.parse(v.asString())).orElse(null),
        j.get("revoked").optional().map(JSON.Value::asString).orElse(null));
  }

  private static List<String> strings(JSON j, String key) {
    List<String> out = new ArrayList<>();
    if (j.contains(key)) for (JSON.Value v : j.get(key).asArray()) out.add(v.asString());
    return out;
  }
}
