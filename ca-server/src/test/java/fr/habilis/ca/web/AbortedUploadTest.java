package fr.habilis.ca.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import ch.qos.logback.classic.Level;
import fr.habilis.ca.logging.LogCapture;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Issue 15 item 16: a client aborting its upload is not logged as a server fault. */
class AbortedUploadTest {
  @Test
  void anAbortedUploadLeavesNoSevereLogLine() throws Exception {
    LogCapture log = LogCapture.of(ProblemHandler.class, Level.DEBUG);
    try (TestServer server = TestServer.start()) {
      int port = URI.create(server.endpoints().directoryUrl()).getPort();
      for (String path : List.of("/acme/new-order", "/ra/v1/structures")) {
        SSLSocket s = (SSLSocket) TestServer.sslContextTrusting(server.trustPem()).getSocketFactory().createSocket("127.0.0.1", port);
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/jose+json\r\n"
            + "Content-Length: 5000\r\n\r\n" + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        Thread.sleep(300);
        s.setSoLinger(true, 0); // RST, as a client killed mid-upload
        s.close();
      }
      Thread.sleep(1500);
    } finally {
      log.close();
    }
    assertEquals(List.of(), log.atLeast(Level.WARN).stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
    assertTrue(log.events().stream().anyMatch(e -> e.getLevel() == Level.DEBUG && e.getFormattedMessage().contains("client went away")),
        "recorded as a debug event");
  }
}
