package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/** The tables of the ladder's report.html: the figures per stage, the codes, the server metrics. */
final class ReportTables {
  private ReportTables() {}

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

  /** One row per stage, one column per {@code cols} entry ({label, row key or key.percentile}). */
  static String table(JsonArray stages, String[][] cols) {
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
        Object v = path.length == 1 ? r.getValue(path[0]) : Report.pct(r, path[0], path[1]);
        t.append("<td>")
            .append(v instanceof Number n ? Svg.fmt(n.doubleValue()) : "–")
            .append("</td>");
      }
      t.append("</tr>");
    }
    return t.append("</table>").toString();
  }

  /** Errors and refusals by code, per stage. */
  static String codes(JsonArray stages) {
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

  /** The server's metrics during each hold: per second for counters, max / mean for gauges. */
  static String serverTable(JsonArray stages) {
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
        Object a = Report.metric(r, name, counter ? "per_s" : "max");
        Object b = counter ? null : Report.metric(r, name, "mean");
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
