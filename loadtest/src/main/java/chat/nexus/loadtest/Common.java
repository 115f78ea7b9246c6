package chat.nexus.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by all subcommands. */
final class Common {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:3000",
      description = "Server base URL (http:// or ws://); path defaults to /socket.io/. Default: ${DEFAULT-VALUE}")
  String url;

  @Option(names = "--clients", defaultValue = "10000", description = "Connections in total. Default: ${DEFAULT-VALUE}")
  int clients;

  @Option(names = "--ramp", defaultValue = "2000", description = "New connections per second. Default: ${DEFAULT-VALUE}")
  double ramp;

  @Option(names = "--local-addresses", split = ",",
      description = "Bind client sockets round-robin to these local IPs (e.g. 127.0.0.2,127.0.0.3).")
  List<String> localAddresses;

  @Option(names = "--workers", defaultValue = "1",
      description = "Child JVMs to spread the clients (and rate) over; results are merged. Default: ${DEFAULT-VALUE}")
  int workers;

  @Option(names = "--server-pid", defaultValue = "0",
      description = "Server process to sample CPU (utime+stime) and VmRSS of, from /proc.")
  long serverPid;

  @Option(names = "--out", description = "Append the result: a JSON line if the name ends in .json/.jsonl, else a markdown row.")
  Path out;

  @Option(names = "--threads", description = "Event loops per process. Default: number of cores.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--max-pending", defaultValue = "1000",
      description = "Max handshakes in flight per process. Default: ${DEFAULT-VALUE}")
  int maxPending;

  @Option(names = "--handshake-timeout", defaultValue = "30s",
      description = "A connection not ready (no 40 packet) after this counts as failed. Default: ${DEFAULT-VALUE}")
  Duration handshakeTimeout;

  @Option(names = "--child", hidden = true, description = "Run as a worker: speak the line protocol on stdin/stdout.")
  boolean child;

  @Option(names = "--offset", hidden = true, defaultValue = "0", description = "Global index of this worker's first client.")
  int offset;

  /** How long the whole ramp may take before giving up waiting. */
  Duration readyTimeout() {
    return Duration.ofMillis((long) (clients / Math.max(1, ramp) * 1000) + handshakeTimeout.toMillis() + 30_000);
  }
}
