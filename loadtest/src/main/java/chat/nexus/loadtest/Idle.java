package chat.nexus.loadtest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Idle connections: connect N, keep them alive (answer pings), report server memory per connection.
 */
@Command(
    name = "idle",
    mixinStandardHelpOptions = true,
    description = "Hold N idle Socket.IO connections and report server RSS per connection.")
final class Idle implements Callable<Integer> {
  @Mixin Common common;
  @Mixin Sized sized;

  @Option(
      names = "--rooms",
      defaultValue = "0",
      description = "0: auth {}; N: auth {\"room\":\"r(k mod N)\"}. Default: ${DEFAULT-VALUE}")
  int rooms;

  @Option(
      names = "--settle",
      defaultValue = "10s",
      description =
          "Wait after the ramp before the 'settled' RSS sample. Default: ${DEFAULT-VALUE}")
  Duration settle;

  @Option(
      names = "--hold",
      defaultValue = "0s",
      description =
          "Keep the connections this much longer after settling. Default: ${DEFAULT-VALUE}")
  Duration hold;

  @Override
  public Integer call() throws Exception {
    Spec spec = Spec.of(common, sized.clients, rooms, 0, 0, new BareProtocol(rooms, 0));
    if (common.child) return Child.run(spec);

    long pid = common.serverPid;
    long rss0 = pid > 0 ? Proc.rssKb(pid) : -1;
    Coordinator co = Coordinator.start(common, spec, false);
    long t0 = System.nanoTime();
    co.awaitReady(common.readyTimeout(sized.clients));
    double rampSecs = (System.nanoTime() - t0) / 1e9;
    long rss1 = pid > 0 ? Proc.rssKb(pid) : -1;
    System.err.printf(
        "connected; settling %ds%s%n",
        settle.toSeconds(),
        pid > 0 ? " (trigger a server GC now if wanted, e.g. jcmd " + pid + " GC.run)" : "");
    co.phase = "settle";
    co.runUntil(Time.nowMicros() + settle.toNanos() / 1000);
    long rss2 = pid > 0 ? Proc.rssKb(pid) : -1;
    long cliRss = co.clientRssKb();
    co.phase = "hold";
    co.runUntil(Time.nowMicros() + hold.toNanos() / 1000);
    long rss3 = pid > 0 ? Proc.rssKb(pid) : -1;
    Stats t = co.finishMerged();

    long n = t.connected;
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("time", Instant.now().toString());
    row.put("mode", "idle");
    row.put("url", common.url);
    row.put("requested", sized.clients);
    row.put("connected", n);
    row.put("connect_failed", t.failed);
    row.put("connect_errors", t.connectErrors);
    row.put("dropped", t.closed);
    row.put("pongs", t.pongs);
    row.put("ramp_s", Out.num(rampSecs, 1));
    row.put("srv_rss_before_mb", mb(rss0));
    row.put("srv_rss_connected_mb", mb(rss1));
    row.put("srv_rss_settled_mb", mb(rss2));
    row.put("srv_rss_end_mb", hold.isZero() ? null : mb(rss3));
    row.put("srv_kb_per_conn", rss0 >= 0 && n > 0 ? Out.num((double) (rss2 - rss0) / n, 2) : null);
    row.put("cli_rss_mb", mb(cliRss));
    row.put("cli_kb_per_conn", n > 0 ? Out.num((double) cliRss / n, 2) : null);
    row.put(
        Common.ERROR_RATE_COLUMN,
        sized.clients == 0 ? null : Out.num((double) t.failed / sized.clients, 6));
    Out.emit(row, sized.out);
    return common.verdict(row);
  }

  private static Double mb(long kb) {
    return kb < 0 ? null : Out.num(kb / 1024.0, 1);
  }
}
