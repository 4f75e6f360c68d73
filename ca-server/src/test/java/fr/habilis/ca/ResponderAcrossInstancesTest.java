package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An OCSP responder renewed at run time is renewed once, by the instance holding the renewal
 * lease, and served by the other instance within clusterPollEvery: it reads the new entry from the
 * keystore they share, as the database records it.
 */
class ResponderAcrossInstancesTest {

  @Test
  void aResponderRenewedByOneInstanceIsServedByTheOther() throws Exception {
    Path bDir = Files.createTempDirectory("habilis-b");
    try (SharedDatabase db = SharedDatabase.start()) {
      Map<String, String> settings = TwoInstancesOneCaTest.settings(db);
      // Nine seconds: renewed at start-up (the generated one is backdated), then every six seconds.
      settings.put("ocspSignerValidity", "PT9S");
      try (TestServer a = TestServer.start(settings)) {
        String first = awaitRenewed(a, null);
        Map<String, String> joining = TwoInstancesOneCaTest.joining(db, a, bDir);
        joining.put("ocspSignerValidity", "PT9S");
        try (TestServer b = TestServer.start(joining)) {
          String current = serial(a);
          String next = awaitRenewed(a, current);
          long renewed = System.currentTimeMillis();
          while (!next.equals(serial(b)) && !serial(a).equals(serial(b))) {
            assertTrue(System.currentTimeMillis() - renewed < TwoInstancesOneCaTest.VISIBLE_WITHIN_MS,
                "the other instance still serves " + serial(b) + ", not " + next);
            Thread.sleep(50);
          }
          assertTrue(!first.equals(next));
          assertEquals(0, b.context().scheduler().runsHere("ocsp-responder-renewal"), "renewed by the lease holder only");
          assertTrue(a.context().scheduler().runsHere("ocsp-responder-renewal") > 0);
        }
      }
    } finally {
      TestServer.deleteRecursively(bDir);
    }
  }

  /** Waits until the org responder served by {@code s} is a renewed one other than {@code previous}; its serial. */
  private static String awaitRenewed(TestServer s, String previous) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonObject r = responder(s);
      boolean fresh = Instant.parse(r.getString("notAfter")).isAfter(Instant.now().plusSeconds(3));
      if (fresh && !r.getString("serial").equals(previous)) return r.getString("serial");
      assertTrue(System.currentTimeMillis() < deadline, "no renewed responder: " + r);
      Thread.sleep(50);
    }
  }

  private static String serial(TestServer s) throws Exception {
    return responder(s).getString("serial");
  }

  private static JsonObject responder(TestServer s) throws Exception {
    HttpResponse<String> r = s.httpClient().send(HttpRequest.newBuilder(
        URI.create(TwoInstancesOneCaTest.httpBase(s) + "/status")).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body()).getJsonArray("ocspResponders").stream().map(JsonObject.class::cast)
        .filter(o -> "org".equals(o.getString("ca"))).findFirst().orElseThrow();
  }
}
