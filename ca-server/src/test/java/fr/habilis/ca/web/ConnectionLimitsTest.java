package fr.habilis.ca.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.TestServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 15 item 10: idle connections are closed on both listeners; one address cannot hold them all. */
class ConnectionLimitsTest {
  private static TestServer server;
  private static int httpPort;
  private static int httpsPort;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("idleTimeout", "PT2S", "maxConnectionsPerIp", "8"));
    httpPort = URI.create(server.endpoints().ocspUrl()).getPort();
    httpsPort = URI.create(server.endpoints().directoryUrl()).getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** True when the server closed the connection within {@code millis}. */
  private static boolean closedWithin(Socket s, int millis) throws Exception {
    s.setSoTimeout(millis);
    InputStream in = s.getInputStream();
    try {
      while (true) {
        if (in.read() < 0) return true;
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.io.IOException e) {
      return true; // reset
    }
  }

  @Test
  void idleAndHalfSentConnectionsAreClosedOnBothListeners() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      Socket idleHttp = new Socket();
      idleHttp.connect(new InetSocketAddress("127.0.0.1", httpPort));
      Socket halfHeader = new Socket();
      halfHeader.connect(new InetSocketAddress("127.0.0.1", httpPort));
      halfHeader.getOutputStream().write("GET /crl/org.crl HTTP/1.1\r\nHost: loca".getBytes(StandardCharsets.US_ASCII));
      halfHeader.getOutputStream().flush();
      SSLSocket idleTls = (SSLSocket) TestServer.sslContextTrusting(server.trustPem()).getSocketFactory()
          .createSocket("127.0.0.1", httpsPort);
      idleTls.startHandshake();
      Socket rawTls = new Socket();
      rawTls.connect(new InetSocketAddress("127.0.0.1", httpsPort)); // TCP only: a handshake never started
      sockets.addAll(List.of(idleHttp, halfHeader, idleTls, rawTls));
      for (Socket s : sockets) assertTrue(closedWithin(s, 8000), "closed by the server: " + s);
    } finally {
      for (Socket s : sockets) s.close();
    }
  }

  @Test
  void oneAddressCannotHoldMoreThanItsShareOfConnections() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", httpPort));
        held.add(s);
      }
      Thread.sleep(200);
      Socket extra = new Socket();
      extra.connect(new InetSocketAddress("127.0.0.1", httpPort));
      held.add(extra);
      assertTrue(closedWithin(extra, 1000), "the ninth connection is closed at once");
      assertTrue(!closedWithin(held.get(0), 300), "the first eight stay open until idle");
    } finally {
      for (Socket s : held) s.close();
    }
    Thread.sleep(300);
    // Closed connections free their slots.
    Socket again = new Socket();
    again.connect(new InetSocketAddress("127.0.0.1", httpPort));
    again.getOutputStream().write("GET /certs/root.pem HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    String status = new String(again.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    again.close();
    assertEquals("HTTP/1.1 200", status);
  }
}
