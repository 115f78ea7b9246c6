package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ladder's report.html: the verdict, charts against the number of users ({@link ReportCharts}),
 * and the figures ({@link ReportTables}), in one file.
 */
final class Report {
  private Report() {}

  /**
   * other_cpu_pct from which the report warns that the machine was shared (a quarter of a core).
   */
  static final double NOISY_OTHER_CPU_PCT = 25;

  static String html(JsonObject result) {
    JsonArray stages = result.getJsonArray("stages");
    JsonObject config = result.getJsonObject("config");
    List<String> charts = ReportCharts.of(stages, config);

    StringBuilder h = new StringBuilder();
    head(h, result);
    verdict(h, result, config);
    shared(h, result, stages);
    h.append("<div class='grid'>");
    charts.forEach(h::append);
    h.append("</div>");
    h.append("<h2>Figures per stage</h2>")
        .append(ReportTables.table(stages, ReportTables.CHAT_COLUMNS))
        .append("<br>")
        .append(ReportTables.table(stages, ReportTables.OTHER_COLUMNS));
    h.append("<h2>Errors and refusals by code</h2>").append(ReportTables.codes(stages));
    h.append("<h2>Server metrics during each hold (GET ")
        .append(Svg.esc(String.valueOf(config.getString("metrics_path", "/metrics"))))
        .append(")</h2>")
        .append(ReportTables.serverTable(stages));
    h.append(
        "<p class='meta'>Latencies are end to end on the client's clock (HdrHistogram, µs precision). error_rate = (failed or"
            + " dropped connections + refused acks other than AI_BUSY and RATE_LIMITED + acks that never came + failed companion"
            + " replies) / (connection attempts + messages sent); lost = chat deliveries that never arrived. other CPU = the machine's"
            + " busy time outside the server and the load client (needs --server-pid): large values mean the run shared the"
            + " machine.</p>");
    return h.append("</body></html>\n").toString();
  }

  /** The page's head and style, its title and what was run. */
  private static void head(StringBuilder h, JsonObject result) {
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
  }

  /** PASSED with the limits, or FAILED with every breach. */
  private static void verdict(StringBuilder h, JsonObject result, JsonObject config) {
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
  }

  /** A warning when other processes took a share of the machine during the holds. */
  private static void shared(StringBuilder h, JsonObject result, JsonArray stages) {
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

  private static double maxOf(JsonArray stages, String key) {
    double max = 0;
    for (int i = 0; i < stages.size(); i++) {
      Object v = stages.getJsonObject(i).getValue(key);
      if (v instanceof Number n) max = Math.max(max, n.doubleValue());
    }
    return max;
  }

  /** Percentile {@code p} of the row's latency column {@code key}; null when not measured. */
  static Object pct(JsonObject row, String key, String p) {
    JsonObject o = row.getJsonObject(key);
    return o == null ? null : o.getValue(p);
  }

  /** Field {@code field} of server metric {@code name} in the row; null when not sampled. */
  static Object metric(JsonObject row, String name, String field) {
    JsonObject m = row.getJsonObject("server_metrics");
    JsonObject f = m == null ? null : m.getJsonObject(name);
    return f == null ? null : f.getValue(field);
  }
}
