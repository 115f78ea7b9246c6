package chat.nexus.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the load subcommands (fanout, chat, idle, ladder). */
final class Common {
  /**
   * Exit status when a result breaches --max-p99-ms or --max-error-rate (1 is an error, 2 a usage
   * error).
   */
  static final int EXIT_BREACHED = 3;

  /** Result columns that --max-p99-ms applies to (those a mode reports). */
  static final List<String> P99_COLUMNS = List.of("p99_ms", "ack_p99_ms");

  /** Result column that --max-error-rate applies to; each mode says what it counts. */
  static final String ERROR_RATE_COLUMN = "error_rate";

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:3000",
      description =
          "Server base URL (http:// or ws://); path defaults to /socket.io/. Default: ${DEFAULT-VALUE}")
  String url;

  @Option(
      names = "--ramp",
      defaultValue = "2000",
      description = "New connections per second. Default: ${DEFAULT-VALUE}")
  double ramp;

  enum Transport {
    websocket,
    polling
  }

  @Option(
      names = "--transport",
      defaultValue = "websocket",
      description =
          "websocket, or polling (Engine.IO long-polling: a GET in flight and a POST per batch of sends, per user). Default: ${DEFAULT-VALUE}")
  Transport transport;

  @Option(
      names = "--local-addresses",
      split = ",",
      description =
          "Bind client sockets round-robin to these local IPs (e.g. 127.0.0.2,127.0.0.3).")
  List<String> localAddresses;

  @Option(
      names = "--workers",
      defaultValue = "1",
      description =
          "Child JVMs to spread the clients (and rate) over; results are merged. Default: ${DEFAULT-VALUE}")
  int workers;

  @Option(
      names = "--server-pid",
      defaultValue = "0",
      description = "Server process to sample CPU (utime+stime) and VmRSS of, from /proc.")
  long serverPid;

  @Option(names = "--threads", description = "Event loops per process. Default: number of cores.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--max-pending",
      defaultValue = "1000",
      description = "Max handshakes in flight per process. Default: ${DEFAULT-VALUE}")
  int maxPending;

  @Option(
      names = "--handshake-timeout",
      defaultValue = "30s",
      description =
          "A connection not ready (no 40 packet) after this counts as failed. Default: ${DEFAULT-VALUE}")
  Duration handshakeTimeout;

  @Option(
      names = "--max-p99-ms",
      description =
          "Exit with status "
              + EXIT_BREACHED
              + " if a p99 latency (delivery, ack) exceeds this many ms.")
  Double maxP99Ms;

  @Option(
      names = "--max-error-rate",
      description =
          "Exit with status "
              + EXIT_BREACHED
              + " if error_rate (0..1) exceeds this: failed or missing acks / sent (chat),"
              + " lost / expected deliveries (fanout), failed / requested connections (idle).")
  Double maxErrorRate;

  @Option(
      names = "--child",
      hidden = true,
      description = "Run as a worker: speak the line protocol on stdin/stdout.")
  boolean child;

  @Option(
      names = "--offset",
      hidden = true,
      defaultValue = "0",
      description = "Global index of this worker's first client.")
  int offset;

  @Option(
      names = "--worker-index",
      hidden = true,
      defaultValue = "0",
      description = "This worker's number (0-based).")
  int workerIndex;

  @Option(
      names = "--worker-count",
      hidden = true,
      defaultValue = "1",
      description = "Workers in the run (ladder: client stride).")
  int workerCount;

  /** How long a ramp of {@code clients} new connections may take before giving up waiting. */
  Duration readyTimeout(int clients) {
    return Duration.ofMillis(
        (long) (clients / Math.max(1, ramp) * 1000) + handshakeTimeout.toMillis() + 30_000);
  }

  /**
   * 0, or {@link #EXIT_BREACHED} (each breach printed to stderr) when the result breaks a --max-*
   * limit. A p99 that was not measured (no samples, e.g. one client per room in chat) is not
   * checked.
   */
  int verdict(Map<String, Object> row) {
    List<String> breaches = new ArrayList<>();
    if (maxP99Ms != null) {
      for (String col : P99_COLUMNS) {
        if (row.get(col) instanceof Number v && v.doubleValue() > maxP99Ms)
          breaches.add(col + " " + v + " > " + maxP99Ms);
      }
    }
    if (maxErrorRate
        != null) { // no rate at all (nothing sent) fails too: there is nothing to vouch for
      Object v = row.get(ERROR_RATE_COLUMN);
      if (!(v instanceof Number n)) breaches.add(ERROR_RATE_COLUMN + " not measured");
      else if (n.doubleValue() > maxErrorRate)
        breaches.add(ERROR_RATE_COLUMN + " " + n + " > " + maxErrorRate);
    }
    breaches.forEach(b -> System.err.println("limit breached: " + b));
    return breaches.isEmpty() ? 0 : EXIT_BREACHED;
  }
}
