package chat.nexus.loadtest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Option;

/**
 * Paced room traffic, shared by {@code fanout} and {@code chat}: the options, and the run through
 * ramp → warm-up → measured window → drain with server and client sampling, and the result row.
 */
final class Traffic {
  @Option(
      names = "--rooms",
      defaultValue = "100",
      description = "Rooms r0..r(N-1); client k joins r(k mod N). Default: ${DEFAULT-VALUE}")
  int rooms;

  @Option(
      names = "--rate",
      defaultValue = "450",
      description = "Messages per second sent in total. Default: ${DEFAULT-VALUE}")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      description = "Measured window. Default: ${DEFAULT-VALUE}")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      description = "Sending before the window (not recorded). Default: ${DEFAULT-VALUE}")
  Duration warmup;

  @Option(
      names = "--drain",
      defaultValue = "3s",
      description = "Wait after the window for late deliveries and acks. Default: ${DEFAULT-VALUE}")
  Duration drain;

  @Option(
      names = "--server-histogram",
      description =
          "A Prometheus histogram of the server (e.g. nexus_rate_limit_check_seconds), read from --metrics-url "
              + "at the start and the end of the window: its count, p50 and p99 over the window become the hist_* columns "
              + "(bucket upper bounds, ms).")
  String serverHistogram;

  @Option(
      names = "--metrics-url",
      split = ",",
      description =
          "The /metrics address(es) --server-histogram is read from, summed over all. Default: <--url>/metrics.")
  List<String> metricsUrls;

  @Option(
      names = "--payload",
      defaultValue = "100",
      description =
          "Approximate size of the sent event's data object in bytes. Default: ${DEFAULT-VALUE}")
  int payload;

  /**
   * Runs the benchmark (or, with --child, this worker's share of it) and returns the exit status.
   */
  int run(Common common, Sized sized, String mode, Protocol protocol) throws Exception {
    if (rooms < 1) throw new IllegalArgumentException("--rooms must be >= 1");
    Spec spec = Spec.of(common, sized.clients, rooms, rate, payload, protocol);
    if (common.child) return Child.run(spec);

    Coordinator co = Coordinator.start(common, spec, true);
    co.awaitReady(common.readyTimeout(sized.clients));
    long start = Time.nowMicros() + warmup.toNanos() / 1000;
    long end = start + duration.toNanos() / 1000;
    co.phase = "warmup";
    co.go(start, end);
    co.runUntil(start);
    co.phase = "measure";
    PromHistogram hist0 = serverHistogram(common);
    CpuWindow cpu = CpuWindow.open(common.serverPid, co::clientCpuMicros);
    co.runUntil(end);
    cpu.close();
    PromHistogram hist1 = serverHistogram(common);
    long srvRss = common.serverPid > 0 ? Proc.rssKb(common.serverPid) : -1;
    long cliRss = co.clientRssKb();
    co.phase = "drain";
    co.runUntil(end + drain.toNanos() / 1000);
    Stats t = co.finishMerged();

    Map<String, Object> row = row(common, mode, protocol, t);
    costs(row, protocol, t, cpu, srvRss, cliRss);
    row.put("connect_failed", t.failed);
    row.put("connect_errors", t.connectErrors);
    row.put("dropped", t.closed);
    row.put("sends_skipped", t.skipped);
    if (protocol.countsCompanions()) companions(row, t);
    if (serverHistogram != null) {
      PromHistogram window = hist1 == null || hist0 == null ? null : hist1.minus(hist0);
      boolean any = window != null && window.count() > 0;
      row.put("hist_count", window == null ? null : window.count());
      row.put("hist_p50_ms", any ? Out.num(window.percentile(50) * 1000, 3) : null);
      row.put("hist_p99_ms", any ? Out.num(window.percentile(99) * 1000, 3) : null);
    }
    Out.emit(row, sized.out);
    return common.verdict(row);
  }

  /** The run's settings, then what was sent, acked and delivered, and the error rate. */
  private Map<String, Object> row(Common common, String mode, Protocol protocol, Stats t) {
    double secs = duration.toNanos() / 1e9;
    long expected = t.expected(protocol.senderReceives());
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("time", Instant.now().toString());
    row.put("mode", mode);
    row.put("url", common.url);
    row.put("clients", t.connected + t.closed);
    row.put("rooms", rooms);
    row.put("workers", common.workers);
    row.put("rate", rate);
    row.put("payload", payload);
    row.put("duration_s", secs);
    row.put("sent", t.sent);
    if (protocol.acked()) {
      row.put("acks_ok", t.acksOk);
      row.put("ack_errors", t.ackErrors);
      row.put("ack_error_codes", t.ackCodes);
      row.put("acks_missing", t.acksMissing());
    }
    row.put("expected", expected);
    row.put("delivered", t.delivered);
    row.put("lost", expected - t.delivered);
    row.put(
        "lost_pct", Out.num(expected == 0 ? 0 : 100.0 * (expected - t.delivered) / expected, 4));
    row.put("deliveries_per_s", Out.num(t.arrivals / secs, 0));
    if (protocol.acked()) percentiles(row, "ack_", t.ackHist);
    percentiles(row, "", t.hist);
    // chat: a send that failed or was never acked is an error; fanout has no acks, a lost delivery
    // is its error
    double errorRate =
        protocol.acked()
            ? (t.sent == 0 ? Double.NaN : (double) (t.ackErrors + t.acksMissing()) / t.sent)
            : (expected == 0 ? Double.NaN : (double) (expected - t.delivered) / expected);
    row.put(Common.ERROR_RATE_COLUMN, Out.num(errorRate, 6));
    return row;
  }

  /**
   * A room companion over the whole run: every mention answered, refused (by code in
   * ack_error_codes as mention:CODE), or still waiting at the end; and the tokens of each reply
   * sent once per room when the bytes of the tokens the clients got match those of the replies.
   */
  private static void companions(Map<String, Object> row, Stats t) {
    row.put("companion_mentions", t.companionMentions);
    row.put("companion_replies", t.companionReplies);
    row.put("companion_refused", t.companionRefused);
    row.put("companion_broken", t.companionBroken);
    row.put(
        "companion_unanswered",
        t.companionMentions - t.companionReplies - t.companionRefused - t.companionBroken);
    row.put("companion_token_bytes", t.companionTokenBytes);
    row.put("companion_reply_bytes", t.companionReplyBytes);
    row.put(
        "companion_tokens_per_reply_byte",
        t.companionReplyBytes == 0
            ? null
            : Out.num((double) t.companionTokenBytes / t.companionReplyBytes, 4));
  }

  /** The server's CPU per delivery (and per message), and the CPU and memory of everyone. */
  private void costs(
      Map<String, Object> row,
      Protocol protocol,
      Stats t,
      CpuWindow cpu,
      long srvRss,
      long cliRss) {
    double secs = duration.toNanos() / 1e9;
    boolean srv = cpu.hasServer();
    row.put(
        "srv_cpu_us_per_delivery",
        srv && t.arrivals > 0 ? Out.num((double) cpu.serverMicros() / t.arrivals, 3) : null);
    if (protocol.acked()) {
      row.put(
          "srv_cpu_us_per_message",
          srv && t.sent > 0 ? Out.num((double) cpu.serverMicros() / t.sent, 1) : null);
    }
    row.put("srv_cpu_pct", cpu.serverPct(secs));
    row.put("srv_rss_mb", srvRss >= 0 ? Out.num(srvRss / 1024.0, 1) : null);
    row.put("cli_cpu_pct", cpu.clientPct(secs));
    row.put("cli_rss_mb", Out.num(cliRss / 1024.0, 1));
    row.put("softirq_cpu_pct", cpu.softirqPct(secs));
    row.put("other_cpu_pct", cpu.otherPct(secs));
  }

  /**
   * --server-histogram summed over the --metrics-url servers now; null when not asked for or a
   * server did not answer.
   */
  private PromHistogram serverHistogram(Common common) {
    if (serverHistogram == null) {
      return null;
    }
    List<String> urls =
        metricsUrls == null || metricsUrls.isEmpty()
            ? List.of(Spec.httpBase(common.url) + "/metrics")
            : metricsUrls;
    PromHistogram sum = null;
    for (String url : urls) {
      String text = new Rest(url).getOrNull(Spec.baseUri(url).getPath());
      if (text == null) {
        System.err.println(
            "warning: no answer from " + url + "; no " + serverHistogram + " figures");
        return null;
      }
      PromHistogram h = PromHistogram.parse(text, serverHistogram);
      sum = sum == null ? h : sum.plus(h);
    }
    return sum;
  }

  /** {@code <prefix>p50_ms} ... {@code <prefix>max_ms}; null (printed "-") without samples. */
  private static void percentiles(Map<String, Object> row, String prefix, Histogram h) {
    boolean any = h.getTotalCount() > 0;
    row.put(prefix + "p50_ms", any ? ms(h.getValueAtPercentile(50)) : null);
    row.put(prefix + "p90_ms", any ? ms(h.getValueAtPercentile(90)) : null);
    row.put(prefix + "p99_ms", any ? ms(h.getValueAtPercentile(99)) : null);
    row.put(prefix + "p999_ms", any ? ms(h.getValueAtPercentile(99.9)) : null);
    row.put(prefix + "max_ms", any ? ms(h.getMaxValue()) : null);
  }

  private static Double ms(long micros) {
    return Out.num(micros / 1000.0, 3);
  }
}
