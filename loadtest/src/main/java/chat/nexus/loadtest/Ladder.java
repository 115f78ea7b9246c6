package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The staged load test: users arrive stage by stage (100 → 1,000 → 5,000 → 10,000 by default) and
 * stay; each stage ramps the new users in at --ramp per second, then holds: every chat user sends a
 * message every --send-every on average into its room of --room-size, every companion user asks its
 * companion every --ai-every. Per stage: connect time, ack and delivery latency, time to first AI
 * token, AI_BUSY and RATE_LIMITED rates, errors by code and the server's /metrics. Writes
 * result.json and report.html.
 */
@Command(
    name = "ladder",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Staged load test (chat, companion or mixed users) with a JSON result and an HTML report.")
final class Ladder implements Callable<Integer> {
  enum Scenario {
    chat,
    companion,
    mixed
  }

  static final String RESULT_JSON = "result.json";
  static final String REPORT_HTML = "report.html";

  /** Wait after a drain for the workers' next report (they report every 250 ms). */
  static final long REPORT_SETTLE_MS = 400;

  @Mixin Common common;

  @picocli.CommandLine.Spec
  CommandSpec command; // qualified: Spec is also this package's per-worker record

  @Option(
      names = "--scenario",
      defaultValue = "chat",
      description = "chat, companion or mixed (see --mix). Default: ${DEFAULT-VALUE}")
  Scenario scenario;

  @Option(
      names = "--stages",
      split = ",",
      defaultValue = "100,1000,5000,10000",
      description =
          "Users connected at each stage (they stay for the next). Default: ${DEFAULT-VALUE}")
  List<Integer> stages;

  @Option(
      names = "--hold",
      defaultValue = "30s",
      description = "Measured time at each stage. Default: ${DEFAULT-VALUE}")
  Duration hold;

  @Option(
      names = "--warmup",
      defaultValue = "2s",
      description = "Sending before each stage's measurement. Default: ${DEFAULT-VALUE}")
  Duration warmup;

  @Option(
      names = "--drain",
      defaultValue = "3s",
      description = "Wait after each hold for late deliveries and acks. Default: ${DEFAULT-VALUE}")
  Duration drain;

  @Option(
      names = "--mix",
      defaultValue = "chat=90,companion=10",
      description = "mixed: weights of chat and companion users. Default: ${DEFAULT-VALUE}")
  String mix;

  @Option(
      names = "--room-size",
      defaultValue = "100",
      description = "Chat users per room. Default: ${DEFAULT-VALUE}")
  int roomSize;

  @Option(
      names = "--send-every",
      defaultValue = "20s",
      description =
          "Each chat user sends a message this often on average (10,000 users: 500 msg/s). Default: ${DEFAULT-VALUE}")
  Duration sendEvery;

  @Option(
      names = "--ai-every",
      defaultValue = "30s",
      description =
          "Each companion user sends companion:message this often (not while a reply is streaming). Default: ${DEFAULT-VALUE}")
  Duration aiEvery;

  @Option(
      names = "--payload",
      defaultValue = "100",
      description =
          "Approximate size of a chat message's data object in bytes. Default: ${DEFAULT-VALUE}")
  int payload;

  @Option(
      names = "--jwt-secret",
      defaultValue = "${env:JWT_SECRET}",
      description =
          "The server's JWT_SECRET: tokens for users <user-prefix><k> are minted. Without it, users sign in as guests (POST /api/auth/guest).")
  String jwtSecret;

  @Option(
      names = "--user-prefix",
      defaultValue = "ld-",
      description =
          "User ids (minted tokens) and guest names start with this. Default: ${DEFAULT-VALUE}")
  String userPrefix;

  @Option(
      names = "--character-id",
      description =
          "Companion users talk to this character; by default one is created (POST /api/characters).")
  String characterId;

  @Option(
      names = "--metrics-path",
      defaultValue = "/metrics",
      description =
          "Prometheus text to sample each second; 'none' to skip. Default: ${DEFAULT-VALUE}")
  String metricsPath;

  @Option(
      names = "--metric",
      description = "More metrics to read from --metrics-path (repeatable), besides the defaults.")
  List<String> extraMetrics;

  @Option(
      names = "--max-ttft-p99-ms",
      description =
          "Exit with status "
              + Common.EXIT_BREACHED
              + " if a stage's AI time-to-first-token p99 exceeds this.")
  Double maxTtftP99Ms;

  @Option(names = "--out", description = "Directory for result.json and report.html (created).")
  Path out;

  @Option(names = "--title", description = "Title of the report. Default: the scenario and URL.")
  String title;

  @Override
  public Integer call() throws Exception {
    validate();
    int max = stages.stream().mapToInt(Integer::intValue).max().orElseThrow();
    boolean minted = jwtSecret != null && !jwtSecret.isEmpty();
    Mix plan = mixPlan();
    int stride = common.child ? common.workerCount : Math.max(1, common.workers);
    int offset = common.child ? common.workerIndex : 0;
    int share = (max + stride - 1) / stride;
    ChatProtocol protocol =
        new ChatProtocol(
            minted ? jwtSecret : null, userPrefix, common.workerIndex, plan.rooms(max), payload);
    GuestSignIn.Factory guests = minted ? null : GuestSignIn.factory(common.url, userPrefix);
    if (common.child) {
      Spec spec =
          Spec.of(common, share, offset, stride, plan.rooms(max), 0, payload, protocol, plan);
      return Child.run(new Swarm(spec, guests));
    }

    Rest rest = new Rest(common.url);
    String token = minted ? null : signInProbe(rest);
    List<String> extra = new ArrayList<>();
    if (plan.aiShare() > 0 && characterId == null) {
      characterId = rest.createCharacter(minted ? ownerToken() : token);
      System.err.println("created character " + characterId + " for the companion users");
    }
    if (characterId != null) extra.addAll(List.of("--character-id", characterId));
    plan = mixPlan();
    Spec spec =
        Spec.of(
            common,
            common.workers <= 1 ? max : share,
            0,
            common.workers <= 1 ? 1 : stride,
            plan.rooms(max),
            0,
            payload,
            protocol,
            plan);
    List<String> metricNames = new ArrayList<>(ServerMetrics.DEFAULT_NAMES);
    if (extraMetrics != null) metricNames.addAll(extraMetrics);
    ServerMetrics metrics =
        new ServerMetrics(rest, "none".equals(metricsPath) ? null : metricsPath, metricNames);

    Instant started = Instant.now();
    Coordinator co = Coordinator.ladder(common, spec, guests, extra);
    Progress progress = Progress.stderr();
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> breaches = new ArrayList<>();
    Stats before = co.merged();
    try {
      for (int i = 0; i < stages.size(); i++) {
        StageRun run = new StageRun(i, stages.get(i), co, metrics, progress, before);
        Map<String, Object> row = run.run();
        before = run.end;
        List<String> b = verdict(row);
        row.put("breaches", b);
        breaches.addAll(b);
        rows.add(row);
        printStage(row);
      }
    } finally {
      co.finish();
    }
    JsonObject result = result(started, plan, minted, rows, breaches);
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(
          out.resolve(RESULT_JSON), result.encodePrettily() + "\n", StandardCharsets.UTF_8);
      Files.writeString(out.resolve(REPORT_HTML), Report.html(result), StandardCharsets.UTF_8);
      System.err.println("wrote " + out.resolve(RESULT_JSON) + " and " + out.resolve(REPORT_HTML));
    }
    breaches.forEach(b -> System.err.println("limit breached: " + b));
    return breaches.isEmpty() ? 0 : Common.EXIT_BREACHED;
  }

  private void validate() {
    if (stages.isEmpty() || stages.stream().anyMatch(n -> n < 1))
      throw usage("--stages must be positive user counts");
    for (int i = 1; i < stages.size(); i++) {
      if (stages.get(i) < stages.get(i - 1))
        throw usage("--stages must not decrease (users stay from stage to stage)");
    }
    if (roomSize < 1) throw usage("--room-size must be >= 1");
    if (hold.isZero() || hold.isNegative()) throw usage("--hold must be positive");
    if (sendEvery.isNegative() || aiEvery.isNegative())
      throw usage("--send-every and --ai-every must not be negative");
    mixPlan();
  }

  private ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /** The share of companion users and the per-user rates of the scenario. */
  Mix mixPlan() {
    double ai =
        switch (scenario) {
          case chat -> 0;
          case companion -> 1;
          case mixed -> companionShare(mix);
        };
    return new Mix(ai, roomSize, perSecond(sendEvery), perSecond(aiEvery), characterId);
  }

  private static double perSecond(Duration every) {
    return every.isZero() ? 0 : 1e9 / every.toNanos();
  }

  /** {@code chat=90,companion=10} → 0.1. */
  double companionShare(String spec) {
    double chat = 0;
    double ai = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=");
      if (kv.length != 2)
        throw usage("--mix wants chat=<weight>,companion=<weight>, got '" + spec + "'");
      double w;
      try {
        w = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw usage("--mix weight '" + kv[1] + "' is not a number");
      }
      if (w < 0) throw usage("--mix weights must not be negative");
      switch (kv[0].trim()) {
        case "chat" -> chat = w;
        case "companion" -> ai = w;
        default -> throw usage("--mix knows chat and companion, not '" + kv[0] + "'");
      }
    }
    if (chat + ai <= 0) throw usage("--mix weights must not all be 0");
    return ai / (chat + ai);
  }

  /** Checks that guests can sign in (the run's clients will), and returns the probe's token. */
  private String signInProbe(Rest rest) throws InterruptedException {
    try {
      return rest.guest(userPrefix + "probe");
    } catch (IOException e) {
      throw usage("no --jwt-secret (nor JWT_SECRET), and guests cannot sign in: " + e.getMessage());
    }
  }

  private String ownerToken() {
    return Jwt.user(
        jwtSecret.getBytes(StandardCharsets.UTF_8),
        userPrefix + "owner",
        "ladder owner",
        System.currentTimeMillis() / 1000 + ChatProtocol.TOKEN_TTL.toSeconds());
  }

  /**
   * Per-stage breaches of --max-p99-ms (ack, delivery), --max-error-rate (errors, lost) and
   * --max-ttft-p99-ms.
   */
  List<String> verdict(Map<String, Object> row) {
    List<String> b = new ArrayList<>();
    String at = "stage " + row.get("stage") + " (" + row.get("users") + " users): ";
    if (common.maxP99Ms != null) {
      for (String col : List.of("ack_ms", "delivery_ms")) {
        Double p99 = p99(row.get(col));
        if (p99 != null && p99 > common.maxP99Ms)
          b.add(at + col.replace("_ms", "") + " p99 " + p99 + " ms > " + common.maxP99Ms);
      }
    }
    if (maxTtftP99Ms != null) {
      Double p99 = p99(row.get("ttft_ms"));
      if (p99 != null && p99 > maxTtftP99Ms)
        b.add(at + "ttft p99 " + p99 + " ms > " + maxTtftP99Ms);
    }
    if (common.maxErrorRate != null) {
      if (!(row.get("error_rate") instanceof Number n))
        b.add(at + "error_rate not measured (nothing attempted)");
      else if (n.doubleValue() > common.maxErrorRate)
        b.add(at + "error_rate " + n + " > " + common.maxErrorRate);
      if (row.get("lost_rate") instanceof Number n && n.doubleValue() > common.maxErrorRate) {
        b.add(at + "lost_rate " + n + " > " + common.maxErrorRate);
      }
    }
    return b;
  }

  private static Double p99(Object percentiles) {
    return percentiles instanceof Map<?, ?> m && m.get("p99") instanceof Number n
        ? n.doubleValue()
        : null;
  }

  private void printStage(Map<String, Object> row) {
    System.out.println(StageRow.summary(row));
    System.out.flush();
  }

  private JsonObject result(
      Instant started,
      Mix plan,
      boolean minted,
      List<Map<String, Object>> rows,
      List<String> breaches) {
    JsonObject config =
        new JsonObject()
            .put("url", common.url)
            .put("scenario", scenario.name())
            .put("stages", new JsonArray(new ArrayList<>(stages)))
            .put("hold_s", hold.toMillis() / 1000.0)
            .put("warmup_s", warmup.toMillis() / 1000.0)
            .put("drain_s", drain.toMillis() / 1000.0)
            .put("ramp_per_s", common.ramp)
            .put("companion_share", plan.aiShare())
            .put("room_size", roomSize)
            .put("send_every_s", sendEvery.toMillis() / 1000.0)
            .put("ai_every_s", aiEvery.toMillis() / 1000.0)
            .put("payload", payload)
            .put("workers", common.workers)
            .put("transport", common.transport.name())
            .put("metrics_path", metricsPath)
            .put("auth", minted ? "minted JWT" : "guests")
            .put("character_id", characterId)
            .put("max_p99_ms", common.maxP99Ms)
            .put("max_error_rate", common.maxErrorRate)
            .put("max_ttft_p99_ms", maxTtftP99Ms)
            .put(
                "local_addresses",
                common.localAddresses == null
                    ? null
                    : new JsonArray(new ArrayList<>(common.localAddresses)));
    JsonArray stageRows = new JsonArray();
    rows.forEach(r -> stageRows.add(new JsonObject(new LinkedHashMap<>(r))));
    return new JsonObject()
        .put("tool", "nexus-loadtest ladder")
        .put("title", title != null ? title : scenario + " ladder against " + common.url)
        .put("command", String.join(" ", redacted(LoadTest.args)))
        .put("started", started.toString())
        .put("finished", Instant.now().toString())
        .put(
            "machine",
            new JsonObject()
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
                .put("java", System.getProperty("java.version")))
        .put("config", config)
        .put("stages", stageRows)
        .put("breaches", new JsonArray(breaches))
        .put("passed", breaches.isEmpty());
  }

  /**
   * The command line with the value of --jwt-secret replaced: a result file must not carry a
   * secret.
   */
  static List<String> redacted(String[] args) {
    List<String> out = new ArrayList<>(Arrays.asList(args));
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).equals("--jwt-secret") && i + 1 < out.size()) out.set(i + 1, "***");
      else if (out.get(i).startsWith("--jwt-secret=")) out.set(i, "--jwt-secret=***");
    }
    return out;
  }

  /** One stage: grow, ramp, warm up, hold (sampling the server), drain, and the stage's row. */
  private final class StageRun {
    final int index;
    final int users;
    final Coordinator co;
    final ServerMetrics metrics;
    final Progress progress;
    final Stats start;
    Stats end;
    private Stats prevTick;
    private long prevTickNs;
    private Map<String, Double> lastMetrics = Map.of();

    StageRun(
        int index,
        int users,
        Coordinator co,
        ServerMetrics metrics,
        Progress progress,
        Stats start) {
      this.index = index;
      this.users = users;
      this.co = co;
      this.metrics = metrics;
      this.progress = progress;
      this.start = start;
      this.prevTick = start;
      this.prevTickNs = System.nanoTime();
    }

    Map<String, Object> run() {
      long t0 = System.nanoTime();
      co.grow(users);
      int newUsers = users - (int) start.attempted;
      long deadline = t0 + common.readyTimeout(Math.max(0, newUsers)).toNanos();
      while (true) {
        Stats m = co.merged();
        tick("ramp", m, null);
        // a worker's report from before it got the grow says ready too: wait for one that knows the
        // new target
        if (m.ready && m.workers == co.workerCount() && m.target >= users) break;
        co.checkAlive();
        if (System.nanoTime() > deadline) {
          System.err.println();
          System.err.println(
              "warning: stage "
                  + (index + 1)
                  + " ramp not complete after "
                  + Duration.ofNanos(System.nanoTime() - t0).toSeconds()
                  + "s; holding with what is connected");
          break;
        }
        Time.sleepMillis(50);
      }
      double rampSecs = (System.nanoTime() - t0) / 1e9;
      long winStart = Time.nowMicros() + warmup.toNanos() / 1000;
      long winEnd = winStart + hold.toNanos() / 1000;
      co.go(winStart, winEnd);
      waitUntil(winStart, "warmup");
      metrics.reset();
      long srvCpu0 = common.serverPid > 0 ? Proc.cpuMicros(common.serverPid) : -1;
      long cliCpu0 = co.clientCpuMicros();
      long[] host0 = Proc.hostMicros();
      waitUntil(winEnd, "hold");
      long srvCpu1 = common.serverPid > 0 ? Proc.cpuMicros(common.serverPid) : -1;
      long cliCpu1 = co.clientCpuMicros();
      long[] host1 = Proc.hostMicros();
      long srvRss = common.serverPid > 0 ? Proc.rssKb(common.serverPid) : -1;
      Map<String, Object> server = metrics.summary();
      waitUntil(winEnd + drain.toNanos() / 1000, "drain");
      Time.sleepMillis(REPORT_SETTLE_MS);
      end = co.merged();
      Stats d = end.minus(start);
      Map<String, Object> row = StageRow.build(index + 1, users, d, rampSecs, hold.toNanos() / 1e9);
      double secs = hold.toNanos() / 1e9;
      boolean srv = srvCpu0 >= 0 && srvCpu1 >= 0;
      boolean host = host0 != null && host1 != null;
      row.put("srv_cpu_pct", srv ? Out.num(100.0 * (srvCpu1 - srvCpu0) / (secs * 1e6), 1) : null);
      row.put("srv_rss_mb", srvRss >= 0 ? Out.num(srvRss / 1024.0, 1) : null);
      row.put("cli_cpu_pct", Out.num(100.0 * (cliCpu1 - cliCpu0) / (secs * 1e6), 1));
      row.put(
          "host_cpu_pct", host ? Out.num(100.0 * (host1[0] - host0[0]) / (secs * 1e6), 1) : null);
      row.put(
          "softirq_cpu_pct",
          host ? Out.num(100.0 * (host1[1] - host0[1]) / (secs * 1e6), 1) : null);
      long other =
          host ? (host1[0] - host0[0]) - (cliCpu1 - cliCpu0) - (srv ? srvCpu1 - srvCpu0 : 0) : 0;
      row.put("other_cpu_pct", host && srv ? Out.num(100.0 * other / (secs * 1e6), 1) : null);
      row.put("server_metrics", server);
      progress.end(line("done", d, -1));
      return row;
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

    private String line(String phase, Stats d, double sendRate) {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  "stage %d/%d %,d users | %-14s | conn %,d fail %d drop %d",
                  index + 1, stages.size(), users, phase, d.connected, d.failed, d.closed));
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
}
