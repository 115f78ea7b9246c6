package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The ladder's report.html: the verdict, charts against the number of users, and the figures, in
 * one file.
 */
final class Report {
  private Report() {}

  private static final String P50 = "#1c7ed6";
  private static final String P95 = "#0ca678";
  private static final String P99 = "#f08c00";
  private static final String MAX = "#e03131";
  private static final String[] PALETTE = {
    "#e03131", "#f08c00", "#7048e8", "#1c7ed6", "#0ca678", "#d6336c", "#5c940d", "#1098ad",
    "#e8590c", "#495057", "#ae3ec9", "#fab005"
  };

  static String html(JsonObject result) {
    JsonArray stages = result.getJsonArray("stages");
    JsonObject config = result.getJsonObject("config");
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

    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>")
        .append(Svg.esc(result.getString("title")))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#212529;max-width:1180px}")
        .append("h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:26px 0 8px}")
        .append(".meta{color:#495057;font-size:13px;line-height:1.5}")
        .append(".verdict{padding:10px 14px;border-radius:6px;font-size:15px;margin:14px 0}")
        .append(
            ".pass{background:#d3f9d8;color:#2b8a3e}.fail{background:#ffe3e3;color:#c92a2a}.noisy{background:#fff3bf;color:#8a5a00}")
        .append(".grid{display:grid;grid-template-columns:repeat(2,560px);gap:14px}")
        .append(".grid svg{border:1px solid #dee2e6;border-radius:6px}")
        .append(
            "table{border-collapse:collapse;font-size:12.5px}td,th{border:1px solid #dee2e6;padding:4px 7px;text-align:right}")
        .append("th{background:#f1f3f5}td:first-child,th:first-child{text-align:left}")
        .append(
            "code{font-size:12px;background:#f1f3f5;padding:1px 4px;border-radius:3px;word-break:break-all}")
        .append("</style></head><body>");
    h.append("<h1>").append(Svg.esc(result.getString("title"))).append("</h1>");
    h.append("<div class='meta'>")
        .append(Svg.esc(describe(result)))
        .append("<br>command: <code>")
        .append(Svg.esc(result.getString("command")))
        .append("</code></div>");
    JsonArray breaches = result.getJsonArray("breaches");
    if (result.getBoolean("passed")) {
      h.append("<div class='verdict pass'>PASSED")
          .append(limits(config).isEmpty() ? " (no limits given)" : ": " + Svg.esc(limits(config)))
          .append("</div>");
    } else {
      h.append("<div class='verdict fail'>FAILED (")
          .append(Svg.esc(limits(config)))
          .append(")<ul>");
      breaches.forEach(b -> h.append("<li>").append(Svg.esc(String.valueOf(b))).append("</li>"));
      h.append("</ul></div>");
    }
    double other = maxOf(stages, "other_cpu_pct");
    if (other >= NOISY_OTHER_CPU_PCT) {
      h.append(
          String.format(
              Locale.ROOT,
              "<div class='verdict noisy'>The machine was shared: other processes used up to %.0f %% of a"
                  + " core during the holds (%d cores in all), so the server and the load client got less than they would alone."
                  + " Compare runs only on a quiet machine.</div>",
              other,
              result.getJsonObject("machine").getInteger("cores")));
    }
    h.append("<div class='grid'>");
    charts.forEach(h::append);
    h.append("</div>");
    h.append("<h2>Figures per stage</h2>")
        .append(table(stages, CHAT_COLUMNS))
        .append("<br>")
        .append(table(stages, OTHER_COLUMNS));
    h.append("<h2>Errors and refusals by code</h2>").append(codes(stages));
    h.append("<h2>Server metrics during each hold (GET ")
        .append(Svg.esc(String.valueOf(config.getString("metrics_path", "/metrics"))))
        .append(")</h2>")
        .append(serverTable(stages));
    h.append(
        "<p class='meta'>Latencies are end to end on the client's clock (HdrHistogram, µs precision). error_rate = (failed or"
            + " dropped connections + refused acks other than AI_BUSY and RATE_LIMITED + acks that never came + failed companion"
            + " replies) / (connection attempts + messages sent); lost = chat deliveries that never arrived. other CPU = the machine's"
            + " busy time outside the server and the load client (needs --server-pid): large values mean the run shared the"
            + " machine.</p>");
    return h.append("</body></html>\n").toString();
  }

