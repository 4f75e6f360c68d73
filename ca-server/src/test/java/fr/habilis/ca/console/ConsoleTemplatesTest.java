package fr.habilis.ca.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The console's templates and bundles agree: every literal message key a template names exists in
 * French and English, both bundles have the same keys, templates are ASCII (Vert.x reads them in
 * the JVM's default charset, which Java 17 does not fix to UTF-8: every word is in the bundles),
 * and no template writes unescaped text ({@code th:utext}) or an inline script.
 */
class ConsoleTemplatesTest {
  private static final Path TEMPLATES = Path.of("src/main/resources/console/templates");
  private static final Pattern KEY = Pattern.compile("#\\{([a-zA-Z0-9_.]+)[}(]");

  @Test
  void templatesAreAsciiEscapedAndScriptFree() throws Exception {
    for (Path t : templates()) {
      byte[] bytes = Files.readAllBytes(t);
      for (byte b : bytes) assertTrue(b >= 0, t + " has a non-ASCII byte");
      String html = new String(bytes, StandardCharsets.US_ASCII);
      assertFalse(html.contains("utext"), t + " writes unescaped text");
      assertFalse(Pattern.compile("<script(?![^>]*\\ssrc=)").matcher(html).find(), t + " has an inline script");
      assertFalse(Pattern.compile("\\son[a-z]+=").matcher(html).find(), t + " has an inline event handler");
      assertFalse(html.contains("style=\""), t + " has an inline style (the CSP refuses it)");
    }
  }

  @Test
  void everyKeyIsInBothLanguages() throws Exception {
    Properties fr = bundle("console/messages.properties");
    Properties en = bundle("console/messages_en.properties");
    assertEquals(new TreeSet<>(fr.stringPropertyNames()), new TreeSet<>(en.stringPropertyNames()));
    Set<String> missing = new TreeSet<>();
    for (Path t : templates()) {
      Matcher m = KEY.matcher(Files.readString(t, StandardCharsets.US_ASCII));
      while (m.find()) if (!fr.containsKey(m.group(1))) missing.add(t.getFileName() + ": " + m.group(1));
    }
    assertTrue(missing.isEmpty(), "keys missing from the bundles: " + missing);
    assertEquals("Habilitations", ConsoleMessages.get("fr", "nav.habilitations"));
    assertEquals("Certificates", ConsoleMessages.get("en", "nav.certificates"));
    assertEquals("Vous avez enregistré cette demande : un autre approbateur doit l’approuver ou la rejeter (principe"
        + " des quatre yeux).", ConsoleMessages.get("fr", "hab.decision.fourEyes"));
  }

  private static List<Path> templates() throws Exception {
    try (Stream<Path> s = Files.list(TEMPLATES)) {
      return s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
    }
  }

  private static Properties bundle(String name) throws Exception {
    Properties p = new Properties();
    try (InputStream in = ConsoleTemplatesTest.class.getClassLoader().getResourceAsStream(name)) {
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }
}
