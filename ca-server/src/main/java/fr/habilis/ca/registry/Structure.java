package fr.habilis.ca.registry;

/**
 * A health structure, known by its national identifier (type prefix + value). {@code name} is the
 * legal name (raison sociale, up to 200 characters); {@code certificateName} is what its
 * certificates carry in O, at most {@link #CERTIFICATE_NAME_MAX} characters — the legal name when
 * it fits, else a name the RA gave; null only for a structure recorded before it existed whose
 * legal name does not fit (its habilitations cannot be approved until the RA gives one).
 */
public record Structure(
    String nationalId, IdType idType, String idValue, String name, String department, String address,
    String environment, String certificateName) {

  /** RFC 5280 ub-organization-name. */
  public static final int CERTIFICATE_NAME_MAX = 64;

  /** A structure whose certificates carry its legal name, if that fits in O. */
  public Structure(String nationalId, IdType idType, String idValue, String name, String department, String address,
      String environment) {
    this(nationalId, idType, idValue, name, department, address, environment,
        name != null && name.length() <= CERTIFICATE_NAME_MAX ? name : null);
  }

  /** The subject's ST: "Paris (75)". */
  public String departmentLabel() {
    return Departments.label(department);
  }
}
