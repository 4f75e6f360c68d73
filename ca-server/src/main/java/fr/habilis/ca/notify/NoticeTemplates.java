package fr.habilis.ca.notify;

import fr.habilis.ca.registry.Language;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a notice for one recipient from the templates in {@code notices/{fr,en}/} (data, like
 * the certificate profiles): {@code {kind}.txt} is a {@code Subject:} line, a blank line and the
 * text, paragraphs separated by blank lines, facts written {@code {name}}; {@code _copy.txt} is
 * added for the addresses to inform, {@code _footer.txt} closes every message, {@code labels.properties}
 * translates coded facts. The HTML part is built from the same paragraphs (escaped), so the two
 * parts never say different things. Every template is loaded and checked when the class loads:
 * a missing file or an unknown fact fails the server's start, not a notice.
 */
public final class NoticeTemplates {
  private static final Pattern FACT = Pattern.compile("\\{([A-Za-z]+)\\}");
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final Map<Language, DateTimeFormatter> DATES = Map.of(
      Language.FR, DateTimeFormatter.ofPattern("d MMMM yyyy 'à' HH:mm:ss '(heure de Paris)'", Language.FR.locale()).withZone(PARIS),
      Language.EN, DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm:ss '(Paris time)'", Language.EN.locale()).withZone(PARIS));
  private static final Map<Language, Map<NoticeKind, Template>> TEMPLATES = new EnumMap<>(Language.class);
  private static final Map<Language, String> COPY = new EnumMap<>(Language.class);
  private static final Map<Language, String> FOOTER = new EnumMap<>(Language.class);
  private static final Map<Language, Properties> LABELS = new EnumMap<>(Language.class);

  static {
    for (Language l : Language.values()) {
      Map<NoticeKind, Template> byKind = new EnumMap<>(NoticeKind.class);
      for (NoticeKind k : NoticeKind.values()) byKind.put(k, Template.parse(l, k, read(l, k.stored() + ".txt")));
      TEMPLATES.put(l, byKind);
      COPY.put(l, checked(read(l, "_copy.txt"), java.util.Set.of("reference"), l + "/_copy.txt"));
      FOOTER.put(l, checked(read(l, "_footer.txt"), java.util.Set.of(), l + "/_footer.txt"));
      Properties p = new Properties();
      try (Reader r = new InputStreamReader(open(l, "labels.properties"), StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalStateException("notice labels " + l.code() + ": " + e.getMessage(), e);
      }
      LABELS.put(l, p);
    }
  }

  private NoticeTemplates() {}

  /** A coded fact shown through {@code labels.properties} ("reason.keyCompromise"). */
  public record Label(String key) {}

  /** A message ready to send. */
  public record Rendered(String subject, String text, String html) {}

  /**
   * The message for one recipient. {@code facts} values are strings, instants (dates in the
   * recipient's language, Paris time) or {@link Label}s.
   */
  public static Rendered render(NoticeKind kind, Recipient to, Map<String, Object> facts) {
    Language l = to.language();
    Template t = TEMPLATES.get(l).get(kind);
    List<String> paragraphs = new ArrayList<>(t.paragraphs());
    if (to.role() == Recipient.Role.CC) paragraphs.addAll(split(COPY.get(l)));
    paragraphs.addAll(split(FOOTER.get(l)));
    String subject = fill(t.subject(), facts, l, false).replaceAll("[\\r\\n]+", " ");
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"").append(l.code())
        .append("\"><head><meta charset=\"utf-8\"><title>").append(escape(subject)).append("</title></head>\n")
        .append("<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1b1b1b;max-width:42em\">\n");
    for (String p : paragraphs) {
      if (text.length() > 0) text.append("\n\n");
      text.append(fill(p, facts, l, false));
      List<String> lines = p.lines().toList();
      if (lines.stream().allMatch(x -> x.startsWith("- "))) {
        html.append("<ul>\n");
        for (String x : lines) html.append("<li>").append(fill(x.substring(2), facts, l, true)).append("</li>\n");
        html.append("</ul>\n");
      } else {
        html.append("<p>").append(String.join("<br>\n", lines.stream().map(x -> fill(x, facts, l, true)).toList()))
            .append("</p>\n");
      }
    }
    html.append("</body></html>\n");
    return new Rendered(subject, text.append('\n').toString(), html.toString());
  }

  /** Dates as the messages write them, for one language. */
  public static String date(Instant at, Language l) {
    return DATES.get(l).format(at);
  }

  private static String fill(String template, Map<String, Object> facts, Language l, boolean html) {
    Matcher m = FACT.matcher(template);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      String literal = template.substring(last, m.start());
      out.append(html ? escape(literal) : literal);
      String value = value(facts.get(m.group(1)), l);
      out.append(html ? escape(value) : value);
      last = m.end();
    }
    String rest = template.substring(last);
    return out.append(html ? escape(rest) : rest).toString();
  }

  private static String value(Object v, Language l) {
    if (v == null) return "—";
    if (v instanceof Instant i) return date(i, l);
    if (v instanceof Label label) return LABELS.get(l).getProperty(label.key(), label.key());
    return v.toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private record Template(String subject, List<String> paragraphs) {
    static Template parse(Language l, NoticeKind k, String source) {
      String where = l.code() + "/" + k.stored() + ".txt";
      if (!source.startsWith("Subject: ")) throw new IllegalStateException("notice template " + where + " must start with 'Subject: '");
      int end = source.indexOf('\n');
      String subject = source.substring("Subject: ".length(), end).strip();
      String body = checked(source.substring(end + 1), k.facts(), where);
      checked(subject, k.facts(), where);
      return new Template(subject, split(body));
    }
  }

  private static List<String> split(String body) {
    List<String> list = new ArrayList<>();
    for (String p : body.strip().split("\\n\\s*\\n")) if (!p.isBlank()) list.add(p.strip());
    return list;
  }

  private static String checked(String text, java.util.Set<String> allowed, String where) {
    Matcher m = FACT.matcher(text);
    while (m.find()) {
      if (!allowed.contains(m.group(1))) {
        throw new IllegalStateException("notice template " + where + " uses unknown fact {" + m.group(1) + "}");
      }
    }
    return text;
  }

  private static String read(Language l, String name) {
    try (InputStream in = open(l, name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new IllegalStateException("notice template " + l.code() + "/" + name + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(Language l, String name) {
    InputStream in = NoticeTemplates.class.getResourceAsStream("/notices/" + l.code() + "/" + name);
    if (in == null) throw new IllegalStateException("notice template notices/" + l.code() + "/" + name + " is missing");
    return in;
  }
}