  private static String describe(JsonObject r) {
    JsonObject c = r.getJsonObject("config");
    JsonObject m = r.getJsonObject("machine");
    StringBuilder s = new StringBuilder();
    s.append(c.getString("scenario")).append(" scenario against ").append(c.getString("url"));
    if (c.getDouble("companion_share", 0.0) > 0 && !"companion".equals(c.getString("scenario"))) {
      s.append(
          String.format(
              Locale.ROOT, " (%.0f%% companion users)", 100 * c.getDouble("companion_share")));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "; stages %s held %.0f s each, ramp %.0f users/s; chat users send every %.0f s in rooms of %d",
            c.getJsonArray("stages").encode(),
            c.getDouble("hold_s"),
            c.getDouble("ramp_per_s"),
            c.getDouble("send_every_s"),
            c.getInteger("room_size")));
    if (c.getDouble("companion_share", 0.0) > 0)
      s.append(
          String.format(Locale.ROOT, ", companion users every %.0f s", c.getDouble("ai_every_s")));
    s.append("; ")
        .append(c.getString("auth"))
        .append(", ")
        .append(c.getInteger("workers"))
        .append(" worker process(es); ")
        .append(r.getString("started"))
        .append(" to ")
        .append(r.getString("finished"))
        .append("; client machine: ")
        .append(m.getInteger("cores"))
        .append(" cores, ")
        .append(m.getString("os"))
        .append(", Java ")
        .append(m.getString("java"));
    return s.toString();
  }

  private static String limits(JsonObject c) {
    List<String> l = new ArrayList<>();
    if (c.getValue("max_p99_ms") != null)
      l.add("ack and delivery p99 ≤ " + Svg.fmt(c.getDouble("max_p99_ms")) + " ms");
    if (c.getValue("max_error_rate") != null)
      l.add("error and loss rate ≤ " + c.getDouble("max_error_rate"));
    if (c.getValue("max_ttft_p99_ms") != null)
      l.add("time to first token p99 ≤ " + Svg.fmt(c.getDouble("max_ttft_p99_ms")) + " ms");
    return String.join(", ", l) + (l.isEmpty() ? "" : " at every stage");
  }

  /**
   * other_cpu_pct from which the report warns that the machine was shared (a quarter of a core).
   */
  static final double NOISY_OTHER_CPU_PCT = 25;

  private static double maxOf(JsonArray stages, String key) {
    double max = 0;
    for (int i = 0; i < stages.size(); i++) {
      Object v = stages.getJsonObject(i).getValue(key);
      if (v instanceof Number n) max = Math.max(max, n.doubleValue());
    }
    return max;
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

  private static Object pct(JsonObject row, String key, String p) {
    JsonObject o = row.getJsonObject(key);
    return o == null ? null : o.getValue(p);
  }

  private static String latency(
      String title, JsonArray stages, String[] xs, String key, Double limit) {
    List<Svg.Series> s =
        List.of(
            new Svg.Series("p50", P50, values(stages, r -> pct(r, key, "p50"))),
            new Svg.Series("p95", P95, values(stages, r -> pct(r, key, "p95"))),
            new Svg.Series("p99", P99, values(stages, r -> pct(r, key, "p99"))),
            new Svg.Series("max", MAX, values(stages, r -> pct(r, key, "max")), true));
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
                Object m = metric(r, "process_cpu_usage", "mean");
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

  private static Object metric(JsonObject row, String name, String field) {
    JsonObject m = row.getJsonObject("server_metrics");
    JsonObject f = m == null ? null : m.getJsonObject(name);
    return f == null ? null : f.getValue(field);
  }

  /** Connections and chat. */
  static final String[][] CHAT_COLUMNS = {
    {"users", "users"},
    {"connected", "connected"},
    {"failed", "connect_failed"},
    {"connect p50 ms", "connect_ms.p50"},
    {"connect p99 ms", "connect_ms.p99"},
    {"msg/s", "sent_per_s"},
    {"ack p50 ms", "ack_ms.p50"},
    {"ack p99 ms", "ack_ms.p99"},
    {"ack max ms", "ack_ms.max"},
    {"deliveries/s", "deliveries_per_s"},
    {"delivery p50 ms", "delivery_ms.p50"},
    {"delivery p99 ms", "delivery_ms.p99"},
    {"delivery max ms", "delivery_ms.max"},
    {"lost", "lost"}
  };

  /** Companions, refusals, errors and the machine. */
  static final String[][] OTHER_COLUMNS = {
    {"users", "users"},
    {"companion users", "companion_users"},
    {"ai sent", "ai_sent"},
    {"AI_BUSY", "ai_busy"},
    {"ttft p50 ms", "ttft_ms.p50"},
    {"ttft p99 ms", "ttft_ms.p99"},
    {"RATE_LIMITED", "rate_limited"},
    {"errors", "errors"},
    {"error rate", "error_rate"},
    {"server CPU %", "srv_cpu_pct"},
    {"server RSS MB", "srv_rss_mb"},
    {"client CPU %", "cli_cpu_pct"},
    {"softirq %", "softirq_cpu_pct"},
    {"other CPU %", "other_cpu_pct"}
  };

  private static String table(JsonArray stages, String[][] cols) {
    StringBuilder t = new StringBuilder("<table><tr><th>stage</th>");
    for (String[] c : cols) t.append("<th>").append(c[0]).append("</th>");
    t.append("</tr>");
    for (int i = 0; i < stages.size(); i++) {
      JsonObject r = stages.getJsonObject(i);
      boolean failed = !r.getJsonArray("breaches", new JsonArray()).isEmpty();
      t.append("<tr")
          .append(failed ? " style='background:#fff5f5'" : "")
          .append("><td>")
          .append(r.getInteger("stage"))
          .append(failed ? " ✗" : "")
          .append("</td>");
      for (String[] c : cols) {
        String[] path = c[1].split("\\.");
        Object v = path.length == 1 ? r.getValue(path[0]) : pct(r, path[0], path[1]);
        t.append("<td>")
            .append(v instanceof Number n ? Svg.fmt(n.doubleValue()) : "–")
            .append("</td>");
      }
      t.append("</tr>");
    }
    return t.append("</table>").toString();
  }

  private static String codes(JsonArray stages) {
    StringBuilder t =
        new StringBuilder(
            "<table><tr><th>stage</th><th>users</th><th>errors and refusals</th></tr>");
    for (int i = 0; i < stages.size(); i++) {
      JsonObject r = stages.getJsonObject(i);
      JsonObject c = r.getJsonObject("errors_by_code");
      StringBuilder list = new StringBuilder();
      c.forEach(
          e ->
              list.append(list.length() == 0 ? "" : ", ")
                  .append(Svg.esc(e.getKey()))
                  .append(": ")
                  .append(e.getValue()));
      t.append("<tr><td>")
          .append(r.getInteger("stage"))
          .append("</td><td>")
          .append(r.getInteger("users"))
          .append("</td><td style='text-align:left'>")
          .append(list.length() == 0 ? "none" : list)
          .append("</td></tr>");
    }
    return t.append("</table>").toString();
  }

  private static String serverTable(JsonArray stages) {
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < stages.size(); i++) {
      JsonObject m = stages.getJsonObject(i).getJsonObject("server_metrics");
      if (m != null) names.addAll(m.fieldNames());
    }
    if (names.isEmpty())
      return "<p class='meta'>The server exposed no metrics (no /metrics, e.g. the Node.js reference).</p>";
    StringBuilder t = new StringBuilder("<table><tr><th>metric</th>");
    for (int i = 0; i < stages.size(); i++)
      t.append("<th>").append(stages.getJsonObject(i).getInteger("users")).append(" users</th>");
    t.append("</tr>");
    for (String name : names) {
      boolean counter = ServerMetrics.counter(name);
      t.append("<tr><td>")
          .append(name)
          .append(counter ? " (per s)" : " (max / mean)")
          .append("</td>");
      for (int i = 0; i < stages.size(); i++) {
        JsonObject r = stages.getJsonObject(i);
        Object a = metric(r, name, counter ? "per_s" : "max");
        Object b = counter ? null : metric(r, name, "mean");
        t.append("<td>")
            .append(a instanceof Number n ? Svg.fmt(n.doubleValue()) : "–")
            .append(b instanceof Number n ? " / " + Svg.fmt(n.doubleValue()) : "")
            .append("</td>");
      }
      t.append("</tr>");
    }
    return t.append("</table>").toString();
  }
}
