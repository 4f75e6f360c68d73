package fr.habilis.ca.operators;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an RA principal may do (issue 19). Every role reads; writes need the role that owns them:
 * an {@code OFFICER} records (structures, forms 413/414, administrators' changes, revocations,
 * incidents), an {@code APPROVER} approves or rejects what an officer recorded, an {@code AUDITOR}
 * only reads. Four-eyes adds that the approver is not the principal who recorded.
 */
public enum Role {
  OFFICER, APPROVER, AUDITOR;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> ofWireName(String s) {
    for (Role r : values()) if (r.wireName().equals(s)) return Optional.of(r);
    return Optional.empty();
  }

  /** {@code officer,approver} (as stored and as the CLI takes it); empty names are skipped. */
  public static Set<Role> parse(String list) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (list == null) return roles;
    for (String part : list.split(",")) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      if (p.isEmpty()) continue;
      roles.add(ofWireName(p).orElseThrow(() -> new IllegalArgumentException(
          "unknown role " + part.strip() + " (officer, approver, auditor)")));
    }
    return roles;
  }

  public static String format(Set<Role> roles) {
    return String.join(",", roles.stream().sorted().map(Role::wireName).toList());
  }
}
