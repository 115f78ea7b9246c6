package chat.nexus.observability;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL expressions of an alert-rules file and of a Grafana dashboard, and the metric names
 * they read: what {@link PrometheusRulesTest} checks against a running server's /metrics.
 */
final class QueryNames {

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "inf");

  /** Grafana's variables in a form promtool parses: intervals as 5m, anything else as .* */
  private static final Pattern INTERVAL =
      Pattern.compile("\\$\\{?__(?:rate_interval|interval|range)}?");

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");

  private QueryNames() {}

  /** The metric names an expression reads. */
  static Set<String> metrics(String expr) {
    String bare = STRING.matcher(expr).replaceAll("\"\"");
    bare = MATCHERS.matcher(bare).replaceAll(" ");
    bare = RANGE.matcher(bare).replaceAll(" ");
    bare = GROUPING.matcher(bare).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * The {@code expr:} values of a rules file as this project writes them: on the same line, or
   * folded ({@code >-}) over the more indented lines below.
   */
  static List<String> ruleExpressions(String yaml) {
    List<String> exprs = new ArrayList<>();
    String[] lines = yaml.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int at = line.indexOf("expr:");
      if (at < 0 || !line.substring(0, at).replace('-', ' ').isBlank()) {
        continue;
      }
      String value = line.substring(at + 5).trim();
      if (!value.startsWith(">") && !value.startsWith("|")) {
        exprs.add(value);
        continue;
      }
      StringBuilder folded = new StringBuilder();
      while (i + 1 < lines.length && indent(lines[i + 1]) > at) {
        folded.append(lines[++i].trim()).append(' ');
      }
      exprs.add(folded.toString().trim());
    }
    return exprs;
  }

  /** Every {@code expr} of a dashboard's panels, Grafana's variables replaced. */
  static List<String> dashboardExpressions(JsonObject dashboard) {
    List<String> exprs = new ArrayList<>();
    collect(dashboard, exprs);
    return exprs.stream()
        .map(e -> VARIABLE.matcher(INTERVAL.matcher(e).replaceAll("5m")).replaceAll(".*"))
        .toList();
  }

  private static void collect(Object node, List<String> exprs) {
    if (node instanceof JsonObject object) {
      object.forEach(
          e -> {
            if (e.getKey().equals("expr") && e.getValue() instanceof String expr) {
              exprs.add(expr);
            } else {
              collect(e.getValue(), exprs);
            }
          });
    } else if (node instanceof JsonArray array) {
      array.forEach(v -> collect(v, exprs));
    }
  }

  private static int indent(String line) {
    if (line.isBlank()) {
      return Integer.MAX_VALUE;
    }
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}
