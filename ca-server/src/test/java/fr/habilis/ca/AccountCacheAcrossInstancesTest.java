package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import fr.habilis.ca.acme.RawAcmeClient;
import fr.habilis.ca.interop.RaFixture;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: an instance verifies the signatures of accounts it has seen with their cached keys,
 * without a transaction. A change made through the other instance still takes effect at once:
 * a key change (the old key refused, the new one accepted) and a deactivation (refused), because
 * each request's own transaction checks the cached account against the database.
 */
class AccountCacheAcrossInstancesTest {
  @Test
  void aKeyChangeOrDeactivationThroughOneInstanceTakesEffectAtOnceOnTheOther() throws Exception {
    Path bDir = Files.createTempDirectory("habilis-b");
    try (SharedDatabase db = SharedDatabase.start(); TestServer a = TestServer.start(TwoInstancesOneCaTest.settings(db));
         TestServer b = TestServer.start(TwoInstancesOneCaTest.joining(db, a, bDir))) {
      String lb = TwoInstancesOneCaTest.LB;
      RoundRobinClient viaA = new RoundRobinClient(a.httpClient(), lb, TwoInstancesOneCaTest.LB_HTTP, List.of(a));
      RoundRobinClient viaB = new RoundRobinClient(b.httpClient(), lb, TwoInstancesOneCaTest.LB_HTTP, List.of(b));
      RaFixture ra = new RaFixture(viaA, lb + "/ra/v1", a.raToken(), a::approverToken);
      RaFixture.Credential cred = ra.habilitate("18751275100020", "0123456789", RaFixture.servSsl("cache.test"));
      ECKey oldKey = new ECKeyGenerator(Curve.P_256).generate();
      RawAcmeClient onA = new RawAcmeClient(viaA, lb + "/acme/directory", oldKey);
      RawAcmeClient.expect(onA.register(cred), 201, "newAccount");
      RawAcmeClient onB = new RawAcmeClient(viaB, lb + "/acme/directory", oldKey);
      onB.accountUrl = onA.accountUrl;
      String orders = onA.accountUrl + "/orders";
      RawAcmeClient.expect(onB.post(orders, "", false), 200, "orders on B: B caches the account");
      RawAcmeClient.expect(onB.post(orders, "", false), 200, "orders on B, from its cache");

      // Key change through A.
      ECKey newKey = new ECKeyGenerator(Curve.P_256).generate();
      String keyChange = onA.url("keyChange");
      JWSObject inner = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).jwk(newKey.toPublicJWK())
          .customParam("url", keyChange).build(), new Payload(new JsonObject().put("account", onA.accountUrl)
          .put("oldKey", new JsonObject(oldKey.toPublicJWK().toJSONString())).encode()));
      inner.sign(new ECDSASigner(newKey));
      RawAcmeClient.expect(onA.post(keyChange, new JsonObject(RawAcmeClient.flattened(inner)).encode(), false), 200, "keyChange on A");

      HttpResponse<String> stale = onB.post(orders, "", false);
      assertTrue(stale.statusCode() >= 400 && stale.statusCode() < 500, "the old key on B: " + stale.statusCode() + " " + stale.body());
      onB.useKey(newKey, JWSAlgorithm.ES256, new ECDSASigner(newKey));
      RawAcmeClient.expect(onB.post(orders, "", false), 200, "the new key on B");
      RawAcmeClient.expect(onB.post(orders, "", false), 200, "the new key on B, cached");

      // Deactivation through A.
      onA.useKey(newKey, JWSAlgorithm.ES256, new ECDSASigner(newKey));
      RawAcmeClient.expect(onA.post(onA.accountUrl, new JsonObject().put("status", "deactivated").encode(), false), 200,
          "deactivation on A");
      HttpResponse<String> gone = onB.post(orders, "", false);
      assertEquals(403, gone.statusCode(), gone.body());
      assertTrue(gone.body().contains("urn:ietf:params:acme:error:unauthorized"), gone.body());
    } finally {
      TestServer.deleteRecursively(bDir);
    }
  }
}
