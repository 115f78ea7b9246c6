package chat.nexus.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints a result and appends it to --out (JSON line for *.json / *.jsonl, else a markdown table
 * row).
 */
final class Out {
  private Out() {}

  static void emit(Map<String, Object> row, Path out) throws IOException {
    int w = row.keySet().stream().mapToInt(String::length).max().orElse(10);
    StringBuilder sb = new StringBuilder();
    row.forEach((k, v) -> sb.append(String.format("%-" + w + "s  %s%n", k, format(v))));
    System.out.print(sb);
    System.out.flush();
    if (out == null) return;
    String name = out.getFileName().toString();
    String text;
    if (name.endsWith(".json") || name.endsWith(".jsonl")) {
      text = new JsonObject(new LinkedHashMap<>(row)).encode() + "\n";
    } else {
      text = markdown(row, !Files.exists(out) || Files.size(out) == 0);
    }
    if (out.toAbsolutePath().getParent() != null)
      Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static String markdown(Map<String, Object> row, boolean header) {
    StringBuilder sb = new StringBuilder();
    if (header) {
      sb.append("| ").append(String.join(" | ", row.keySet())).append(" |\n");
      sb.append("|")
          .append(row.keySet().stream().map(k -> "---").collect(Collectors.joining("|")))
          .append("|\n");
    }
    sb.append("| ")
        .append(row.values().stream().map(Out::format).collect(Collectors.joining(" | ")))
        .append(" |\n");
    return sb.toString();
  }

  static String format(Object v) {
    if (v == null) return "-";
    if (v instanceof Map<?, ?> m) { // counts by reason: "UNAVAILABLE:3 INTERNAL:1"
      return m.isEmpty()
          ? "-"
          : m.entrySet().stream()
              .map(e -> e.getKey() + ":" + e.getValue())
              .collect(Collectors.joining(" "));
    }
    if (v instanceof Double d) {
      return Math.abs(d) >= 100 ? String.format("%.0f", d) : String.format("%.3g", d);
    }
    return String.valueOf(v);
  }

  /** Rounded; null (printed "-") when not measured (NaN). */
  static Double num(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return null;
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
