package fr.habilis.ca.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one DNS-name rule and the one e-mail rule, used by ACME, the RA API and the certificate builder. */
class IdentifierTest {

  @ParameterizedTest
  @CsvSource({
      "api.test-clinique.fr, true",
      "a.b, true",
      "xn--dj-kia8a.fr, true",
      "0.example.test, true",
      "API.test-clinique.fr, false", // lowercase A-labels only: callers lowercase first
      "localhost, false",            // at least two labels
      "1.2.3.4, false",              // an IP address is not a DNS name
      "example.123, false",
      "-a.example.test, false",
      "a-.example.test, false",
      "a..example.test, false",
      "*.example.test, false",
      "example.test., false",
      "é.example.test, false",
      "'', false"
  })
  void dnsNames(String name, boolean valid) {
    assertEquals(valid, Identifier.isDnsName(name), name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "secretariat@test-clinique.fr | true",
      "Jean.Dupont+dmp@Test-Clinique.FR | true", // the domain in any case
      "o'brien@example.test | true",
      "a!#$%&*/=?^_`{}~-@example.test | true",
      "@example.test | false",
      "jeanne@ | false",
      "jeanne@localhost | false",
      "jeanne@1.2.3.4 | false",
      "jean ne@example.test | false",
      "jeanne@exa mple.test | false",
      "\"jeanne\"@example.test | false",
      "jeanne@a..example.test | false",
      "jéanne@example.test | false",
      "a,b@example.test | false"
  })
  void emailAddresses(String address, boolean valid) {
    assertEquals(valid, Identifier.isEmailAddress(address), address);
  }

  @org.junit.jupiter.api.Test
  void theLocalPartIsAtMost64Characters() {
    assertEquals(true, Identifier.isEmailAddress("a".repeat(64) + "@example.test"));
    assertEquals(false, Identifier.isEmailAddress("a".repeat(65) + "@example.test"));
  }
}
