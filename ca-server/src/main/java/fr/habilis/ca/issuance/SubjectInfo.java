package fr.habilis.ca.issuance;

/**
 * What the subject DN is made of, as decided by the registry (never taken from the CSR):
 * {@code C=FR, ST=departmentLabel, O=structureName, OU=nationalId, CN=commonName}. The meaning of
 * {@code commonName} depends on the profile ({@link Profile.CommonName}).
 */
public record SubjectInfo(String structureName, String departmentLabel, String nationalId, String commonName) {}
