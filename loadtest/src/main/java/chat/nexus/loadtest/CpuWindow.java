package chat.nexus.loadtest;

import java.util.function.LongSupplier;

/**
 * CPU time over a measured window: of the server process (with --server-pid), of the load client
 * (all its workers), and of the whole machine (busy and softirq time), read when the window opens
 * and when it closes. A figure that could not be read is reported as null (printed "-").
 */
final class CpuWindow {
  private final long serverPid;
  private final LongSupplier clientCpuMicros;
  private final long server0;
  private final long client0;
  private final long[] host0;
  private long server1 = -1;
  private long client1;
  private long[] host1;

  private CpuWindow(long serverPid, LongSupplier clientCpuMicros) {
    this.serverPid = serverPid;
    this.clientCpuMicros = clientCpuMicros;
    server0 = serverCpuMicros();
    client0 = clientCpuMicros.getAsLong();
    host0 = Proc.hostMicros();
  }

  /** Opens the window now; {@code serverPid} 0 or less: no server process to read. */
  static CpuWindow open(long serverPid, LongSupplier clientCpuMicros) {
    return new CpuWindow(serverPid, clientCpuMicros);
  }

  /** Closes the window now. */
  void close() {
    server1 = serverCpuMicros();
    client1 = clientCpuMicros.getAsLong();
    host1 = Proc.hostMicros();
  }

  private long serverCpuMicros() {
    return serverPid > 0 ? Proc.cpuMicros(serverPid) : -1;
  }

  /** The server's CPU time was read at both ends. */
  boolean hasServer() {
    return server0 >= 0 && server1 >= 0;
  }

  /** The machine's CPU time was read at both ends. */
  boolean hasHost() {
    return host0 != null && host1 != null;
  }

  long serverMicros() {
    return server1 - server0;
  }

  long clientMicros() {
    return client1 - client0;
  }

  /** The machine's busy time outside the load client and (when known) the server. */
  long otherMicros() {
    return hasHost()
        ? (host1[0] - host0[0]) - clientMicros() - (hasServer() ? serverMicros() : 0)
        : 0;
  }

  /** The server's CPU in % of one core over {@code secs}; null when unknown. */
  Double serverPct(double secs) {
    return hasServer() ? pct(serverMicros(), secs) : null;
  }

  /** The load client's CPU in % of one core over {@code secs}. */
  Double clientPct(double secs) {
    return pct(clientMicros(), secs);
  }

  /** The machine's busy time in % of one core over {@code secs}; null when unknown. */
  Double hostPct(double secs) {
    return hasHost() ? pct(host1[0] - host0[0], secs) : null;
  }

  /** The machine's irq and softirq time in % of one core over {@code secs}; null when unknown. */
  Double softirqPct(double secs) {
    return hasHost() ? pct(host1[1] - host0[1], secs) : null;
  }

  /** {@link #otherMicros} in % of one core over {@code secs}; null without the machine's time. */
  Double otherPct(double secs) {
    return hasHost() ? pct(otherMicros(), secs) : null;
  }

  private static Double pct(long micros, double secs) {
    return Out.num(100.0 * micros / (secs * 1e6), 1);
  }
}
