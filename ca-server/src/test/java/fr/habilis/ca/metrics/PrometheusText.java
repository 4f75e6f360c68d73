package fr.habilis.ca.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every line is a comment
 * ({@code # HELP}, {@code # TYPE}), blank, or one sample {@code name{label="value",…} number};
 * anything else fails the parse, naming the line.
 */
record PrometheusText(List<Sample> samples, Map<String, String> types) {
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? ([-+]?(?:[0-9.eE+-]+|Inf|NaN))(?: -?[0-9]+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");
  private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");

  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(Map<String, String> wanted) {
      return labels.entrySet().containsAll(wanted.entrySet());
    }
  }

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) continue;
      if (line.startsWith("#")) {
        Matcher t = TYPE.matcher(line);
        if (t.matches()) {
          types.put(t.group(1), t.group(2));
        } else if (!HELP.matcher(line).matches()) {
          throw new IllegalArgumentException("line " + n + " is neither # TYPE nor # HELP: " + line);
        }
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) throw new IllegalArgumentException("line " + n + " is not a sample: " + line);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null && !m.group(2).isEmpty()) {
        Matcher l = LABEL.matcher(m.group(2));
        int at = 0;
        while (at < m.group(2).length()) {
          if (!l.find(at) || l.start() != at) throw new IllegalArgumentException("line " + n + ": bad labels: " + line);
          labels.put(l.group(1), l.group(2));
          at = l.end();
        }
      }
      String v = m.group(3);
      double value = v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
          : Double.parseDouble(v);
      samples.add(new Sample(m.group(1), labels, value));
    }
    return new PrometheusText(samples, types);
  }

  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The sum over the series of {@code name} carrying at least these labels. */
  double sum(String name, Map<String, String> labels) {
    return named(name).stream().filter(s -> s.has(labels)).mapToDouble(Sample::value).sum();
  }
}
