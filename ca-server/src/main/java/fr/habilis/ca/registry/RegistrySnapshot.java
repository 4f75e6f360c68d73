package fr.habilis.ca.registry;

import java.util.List;
import java.util.Map;

/**
 * What the decision needs to know, loaded in one transaction: the server's environment, the
 * habilitations that name the administrator or concern a structure asked for, and their structures.
 */
public record RegistrySnapshot(String environment, Map<String, Structure> structures, List<Habilitation> habilitations) {
  public RegistrySnapshot {
    structures = Map.copyOf(structures);
    habilitations = List.copyOf(habilitations);
  }
}
