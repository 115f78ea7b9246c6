package chat.nexus.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Drives the workers through ramp / warm-up / measure / drain and prints a progress line every
 * second.
 */
final class Coordinator {
  private final List<Worker> workers;
  private final int rooms;
  private final int clients;
  private final boolean acked;
  private final long t0 = System.nanoTime();
  private long lastPrint;
  private Stats prev;
  private long prevNanos;
  String phase = "ramp";

  private Coordinator(List<Worker> workers, Spec spec) {
    this.workers = workers;
    this.rooms = spec.rooms();
    this.clients = spec.clients();
    this.acked = spec.protocol().acked();
    this.prev = new Stats(rooms);
    this.prevNanos = t0;
    this.lastPrint = t0;
  }

  /**
   * One local worker running {@code spec}, or {@code --workers} child JVMs each with its share of
   * clients (and of the rate when {@code passRate}).
   */
  static Coordinator start(Common c, Spec spec, boolean passRate) {
    List<Worker> ws = new ArrayList<>();
    int clients = spec.clients();
    if (c.workers <= 1) {
      ws.add(new LocalWorker(new Swarm(spec)));
    } else {
      int offset = 0;
      for (int w = 0; w < c.workers; w++) {
        int n = clients / c.workers + (w < clients % c.workers ? 1 : 0);
        List<String> o =
            new ArrayList<>(
                List.of(
                    "--clients",
                    Integer.toString(n),
                    "--workers",
                    "1",
                    "--child",
                    "--offset",
                    Integer.toString(offset),
                    "--worker-index",
                    Integer.toString(w)));
        if (passRate) o.addAll(List.of("--rate", Double.toString(spec.rate() * n / clients)));
        try {
          ws.add(new ChildWorker(o, spec.rooms()));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start worker", e);
        }
        offset += n;
      }
    }
    return new Coordinator(ws, spec);
  }

  /**
   * The ladder's workers: this process, or {@code --workers} child JVMs where worker w runs clients
   * w, w + W, w + 2W, ... (so any first N clients are spread evenly); none connect before {@link
   * #grow}. Children get {@code extra} arguments too.
   */
  static Coordinator ladder(Common c, Spec spec, GuestSignIn.Factory guests, List<String> extra) {
    List<Worker> ws = new ArrayList<>();
    if (c.workers <= 1) {
      ws.add(new LocalWorker(new Swarm(spec, guests)));
    } else {
      for (int w = 0; w < c.workers; w++) {
        List<String> o =
            new ArrayList<>(
                List.of(
                    "--workers",
                    "1",
                    "--child",
                    "--worker-index",
                    Integer.toString(w),
                    "--worker-count",
                    Integer.toString(c.workers)));
        o.addAll(extra);
        try {
          ws.add(new ChildWorker(o, spec.rooms()));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start worker", e);
        }
      }
    }
    return new Coordinator(ws, spec);
  }

  /**
   * Every worker opens connections until the run has {@code clients} in all (its share of them).
   */
  void grow(int clients) {
    for (Worker w : workers) w.grow(clients);
  }

  /** Throws when a worker process has died. */
  void checkAlive() {
    for (Worker w : workers) {
      if (!w.alive()) throw new IllegalStateException("worker " + w.pid() + " died");
    }
  }

  int workerCount() {
    return workers.size();
  }

  Stats merged() {
    List<Stats> all = new ArrayList<>();
    for (Worker w : workers) all.add(w.stats());
    return Stats.merge(all, rooms);
  }

  /** Waits until every connection attempt has resolved (ready or failed), or the timeout. */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Stats m = merged();
      printMaybe(m, false);
      if (m.ready && m.workers == workers.size()) {
        printMaybe(m, true);
        return;
      }
      for (Worker w : workers) {
        if (!w.alive()) throw new IllegalStateException("worker " + w.pid() + " died during ramp");
      }
      if (System.nanoTime() > deadline) {
        System.err.println(
            "warning: ramp not complete after " + timeout.toSeconds() + "s; continuing");
        return;
      }
      Time.sleepMillis(50);
    }
  }

  void go(long startMicros, long endMicros) {
    for (Worker w : workers) w.go(startMicros, endMicros);
  }

  /** Sleeps until the given epoch micros, printing progress every second. */
  void runUntil(long epochMicros) {
    while (true) {
      long left = epochMicros - Time.nowMicros();
      if (left <= 0) return;
      printMaybe(null, false);
      Time.sleepMillis(Math.min(left / 1000 + 1, 100));
    }
  }

  List<Stats> finish() {
    List<Stats> out = new ArrayList<>();
    for (Worker w : workers) out.add(w.finish());
    return out;
  }

  Stats finishMerged() {
    return Stats.merge(finish(), rooms);
  }

  /** utime+stime of all client processes, µs. */
  long clientCpuMicros() {
    long sum = 0;
    for (Worker w : workers) sum += Math.max(0, Proc.cpuMicros(w.pid()));
    return sum;
  }

  long clientRssKb() {
    long sum = 0;
    for (Worker w : workers) sum += Math.max(0, Proc.rssKb(w.pid()));
    return sum;
  }

  private void printMaybe(Stats m, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastPrint < 1_000_000_000L) return;
    if (m == null) m = merged();
    double dt = Math.max(1e-3, (now - prevNanos) / 1e9);
    String acks =
        !acked
            ? ""
            : String.format(
                " | ack/s %.0f err %d p99 last %s, all %s",
                (m.acksAll - prev.acksAll) / dt,
                m.ackErrors,
                p99(since(m.ackHist, prev.ackHist)),
                p99(m.ackHist));
    System.err.printf(
        "[%6.1fs] %-7s conn %d/%d fail %d drop %d | sent/s %.0f deliv/s %.0f | p99 last %s, all %s (n=%d)%s%n",
        (now - t0) / 1e9,
        phase,
        m.connected,
        clients,
        m.failed,
        m.closed,
        (m.sentAll - prev.sentAll) / dt,
        (m.deliveredAll - prev.deliveredAll) / dt,
        p99(since(m.hist, prev.hist)),
        p99(m.hist),
        m.hist.getTotalCount(),
        acks);
    prev = m;
    prevNanos = now;
    lastPrint = now;
  }

  /** What {@code now} recorded after {@code before} (both cumulative). */
  private static Histogram since(Histogram now, Histogram before) {
    Histogram h = now.copy();
    if (before.getTotalCount() <= h.getTotalCount()) h.subtract(before);
    return h;
  }

  private static String p99(Histogram h) {
    return h.getTotalCount() == 0
        ? "-"
        : String.format("%.2fms", h.getValueAtPercentile(99) / 1000.0);
  }
}
