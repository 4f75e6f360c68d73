package fr.habilis.ca.operators;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who calls the RA (API or console): a named operator, or the shared RA token. {@code id} is what
 * the audit trail records as the actor and what four-eyes compares: {@code operator:<login>} or
 * {@code ra-token}. {@code operatorId} is null for the shared token.
 */
public record Principal(String id, String displayName, Set<Role> roles, Long operatorId) {
  /**
   * The shared {@code raToken} (HABILIS_RA_TOKEN or DATA_DIR/ra-token): the automation and bootstrap
   * path, with every role. It is one principal: four-eyes still needs a second one to approve what
   * it recorded.
   */
  public static final Principal RA_TOKEN = new Principal("ra-token", "shared RA token", EnumSet.allOf(Role.class), null);

  public Principal {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** The principal id of an operator login. */
  public static String ofLogin(String login) {
    return "operator:" + login;
  }
}
