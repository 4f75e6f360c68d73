package fr.habilis.ca.operators;

import java.time.Instant;
import java.util.Set;

/**
 * A named RA operator as the console and the CLI see it: never the password hash, the TOTP secret
 * or a token. {@code totpEnrolled} is true once a code has confirmed the enrolment (then every
 * sign-in needs a code); {@code lockedUntil} is set while failed sign-ins lock the account.
 */
public record Operator(long id, String login, String displayName, String email, Set<Role> roles, boolean enabled,
    boolean totpEnrolled, Instant lockedUntil, Instant createdAt) {

  public Operator {
    roles = Set.copyOf(roles);
  }

  public Principal principal() {
    return new Principal(Principal.ofLogin(login), displayName, roles, id);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public boolean lockedAt(Instant now) {
    return lockedUntil != null && lockedUntil.isAfter(now);
  }
}
