package chat.nexus.loadtest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One ladder stage's figures, from what the workers counted during it ({@link Stats#minus}).
 * Latencies are {@code {n, p50, p95, p99, max}} in ms (null without samples).
 *
 * <ul>
 *   <li>{@code error_rate} = (failed connections + dropped connections + refused acks other than
 *       AI_BUSY and RATE_LIMITED + acks that never came + companion replies that failed) /
 *       (connection attempts + messages sent). AI_BUSY and RATE_LIMITED are the server shedding
 *       load as designed: they have their own rates.
 *   <li>{@code lost_rate} = chat deliveries that never arrived / expected deliveries.
 * </ul>
 */
final class StageRow {
  private StageRow() {}

  static Map<String, Object> build(
      int stage, int users, Stats d, double rampSecs, double holdSecs) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("stage", stage);
    row.put("users", users);
    row.put("connected", d.connected);
    row.put("companion_users", d.aiConnected);
    row.put("new_connections", d.attempted);
    row.put("ramp_s", Out.num(rampSecs, 2));
    row.put("connect_failed", d.failed);
    row.put("dropped", d.closed);
    row.put("connect_ms", percentiles(d.connectHist));
    long expected = d.expected(false);
    chat(row, d, expected, holdSecs);
    companions(row, d, holdSecs);
    errors(row, d, expected);
    return row;
  }

  private static void chat(Map<String, Object> row, Stats d, long expected, double holdSecs) {
    row.put("sent", d.sent);
    row.put("sent_per_s", Out.num(d.sent / holdSecs, 1));
    row.put("acks_ok", d.acksOk);
    row.put("ack_errors", d.ackErrors);
    row.put("acks_missing", d.acksMissing());
    row.put("acks_per_s", Out.num(d.acksOk / holdSecs, 1));
    row.put("ack_ms", percentiles(d.ackHist));
    row.put("expected", expected);
    row.put("delivered", d.delivered);
    row.put("lost", expected - d.delivered);
    row.put(
        "lost_rate",
        expected == 0 ? null : Out.num((double) (expected - d.delivered) / expected, 6));
    row.put("deliveries_per_s", Out.num(d.arrivals / holdSecs, 1));
    row.put("delivery_ms", percentiles(d.hist));
  }

  private static void companions(Map<String, Object> row, Stats d, double holdSecs) {
    row.put("ai_sent", d.aiSent);
    row.put("ai_per_s", Out.num(d.aiSent / holdSecs, 2));
    row.put("ai_ok", d.aiOk);
    row.put("ai_busy", d.aiBusy);
    row.put("ai_busy_rate", d.aiSent == 0 ? null : Out.num((double) d.aiBusy / d.aiSent, 4));
    row.put("ai_ack_errors", d.aiAckErrors);
    row.put("ai_acks_missing", d.aiAcksMissing());
    row.put("ai_done", d.aiDone);
    row.put("ai_reply_errors", d.aiReplyErrors);
    row.put("ai_unfinished", Math.max(0, d.aiOk - d.aiDone - d.aiReplyErrors));
    row.put("ai_ack_ms", percentiles(d.aiAckHist));
    row.put("ttft_ms", percentiles(d.ttftHist));
  }

  /** Refusals and errors: rates of attempts, and every one by code. */
  private static void errors(Map<String, Object> row, Stats d, long expected) {
    long sends = d.sent + d.aiSent;
    row.put("rate_limited", d.rateLimited);
    row.put("rate_limited_rate", sends == 0 ? null : Out.num((double) d.rateLimited / sends, 4));
    long errors =
        d.failed
            + d.closed
            + d.ackErrors
            + d.aiAckErrors
            - d.rateLimited
            + d.acksMissing()
            + d.aiAcksMissing()
            + d.aiReplyErrors;
    long ops = d.attempted + sends;
    row.put("errors", Math.max(0, errors));
    row.put("error_rate", ops == 0 ? null : Out.num((double) Math.max(0, errors) / ops, 6));
    row.put("errors_by_code", errorsByCode(d, expected));
    row.put("sends_skipped", d.skipped);
    row.put("bad_packets", d.bad);
  }

  /**
   * Every failure and refusal by what it was: connect reasons, ack codes (ai:…, reply:…), no-ack,
   * dropped, lost.
   */
  static Map<String, Long> errorsByCode(Stats d, long expected) {
    Map<String, Long> m = new TreeMap<>(d.connectErrors);
    Tally.addAll(m, d.ackCodes);
    long missing = d.acksMissing() + d.aiAcksMissing();
    if (missing > 0) m.merge("no-ack", missing, Long::sum);
    if (d.closed > 0) m.merge("dropped", d.closed, Long::sum);
    if (expected - d.delivered > 0) m.merge("lost", expected - d.delivered, Long::sum);
    return m;
  }

  static Map<String, Object> percentiles(Histogram h) {
    if (h.getTotalCount() == 0) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", h.getTotalCount());
    m.put("p50", ms(h.getValueAtPercentile(50)));
    m.put("p95", ms(h.getValueAtPercentile(95)));
    m.put("p99", ms(h.getValueAtPercentile(99)));
    m.put("max", ms(h.getMaxValue()));
    return m;
  }

  static String p99(Histogram h) {
    if (h.getTotalCount() == 0) return "-";
    double ms = h.getValueAtPercentile(99) / 1000.0;
    return ms >= 1000 ? String.format("%.2fs", ms / 1000) : String.format("%.1fms", ms);
  }

  private static Double ms(long micros) {
    return Out.num(micros / 1000.0, 3);
  }

  /** The line printed (stdout) when a stage ends. */
  static String summary(Map<String, Object> row) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "stage %s: %s users (%s connected, %s failed) | connect p99 %s ms",
            row.get("stage"),
            row.get("users"),
            row.get("connected"),
            row.get("connect_failed"),
            pct(row.get("connect_ms"), "p99")));
    if (((Number) row.get("sent")).longValue() > 0) {
      s.append(
          String.format(
              " | %s msg/s, ack p50/p99 %s/%s ms, %s deliveries/s p50/p99 %s/%s ms, lost %s",
              row.get("sent_per_s"),
              pct(row.get("ack_ms"), "p50"),
              pct(row.get("ack_ms"), "p99"),
              row.get("deliveries_per_s"),
              pct(row.get("delivery_ms"), "p50"),
              pct(row.get("delivery_ms"), "p99"),
              row.get("lost")));
    }
    if (((Number) row.get("ai_sent")).longValue() > 0) {
      s.append(
          String.format(
              " | ai %s sent, %s AI_BUSY, ttft p50/p99 %s/%s ms",
              row.get("ai_sent"),
              row.get("ai_busy"),
              pct(row.get("ttft_ms"), "p50"),
              pct(row.get("ttft_ms"), "p99")));
    }
    s.append(" | error_rate ").append(Out.format(row.get("error_rate")));
    if (row.get("errors_by_code") instanceof Map<?, ?> m && !m.isEmpty())
      s.append(" ").append(Out.format(m));
    return s.toString();
  }

  private static Object pct(Object percentiles, String key) {
    return percentiles instanceof Map<?, ?> m && m.get(key) != null ? Out.format(m.get(key)) : "-";
  }
}
