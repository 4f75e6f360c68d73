package fr.habilis.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.habilis.ca.issuance.KeyReusePolicy.Holder;
import fr.habilis.ca.issuance.KeyReusePolicy.Use;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key reuse rule as a table: which valid certificates of a key let it be certified again. */
class KeyReusePolicyTest {
  private static final Set<String> WWW = Set.of("dns:www.a.test");
  private static final Set<String> API = Set.of("dns:api.a.test");
  private static final Holder LIVE = new Holder("0a1b", "SERV_SSL", "S1", WWW);

  private static String decide(Use use, List<Holder> holders) {
    return KeyReusePolicy.refusal(use, holders).orElse("allow");
  }

  @Test
  void aCommonNameCountsOnlyWhenItIsNoSubjectAltName() {
    assertEquals(Set.of("dns:www.a.test", "dns:api.a.test"), KeyReusePolicy.nameSet("WWW.a.test", List.of("api.a.test", "www.a.test"), List.of()));
    assertEquals(Set.of("cn:INSI-AUTO"), KeyReusePolicy.nameSet("INSI-AUTO", List.of(), List.of()));
    assertEquals(Set.of("cn:Secretariat", "email:s@a.test"), KeyReusePolicy.nameSet("Secretariat", List.of(), List.of("S@a.test")));
  }

  @Test
  void table() {
    Object[][] cases = {
        // use, holders, expected (allow, or a part of the refusal's detail)
        {new Use("SERV_SSL", "S1", WWW, null, false), List.of(), "allow"},
        {new Use("SERV_SSL", "S1", WWW, null, true), List.of(), "allow"},
        {new Use("SERV_SSL", "S1", WWW, null, false), List.of(LIVE), "allow"},
        {new Use("SERV_SSL", "S1", Set.of("dns:www.a.test"), "0a1b", false), List.of(LIVE), "allow"},
        {new Use("SERV_SSL", "S1", API, "0a1b", false), List.of(LIVE), "allow"},
        {new Use("SERV_SSL", "S1", API, "0A1B", false), List.of(LIVE), "allow"},
        {new Use("SERV_SSL", "S1", API, null, false), List.of(LIVE), "for other names"},
        {new Use("SERV_SSL", "S1", API, "ffff", false), List.of(LIVE), "for other names"},
        {new Use("SERV_SSL", "S2", WWW, null, false), List.of(LIVE), "of another structure"},
        {new Use("SERV_SSL", "S2", WWW, "0a1b", false), List.of(LIVE), "of another structure"},
        {new Use("SERV_SMIME", "S1", WWW, null, false), List.of(LIVE), "of another product (SERV_SSL)"},
        {new Use("SERV_SSL", "S1", WWW, null, true), List.of(LIVE), "require a new key"},
        {new Use("SERV_SSL", "S1", WWW, "0a1b", true), List.of(LIVE), "require a new key"},
        // Two valid certificates of the key (a renewal not yet expired): both must be of the line.
        {new Use("SERV_SSL", "S1", WWW, null, false), List.of(LIVE, new Holder("0c2d", "SERV_SSL", "S1", WWW)), "allow"},
        {new Use("SERV_SSL", "S1", API, "0c2d", false), List.of(LIVE, new Holder("0c2d", "SERV_SSL", "S1", WWW)),
            "for other names"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      List<Holder> holders = (List<Holder>) c[1];
      String got = decide((Use) c[0], holders);
      String expected = (String) c[2];
      boolean ok = expected.equals("allow") ? got.equals("allow") : got.contains(expected);
      assertEquals(true, ok, c[0] + " / " + holders + ": expected " + expected + ", got " + got);
    }
  }
}
