package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The charts of the ladder's report.html, as inline SVG ({@link Svg}). */
final class ReportCharts {
  private ReportCharts() {}

  private static final String P50 = "#1c7ed6";
  private static final String P95 = "#0ca678";
  private static final String P99 = "#f08c00";
  private static final String MAX = "#e03131";
  private static final String[] PALETTE = {
    "#e03131", "#f08c00", "#7048e8", "#1c7ed6", "#0ca678", "#d6336c", "#5c940d", "#1098ad",
    "#e8590c", "#495057", "#ae3ec9", "#fab005"
  };

  /**
   * The charts of the run, against the number of users: latencies (chat only when there were chat
   * messages, time to first token only with companion users), throughput, errors, rates and CPU.
   */
  static List<String> of(JsonArray stages, JsonObject config) {
    String[] xs = new String[stages.size()];
    for (int i = 0; i < xs.length; i++)
      xs[i] = String.format(Locale.ROOT, "%,d", stages.getJsonObject(i).getInteger("users"));
    Double limit = config.getDouble("max_p99_ms");

    List<String> charts = new ArrayList<>();
    boolean chat = any(stages, "sent");
    boolean ai = any(stages, "ai_sent");
    if (chat) {
      charts.add(latency("Ack latency: message:send → ack", stages, xs, "ack_ms", limit));
      charts.add(latency("Delivery latency: send → message:new", stages, xs, "delivery_ms", limit));
    }
    charts.add(latency("Connect time: TCP → connected and joined", stages, xs, "connect_ms", null));
    if (ai) {
      charts.add(
          latency(
              "AI time to first token",
              stages,
              xs,
              "ttft_ms",
              config.getDouble("max_ttft_p99_ms")));
    }
    charts.add(throughput(stages, xs, chat, ai));
    charts.add(errors(stages, xs));
    charts.add(rates(stages, xs, ai));
    charts.add(cpu(stages, xs));
    return charts;
  }

  private static boolean any(JsonArray stages, String key) {
    for (int i = 0; i < stages.size(); i++)
      if (stages.getJsonObject(i).getLong(key, 0L) > 0) return true;
    return false;
  }

  private static Double[] values(JsonArray stages, Function<JsonObject, Object> f) {
    Double[] v = new Double[stages.size()];
    for (int i = 0; i < v.length; i++) {
      Object o = f.apply(stages.getJsonObject(i));
      v[i] = o instanceof Number n ? n.doubleValue() : null;
    }
    return v;
  }

  private static String latency(
      String title, JsonArray stages, String[] xs, String key, Double limit) {
    List<Svg.Series> s =
        List.of(
            new Svg.Series("p50", P50, values(stages, r -> Report.pct(r, key, "p50"))),
            new Svg.Series("p95", P95, values(stages, r -> Report.pct(r, key, "p95"))),
            new Svg.Series("p99", P99, values(stages, r -> Report.pct(r, key, "p99"))),
            new Svg.Series("max", MAX, values(stages, r -> Report.pct(r, key, "max")), true));
    return Svg.lines(title, "ms", xs, s, true, limit);
  }

  private static String throughput(JsonArray stages, String[] xs, boolean chat, boolean ai) {
    List<Svg.Series> s = new ArrayList<>();
    if (chat) {
      s.add(new Svg.Series("messages sent/s", P50, values(stages, r -> r.getValue("sent_per_s"))));
      s.add(new Svg.Series("acks ok/s", P95, values(stages, r -> r.getValue("acks_per_s")), true));
      s.add(
          new Svg.Series("deliveries/s", P99, values(stages, r -> r.getValue("deliveries_per_s"))));
    }
    if (ai)
      s.add(
          new Svg.Series(
              "companion messages/s", "#7048e8", values(stages, r -> r.getValue("ai_per_s"))));
    return Svg.lines("Throughput", "per second", xs, s, true, null);
  }

  private static String errors(JsonArray stages, String[] xs) {
    Set<String> codes = new TreeSet<>();
    for (int i = 0; i < stages.size(); i++)
      codes.addAll(stages.getJsonObject(i).getJsonObject("errors_by_code").fieldNames());
    List<Svg.Series> s = new ArrayList<>();
    int k = 0;
    for (String code : codes) {
      s.add(
          new Svg.Series(
              code,
              PALETTE[k++ % PALETTE.length],
              values(stages, r -> r.getJsonObject("errors_by_code").getValue(code))));
    }
    return Svg.stackedBars("Errors and refusals per stage (count)", "count", xs, s);
  }

  private static String rates(JsonArray stages, String[] xs, boolean ai) {
    List<Svg.Series> s = new ArrayList<>();
    s.add(
        new Svg.Series("error rate", MAX, values(stages, r -> percent(r.getValue("error_rate")))));
    s.add(
        new Svg.Series(
            "lost deliveries", P99, values(stages, r -> percent(r.getValue("lost_rate")))));
    s.add(
        new Svg.Series(
            "RATE_LIMITED",
            "#7048e8",
            values(stages, r -> percent(r.getValue("rate_limited_rate")))));
    if (ai)
      s.add(
          new Svg.Series("AI_BUSY", P50, values(stages, r -> percent(r.getValue("ai_busy_rate")))));
    return Svg.lines("Error, loss and refusal rates", "% of attempts", xs, s, false, null);
  }

  private static Object percent(Object fraction) {
    return fraction instanceof Number n ? 100 * n.doubleValue() : null;
  }

  private static String cpu(JsonArray stages, String[] xs) {
    List<Svg.Series> s = new ArrayList<>();
    Double[] srv = values(stages, r -> r.getValue("srv_cpu_pct"));
    if (allNull(srv)) { // no --server-pid: the server's own view, if it has /metrics
      int cores = Runtime.getRuntime().availableProcessors();
      srv =
          values(
              stages,
              r -> {
                Object m = Report.metric(r, "process_cpu_usage", "mean");
                return m instanceof Number n ? 100 * n.doubleValue() * cores : null;
              });
    }
    s.add(new Svg.Series("server", MAX, srv));
    s.add(new Svg.Series("load client", P50, values(stages, r -> r.getValue("cli_cpu_pct"))));
    s.add(
        new Svg.Series("other", "#868e96", values(stages, r -> r.getValue("other_cpu_pct")), true));
    s.add(new Svg.Series("softirq", P95, values(stages, r -> r.getValue("softirq_cpu_pct")), true));
    return Svg.lines("CPU during the hold (100 % = one core)", "% of a core", xs, s, false, null);
  }

  private static boolean allNull(Double[] v) {
    for (Double d : v) if (d != null) return false;
    return true;
  }
}
