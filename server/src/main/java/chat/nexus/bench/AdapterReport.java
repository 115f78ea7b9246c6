package chat.nexus.bench;

import chat.nexus.bench.AdapterBench.Measured;
import chat.nexus.bench.AdapterBench.Settings;
import chat.nexus.bench.AdapterBench.Window;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One adapter benchmark run as a Markdown table row (printed, and appended to the settings' out
 * file) and a CSV row for plots: per broadcast, what Redis sent and spent and what the nodes spent.
 */
final class AdapterReport {

  static final String CSV_HEADER =
      "time,adapter,nodes,rooms,nodes_per_room,members_per_node,rate,broadcasts_per_s,"
          + "receivers_per_broadcast,received_per_broadcast,frames_per_broadcast,"
          + "redis_out_bytes_per_broadcast,redis_us_per_broadcast,redis_cpu_pct,"
          + "nodes_us_per_broadcast,nodes_cpu_pct,publisher_us_per_broadcast,"
          + "process_us_per_broadcast,p50_ms,p99_ms,max_ms,missed";

  private final Settings settings;
  private final long receivers;
  private final Measured measured;
  private final Window window;

  AdapterReport(Settings settings, long receivers, Measured measured, Window window) {
    this.settings = settings;
    this.receivers = receivers;
    this.measured = measured;
    this.window = window;
  }

  void write() throws IOException {
    Snapshot a = measured.before();
    Snapshot b = measured.after();
    double n = Math.max(1, window.broadcasts());
    long[] latencies = window.sortedLatencies();
    long expected = window.broadcasts() * Math.min(settings.nodesPerRoom(), settings.nodes());
    long missed = Math.max(0, expected - latencies.length);
    double[] row = values(a, b, n, latencies);
    String adapter = settings.sharded() ? "sharded" : "classic";
    String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String markdown =
        String.format(
            Locale.ROOT,
            "| %s | %s | %d | %d rooms × %d nodes × %d | %.0f | %.1f | %.2f | %.0f | %.1f | %.1f %% "
                + "| %.1f | %.1f %% | %.1f | %.1f | %.2f / %.2f / %.1f | %d |",
            time,
            adapter,
            settings.nodes(),
            settings.rooms(),
            settings.nodesPerRoom(),
            settings.membersPerNode(),
            row[0],
            row[1],
            row[2],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            row[11],
            row[12],
            row[13],
            missed);
    System.out.println(markdown);
    System.out.println("Redis calls per broadcast: " + callsPerBroadcast(a, b, n));
    append(settings.out(), markdown);
    if (settings.csv() != null && !Files.exists(Path.of(settings.csv()))) {
      append(settings.csv(), CSV_HEADER);
    }
    append(settings.csv(), csv(time, adapter, row, missed));
  }

  /** The figures in {@link #CSV_HEADER}'s order, from broadcasts_per_s to max_ms. */
  private double[] values(Snapshot a, Snapshot b, double n, long[] latencies) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    double redisSeconds = b.redisCpuSeconds() - a.redisCpuSeconds();
    double nodeNanos = b.subscriberCpuNanos() - a.subscriberCpuNanos();
    return new double[] {
      n / seconds,
      receivers,
      (b.received() - a.received()) / n,
      (b.frames() - a.frames()) / n,
      (b.redisBytesOut() - a.redisBytesOut()) / n,
      redisSeconds * 1e6 / n,
      100 * redisSeconds / seconds,
      nodeNanos / 1e3 / n,
      100 * nodeNanos / 1e9 / seconds,
      (b.publisherCpuNanos() - a.publisherCpuNanos()) / 1e3 / n,
      (b.processCpuNanos() - a.processCpuNanos()) / 1e3 / n,
      at(latencies, 0.50),
      at(latencies, 0.99),
      latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6,
    };
  }

  private String csv(String time, String adapter, double[] row, long missed) {
    StringBuilder csv =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s,%s,%d,%d,%d,%d,%d",
                time,
                adapter,
                settings.nodes(),
                settings.rooms(),
                settings.nodesPerRoom(),
                settings.membersPerNode(),
                settings.rate()));
    for (double value : row) {
      csv.append(String.format(Locale.ROOT, ",%.4f", value));
    }
    return csv.append(',').append(missed).toString();
  }

  private static Map<String, String> callsPerBroadcast(Snapshot a, Snapshot b, double n) {
    Map<String, String> calls = new TreeMap<>();
    RedisStats.calls(a.redis(), b.redis())
        .forEach(
            (command, count) -> calls.put(command, String.format(Locale.ROOT, "%.3f", count / n)));
    return calls;
  }

  private static double at(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }

  private static void append(String file, String line) throws IOException {
    if (file == null) {
      return;
    }
    Path path = Path.of(file);
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    Files.writeString(
        path,
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
