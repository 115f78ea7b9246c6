package chat.nexus.loadtest;

import java.time.Duration;
import java.util.Map;

/**
 * One stage of the {@code ladder}: grow to the stage's users, ramp, warm up, hold (sampling the
 * server), drain, and the stage's row of figures.
 */
final class LadderStage {
  /** Wait after a drain for the workers' next report (they report every 250 ms). */
  static final long REPORT_SETTLE_MS = 400;

  /** Between two looks at the workers while they ramp. */
  private static final long RAMP_CHECK_MS = 50;

  /** The time each stage spends sending before, while and after it measures. */
  record Phases(Duration warmup, Duration hold, Duration drain) {}

  private final Common common;
  private final Phases phases;
  private final int index;
  private final int stageCount;
  private final int users;
  private final Coordinator co;
  private final ServerMetrics metrics;
  private final Progress progress;
  private final Stats start;
  private Stats end;
  private Stats prevTick;
  private long prevTickNs;
  private Map<String, Double> lastMetrics = Map.of();

  /**
   * Stage {@code index} (from 0) of {@code stageCount}, to {@code users} users; {@code start}: what
   * the workers had counted before it.
   */
  LadderStage(
      Common common,
      Phases phases,
      int index,
      int stageCount,
      int users,
      Coordinator co,
      ServerMetrics metrics,
      Progress progress,
      Stats start) {
    this.common = common;
    this.phases = phases;
    this.index = index;
    this.stageCount = stageCount;
    this.users = users;
    this.co = co;
    this.metrics = metrics;
    this.progress = progress;
    this.start = start;
    this.prevTick = start;
    this.prevTickNs = System.nanoTime();
  }

  /** What the workers had counted at the end of the stage (after its drain). */
  Stats end() {
    return end;
  }

  Map<String, Object> run() {
    long t0 = System.nanoTime();
    rampUp(t0);
    double rampSecs = (System.nanoTime() - t0) / 1e9;
    long winStart = Time.nowMicros() + phases.warmup().toNanos() / 1000;
    long winEnd = winStart + phases.hold().toNanos() / 1000;
    co.go(winStart, winEnd);
    waitUntil(winStart, "warmup");
    metrics.reset();
    CpuWindow cpu = CpuWindow.open(common.serverPid, co::clientCpuMicros);
    waitUntil(winEnd, "hold");
    cpu.close();
    long srvRss = common.serverPid > 0 ? Proc.rssKb(common.serverPid) : -1;
    Map<String, Object> server = metrics.summary();
    waitUntil(winEnd + phases.drain().toNanos() / 1000, "drain");
    Time.sleepMillis(REPORT_SETTLE_MS);
    end = co.merged();
    Stats d = end.minus(start);
    double secs = phases.hold().toNanos() / 1e9;
    Map<String, Object> row = StageRow.build(index + 1, users, d, rampSecs, secs);
    row.put("srv_cpu_pct", cpu.serverPct(secs));
    row.put("srv_rss_mb", srvRss >= 0 ? Out.num(srvRss / 1024.0, 1) : null);
    row.put("cli_cpu_pct", cpu.clientPct(secs));
    row.put("host_cpu_pct", cpu.hostPct(secs));
    row.put("softirq_cpu_pct", cpu.softirqPct(secs));
    row.put("other_cpu_pct", cpu.hasServer() ? cpu.otherPct(secs) : null);
    row.put("server_metrics", server);
    progress.end(line("done", d, -1));
    return row;
  }

  /**
   * Grows the workers to the stage's users and waits until they are connected, or until the ready
   * timeout: then the stage holds with what is connected.
   */
  private void rampUp(long t0) {
    co.grow(users);
    int newUsers = users - (int) start.attempted;
    long deadline = t0 + common.readyTimeout(Math.max(0, newUsers)).toNanos();
    while (true) {
      Stats m = co.merged();
      tick("ramp", m, null);
      // a worker's report from before it got the grow says ready too: wait for one that knows the
      // new target
      if (m.ready && m.workers == co.workerCount() && m.target >= users) return;
      co.checkAlive();
      if (System.nanoTime() > deadline) {
        System.err.println();
        System.err.println(
            "warning: stage "
                + (index + 1)
                + " ramp not complete after "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds()
                + "s; holding with what is connected");
        return;
      }
      Time.sleepMillis(RAMP_CHECK_MS);
    }
  }

  private void waitUntil(long epochMicros, String phase) {
    while (true) {
      long left = epochMicros - Time.nowMicros();
      if (left <= 0) return;
      if (phase.equals("hold")) {
        Map<String, Double> now = metrics.sample();
        if (!now.isEmpty()) lastMetrics = now;
      }
      tick(phase, null, left);
      Time.sleepMillis(Math.min(left / 1000 + 1, phase.equals("hold") ? 1000 : 200));
    }
  }

  private void tick(String phase, Stats m, Long leftMicros) {
    if (!progress.due()) return;
    if (m == null) m = co.merged();
    Stats d = m.minus(start);
    String when =
        leftMicros == null ? "" : String.format(" %ds left", (leftMicros + 999_999) / 1_000_000);
    progress.show(line(phase + when, d, rate(m)));
  }

  /** Sends (chat and companion) per second since the last tick. */
  private double rate(Stats m) {
    long now = System.nanoTime();
    double dt = Math.max(1e-3, (now - prevTickNs) / 1e9);
    double r = (m.sentAll - prevTick.sentAll) / dt;
    prevTick = m;
    prevTickNs = now;
    return r;
  }

  /** The progress line: the stage, its phase and what it has counted so far. */
  private String line(String phase, Stats d, double sendRate) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                "stage %d/%d %,d users | %-14s | conn %,d fail %d drop %d",
                index + 1, stageCount, users, phase, d.connected, d.failed, d.closed));
    if (sendRate >= 0) s.append(String.format(" | send/s %.0f", sendRate));
    if (d.sent > 0)
      s.append(" | ack p99 ")
          .append(StageRow.p99(d.ackHist))
          .append(" deliv p99 ")
          .append(StageRow.p99(d.hist));
    if (d.ackErrors + d.aiAckErrors + d.aiReplyErrors > 0)
      s.append(" err ").append(d.ackErrors + d.aiAckErrors + d.aiReplyErrors);
    if (d.aiSent > 0) {
      s.append(
          String.format(
              " | ai %d busy %d ttft p99 %s", d.aiSent, d.aiBusy, StageRow.p99(d.ttftHist)));
    }
    if (d.rateLimited > 0) s.append(" | RATE_LIMITED ").append(d.rateLimited);
    Double conns = lastMetrics.get("nexus_connections");
    if (conns != null) {
      s.append(String.format(" | srv conns %.0f", conns));
      Double inFlight = lastMetrics.get("nexus_llm_in_flight");
      if (inFlight != null && d.aiConnected > 0) {
        s.append(
            String.format(
                " llm %.0f+%.0f", inFlight, lastMetrics.getOrDefault("nexus_llm_waiting", 0.0)));
      }
      Double cpu = lastMetrics.get("process_cpu_usage");
      if (cpu != null) s.append(String.format(" cpu %.0f%%", 100 * cpu));
    }
    return s.toString();
  }
}
