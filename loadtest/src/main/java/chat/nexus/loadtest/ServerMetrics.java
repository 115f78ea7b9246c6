package chat.nexus.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's Prometheus text (GET /metrics) sampled during a stage: for each wanted metric, the
 * values of all its series summed (e.g. jvm_memory_used_bytes over every pool); per stage the min,
 * max, mean and last sample, and for counters ({@code *_total}, {@code *_sum}, {@code *_count}) the
 * increase per second.
 */
final class ServerMetrics {
  /**
   * What the ladder reads unless told otherwise: the contract's gauges and counters, CPU and
   * memory.
   */
  static final List<String> DEFAULT_NAMES =
      List.of(
          "nexus_connections",
          "nexus_llm_in_flight",
          "nexus_llm_waiting",
          "nexus_llm_rejected_total",
          "nexus_rate_limited_total",
          "nexus_messages_total",
          "nexus_deliveries_total",
          "nexus_db_pool_active",
          "process_cpu_usage",
          "system_cpu_usage",
          "jvm_memory_used_bytes",
          "jvm_gc_pause_seconds_sum");

  private final Rest rest;
  private final String path;
  private final List<String> names;
  private final Map<String, List<double[]>> samples =
      new LinkedHashMap<>(); // name -> {seconds, value}
  private boolean answered;
  private boolean available = true;

  ServerMetrics(Rest rest, String path, List<String> names) {
    this.rest = rest;
    this.path = path;
    this.names = names;
  }

  /**
   * False once the first scrape got no 200: the server has no /metrics (the Node.js reference),
   * stop asking.
   */
  boolean available() {
    return available;
  }

  /** Reads the metrics now; the latest values, or an empty map. */
  Map<String, Double> sample() {
    if (!available || path == null) return Map.of();
    String text = rest.getOrNull(path);
    if (text == null) {
      if (!answered) available = false;
      return Map.of();
    }
    answered = true;
    Map<String, Double> now = parse(text, names);
    double t = System.nanoTime() / 1e9;
    now.forEach(
        (k, v) -> samples.computeIfAbsent(k, x -> new ArrayList<>()).add(new double[] {t, v}));
    return now;
  }

  /** Starts a new stage: forgets the samples so far. */
  void reset() {
    samples.clear();
  }

  /** name -> {min, max, mean, last[, per_s]} over the samples since {@link #reset()}. */
  Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    samples.forEach(
        (name, list) -> {
          double min = Double.MAX_VALUE;
          double max = -Double.MAX_VALUE;
          double sum = 0;
          for (double[] s : list) {
            min = Math.min(min, s[1]);
            max = Math.max(max, s[1]);
            sum += s[1];
          }
          Map<String, Object> m = new LinkedHashMap<>();
          double[] first = list.get(0);
          double[] last = list.get(list.size() - 1);
          m.put("min", Out.num(min, 4));
          m.put("max", Out.num(max, 4));
          m.put("mean", Out.num(sum / list.size(), 4));
          m.put("last", Out.num(last[1], 4));
          if (counter(name) && last[0] > first[0])
            m.put("per_s", Out.num((last[1] - first[1]) / (last[0] - first[0]), 3));
          out.put(name, m);
        });
    return out;
  }

  static boolean counter(String name) {
    return name.endsWith("_total") || name.endsWith("_sum") || name.endsWith("_count");
  }

  /**
   * The wanted metrics in a Prometheus text exposition, each summed over its series. Lines are
   * {@code name{labels} value [timestamp]}; comments and unwanted names are skipped.
   */
  static Map<String, Double> parse(String text, List<String> wanted) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') continue;
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      if (space < 0) continue;
      String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
      if (!wanted.contains(name)) continue;
      int valueAt = brace >= 0 && brace < space ? line.indexOf(' ', line.lastIndexOf('}')) : space;
      if (valueAt < 0) continue;
      String[] rest = line.substring(valueAt).trim().split("\\s+");
      try {
        double v = Double.parseDouble(rest[0]);
        if (!Double.isNaN(v)) out.merge(name, v, Double::sum);
      } catch (NumberFormatException e) {
        // +Inf and the like: not a level we can chart
      }
    }
    return out;
  }
}
