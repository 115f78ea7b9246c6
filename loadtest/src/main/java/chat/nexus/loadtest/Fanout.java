package chat.nexus.loadtest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Room fan-out benchmark: clients join room r(k), senders emit {@code send} events that the server
 * re-emits as {@code msg} to the whole room (sender included); measures delivery latency and loss.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
    description = "Room fan-out: paced 'send' events, measure 'msg' delivery latency, loss and server cost.")
final class Fanout implements Callable<Integer> {
  @Mixin Common common;

  @Option(names = "--rooms", defaultValue = "100", description = "Rooms r0..r(N-1); client k joins r(k mod N). Default: ${DEFAULT-VALUE}")
  int rooms;

  @Option(names = "--rate", defaultValue = "450", description = "Messages per second sent in total. Default: ${DEFAULT-VALUE}")
  double rate;

  @Option(names = "--duration", defaultValue = "30s", description = "Measured window. Default: ${DEFAULT-VALUE}")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", description = "Sending before the window (not recorded). Default: ${DEFAULT-VALUE}")
  Duration warmup;

  @Option(names = "--drain", defaultValue = "3s", description = "Wait after the window for late deliveries. Default: ${DEFAULT-VALUE}")
  Duration drain;

  @Option(names = "--payload", defaultValue = "100", description = "Approximate size of the event's data object in bytes. Default: ${DEFAULT-VALUE}")
  int payload;

  @Override
  public Integer call() throws Exception {
    if (rooms < 1) throw new IllegalArgumentException("--rooms must be >= 1");
    if (common.child) return Child.run(Spec.of(common, rooms, rate, payload));

    Coordinator co = Coordinator.start(common, rooms, rate, payload, true);
    co.awaitReady(common.readyTimeout());
    long start = Time.nowMicros() + warmup.toNanos() / 1000;
    long end = start + duration.toNanos() / 1000;
    co.phase = "warmup";
    co.go(start, end);
    co.runUntil(start);
    co.phase = "measure";
    long srvCpu0 = common.serverPid > 0 ? Proc.cpuMicros(common.serverPid) : -1;
    long cliCpu0 = co.clientCpuMicros();
    long[] host0 = Proc.hostMicros();
    co.runUntil(end);
    long srvCpu1 = common.serverPid > 0 ? Proc.cpuMicros(common.serverPid) : -1;
    long cliCpu1 = co.clientCpuMicros();
    long[] host1 = Proc.hostMicros();
    long srvRss = common.serverPid > 0 ? Proc.rssKb(common.serverPid) : -1;
    long cliRss = co.clientRssKb();
    co.phase = "drain";
    co.runUntil(end + drain.toNanos() / 1000);
    Stats t = co.finishMerged();

    double secs = duration.toNanos() / 1e9;
    long expected = t.expected();
    Histogram h = t.hist;
    boolean srv = srvCpu0 >= 0 && srvCpu1 >= 0;
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("time", Instant.now().toString());
    row.put("mode", "fanout");
    row.put("url", common.url);
    row.put("clients", t.connected + t.closed);
    row.put("rooms", rooms);
    row.put("workers", common.workers);
    row.put("rate", rate);
    row.put("payload", payload);
    row.put("duration_s", secs);
    row.put("sent", t.sent);
    row.put("expected", expected);
    row.put("delivered", t.delivered);
    row.put("lost", expected - t.delivered);
    row.put("lost_pct", Out.num(expected == 0 ? 0 : 100.0 * (expected - t.delivered) / expected, 4));
    row.put("deliveries_per_s", Out.num(t.arrivals / secs, 0));
    row.put("p50_ms", ms(h, 50));
    row.put("p90_ms", ms(h, 90));
    row.put("p99_ms", ms(h, 99));
    row.put("p999_ms", ms(h, 99.9));
    row.put("max_ms", h.getTotalCount() == 0 ? null : Out.num(h.getMaxValue() / 1000.0, 3));
    row.put("srv_cpu_us_per_delivery", srv && t.arrivals > 0 ? Out.num((double) (srvCpu1 - srvCpu0) / t.arrivals, 3) : null);
    row.put("srv_cpu_pct", srv ? Out.num(100.0 * (srvCpu1 - srvCpu0) / (secs * 1e6), 1) : null);
    row.put("srv_rss_mb", srvRss >= 0 ? Out.num(srvRss / 1024.0, 1) : null);
    row.put("cli_cpu_pct", Out.num(100.0 * (cliCpu1 - cliCpu0) / (secs * 1e6), 1));
    row.put("cli_rss_mb", Out.num(cliRss / 1024.0, 1));
    boolean host = host0 != null && host1 != null;
    long other = host ? (host1[0] - host0[0]) - (cliCpu1 - cliCpu0) - (srv ? srvCpu1 - srvCpu0 : 0) : 0;
    row.put("softirq_cpu_pct", host ? Out.num(100.0 * (host1[1] - host0[1]) / (secs * 1e6), 1) : null);
    row.put("other_cpu_pct", host ? Out.num(100.0 * other / (secs * 1e6), 1) : null);
    row.put("connect_failed", t.failed);
    row.put("dropped", t.closed);
    Out.emit(row, common.out);
    return 0;
  }

  private static Double ms(Histogram h, double pct) {
    return h.getTotalCount() == 0 ? null : Out.num(h.getValueAtPercentile(pct) / 1000.0, 3);
  }
}
