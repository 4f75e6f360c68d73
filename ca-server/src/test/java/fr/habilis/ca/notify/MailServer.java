package fr.habilis.ca.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real SMTP server (GreenMail) on 127.0.0.1 for the notice tests, with what they read from the
 * messages it received: recipient, subject, the text and HTML parts, the Message-ID.
 */
final class MailServer implements AutoCloseable {
  /** One received message, decoded. */
  record Mail(String to, String subject, String text, String html, String messageId, String language) {}

  private final int port;
  private GreenMail green;

  private MailServer(int port) {
    this.port = port;
  }

  /** Started on a free port. */
  static MailServer start() throws IOException {
    MailServer m = reserve();
    m.start0();
    return m;
  }

  /** A free port, nothing listening on it yet (an SMTP server that is down). */
  static MailServer reserve() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return new MailServer(s.getLocalPort());
    }
  }

  void start0() {
    green = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    green.start();
  }

  /** Settings that send the server's notices here, in plain SMTP (test environment only). */
  Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("smtpHost", "127.0.0.1");
    s.put("smtpPort", Integer.toString(port));
    s.put("smtpSecurity", "none");
    s.put("smtpFrom", "Habilis <notices@habilis.test>");
    s.put("smtpTimeout", "PT2S");
    s.put("noticeClaimLease", "PT5S");
    s.put("noticeScanEvery", "PT0.1S");
    return s;
  }

  List<Mail> received() throws Exception {
    if (green == null) return List.of();
    List<Mail> list = new java.util.ArrayList<>();
    for (MimeMessage m : green.getReceivedMessages()) list.add(decode(m));
    return list;
  }

  /** Waits until {@code count} messages matching {@code which} arrived; returns them all. */
  List<Mail> await(Predicate<Mail> which, int count, long timeoutMs) throws Exception {
    long end = System.currentTimeMillis() + timeoutMs;
    List<Mail> got;
    do {
      got = received().stream().filter(which).toList();
      if (got.size() >= count) return got;
      Thread.sleep(50);
    } while (System.currentTimeMillis() < end);
    throw new AssertionError("expected " + count + " messages, got " + got.size() + ": "
        + got.stream().map(m -> m.to() + " " + m.subject()).toList());
  }

  /** How many times each Message-ID was received (a duplicate shows as 2). */
  Map<String, Long> messageIdCounts() throws Exception {
    return received().stream().collect(Collectors.groupingBy(Mail::messageId, Collectors.counting()));
  }

  private static Mail decode(MimeMessage m) throws Exception {
    String to = Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Object::toString).findFirst().orElse(null);
    String text = null;
    String html = null;
    Object content = m.getContent();
    if (content instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        BodyPart part = mp.getBodyPart(i);
        if (part.isMimeType("text/plain")) text = (String) part.getContent();
        if (part.isMimeType("text/html")) html = (String) part.getContent();
      }
    } else {
      text = content.toString();
    }
    return new Mail(to, m.getSubject(), text, html, m.getHeader("Message-ID", null), m.getHeader("Content-Language", null));
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    if (green != null) green.stop();
  }
}
