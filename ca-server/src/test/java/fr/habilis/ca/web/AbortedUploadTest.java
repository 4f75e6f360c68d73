package fr.habilis.ca.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Issue 15 item 16: a client aborting its upload is not logged as a server fault. */
class AbortedUploadTest {
  @Test
  void anAbortedUploadLeavesNoSevereLogLine() throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(ProblemHandler.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Level before = logger.getLevel();
    logger.addHandler(capture);
    logger.setLevel(Level.ALL);
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
      logger.removeHandler(capture);
      logger.setLevel(before);
    }
    assertEquals(List.of(), records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .map(r -> r.getLevel() + " " + r.getMessage()).toList());
    assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.FINE && r.getMessage().contains("client went away")),
        "recorded as a debug event");
  }
}
