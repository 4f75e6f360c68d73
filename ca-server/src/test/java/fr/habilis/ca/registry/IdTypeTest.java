package fr.habilis.ca.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Identifier validation with check digits, INSEE's La Poste exception and the agency's test values. */
class IdTypeTest {
  @ParameterizedTest(name = "{0} {1} valid (test environment: {2})")
  @CsvSource({
      "SIRET, 18751275100020, false",
      "SIREN, 187512751, false",
      "SIREN, 356000000, false",          // La Poste
      "SIRET, 35600000000001, false",     // La Poste establishment: digit sum multiple of 5, not Luhn
      "FINESS, 750000010, false",
      "FINESS, 2A0000016, false",         // Corsica
      "FINESS, 1T0A00042, true",          // test values contain letters
      "RPPS_RANG, 1000000000901, false",
      "ADELI_RANG, 75123456701, false",
  })
  void accepts(IdType type, String value, boolean test) {
    assertEquals(Optional.empty(), type.problem(value, test));
  }

  @ParameterizedTest(name = "{0} {1} refused: {3}")
  @CsvSource({
      "SIRET, 18751275100021, false, Luhn",
      "SIRET, 1875127510002, false, 14 digits",
      "SIREN, 187512752, false, Luhn",
      "SIRET, 35600000000002, false, multiple of 5",
      "FINESS, 750000011, false, Luhn",
      "FINESS, 1T0A00042, false, production",
      "FINESS, 000000000, false, département",
      "FINESS, 75000001, false, 9 characters",
      "RPPS_RANG, 1000000000801, false, Luhn",
      "RPPS_RANG, 1000000000900, false, rang",
      "ADELI_RANG, 7512345670, false, 9-digit ADELI",
  })
  void refuses(IdType type, String value, boolean test, String why) {
    Optional<String> problem = type.problem(value, test);
    assertTrue(problem.isPresent() && problem.get().contains(why), problem.toString());
  }

  @ParameterizedTest
  @CsvSource({"SIRET, 18751275100020, 318751275100020", "FINESS, 750000010, 1750000010", "RPPS_RANG, 1000000000901, 41000000000901"})
  void nationalIdIsPrefixPlusValue(IdType type, String value, String nationalId) {
    assertEquals(nationalId, type.nationalId(value));
    assertEquals(Optional.of(type), IdType.ofNationalId(nationalId));
  }
}
