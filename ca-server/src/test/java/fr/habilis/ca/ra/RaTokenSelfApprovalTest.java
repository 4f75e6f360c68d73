package fr.habilis.ca.ra;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fr.habilis.ca.TestServer;
import fr.habilis.ca.interop.RaFixture;
import fr.habilis.ca.operators.Role;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The test switch testRaTokenSelfApproval lets the shared token approve what it recorded itself
 * (one-token load generators: the team's acme-go yardstick records and approves with it), and
 * nothing more: an operator still cannot approve their own record. Without the switch the shared
 * token is refused (RaOperatorsTest.theSharedTokenIsOnePrincipalToo); in production the switch is
 * refused at start (ConfigLoaderTest).
 */
class RaTokenSelfApprovalTest {
  @Test
  void theSharedTokenAloneMayApproveItsOwnRecordWithTheSwitch() throws Exception {
    try (TestServer server = TestServer.start(Map.of("testRaTokenSelfApproval", "true"))) {
      String ra = server.endpoints().raUrl();
      RaFixture selfApproving = new RaFixture(server.httpClient(), ra, server.raToken(), server::raToken);
      assertNotNull(selfApproving.habilitate(RaApiTest.siret(), "0000001903", RaFixture.servSsl("self.test")).eabKid());

      String both = server.operatorToken("both", Role.OFFICER, Role.APPROVER);
      RaFixture operatorAlone = new RaFixture(server.httpClient(), ra, both, () -> both);
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> operatorAlone.habilitate(RaApiTest.siret(), "0000001904", RaFixture.servSsl("alone.test")));
      assertTrue(refused.getMessage().contains("403") && refused.getMessage().contains("four-eyes"), refused.getMessage());
    }
  }
}
