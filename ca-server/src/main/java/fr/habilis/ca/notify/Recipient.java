package fr.habilis.ca.notify;

import fr.habilis.ca.registry.Language;

/**
 * One address a notice goes to, in its language. {@code CC} is the habilitation's "e-mail to
 * inform" (seed 004): the same facts, told as a copy for information; each recipient still gets a
 * message of their own, in their own language.
 */
public record Recipient(String address, Role role, Language language) {
  public enum Role { TO, CC }
}
