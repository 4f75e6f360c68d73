package fr.habilis.ca.registry;

import java.util.List;
import java.util.Map;

/**
 * What the decision needs to know, loaded in one transaction: the server's environment, the
 * habilitations that name the administrator or concern a structure asked for, their structures,
 * and the professionals recorded under them (by habilitation id; PRO offers only).
 */
public record RegistrySnapshot(String environment, Map<String, Structure> structures, List<Habilitation> habilitations,
    Map<Long, List<Professional>> professionals) {
  public RegistrySnapshot {
    structures = Map.copyOf(structures);
    habilitations = List.copyOf(habilitations);
    professionals = Map.copyOf(professionals);
  }

  /** A snapshot without any recorded professional. */
  public RegistrySnapshot(String environment, Map<String, Structure> structures, List<Habilitation> habilitations) {
    this(environment, structures, habilitations, Map.of());
  }

  public List<Professional> professionalsOf(Habilitation h) {
    return professionals.getOrDefault(h.id(), List.of());
  }
}
