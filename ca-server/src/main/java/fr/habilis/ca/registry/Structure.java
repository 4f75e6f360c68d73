package fr.habilis.ca.registry;

/** A health structure, known by its national identifier (type prefix + value). */
public record Structure(
    String nationalId, IdType idType, String idValue, String name, String department, String address,
    String environment) {

  /** The subject's ST: "Paris (75)". */
  public String departmentLabel() {
    return Departments.label(department);
  }
}
