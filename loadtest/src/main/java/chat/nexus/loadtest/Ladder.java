package chat.nexus.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
    List<String> extra = character(rest, plan, minted);
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
    ServerMetrics metrics = serverMetrics(rest);

    Instant started = Instant.now();
    Coordinator co = Coordinator.ladder(common, spec, guests, extra);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> breaches = new ArrayList<>();
    try {
      runStages(co, metrics, rows, breaches);
    } finally {
      co.finish();
    }
    write(LadderResult.json(this, started, plan, minted, rows, breaches));
    breaches.forEach(b -> System.err.println("limit breached: " + b));
    return breaches.isEmpty() ? 0 : Common.EXIT_BREACHED;
  }

  /**
   * Checks that guests can sign in (without a secret) and creates the companion users' character
   * when there are some and none was given; the workers' extra options.
   */
  private List<String> character(Rest rest, Mix plan, boolean minted)
      throws IOException, InterruptedException {
    String token = minted ? null : signInProbe(rest);
    List<String> extra = new ArrayList<>();
    if (plan.aiShare() > 0 && characterId == null) {
      characterId = rest.createCharacter(minted ? ownerToken() : token);
      System.err.println("created character " + characterId + " for the companion users");
    }
    if (characterId != null) extra.addAll(List.of("--character-id", characterId));
    return extra;
  }

  private ServerMetrics serverMetrics(Rest rest) {
    List<String> metricNames = new ArrayList<>(ServerMetrics.DEFAULT_NAMES);
    if (extraMetrics != null) metricNames.addAll(extraMetrics);
    return new ServerMetrics(rest, "none".equals(metricsPath) ? null : metricsPath, metricNames);
  }

  /** Runs every stage, adding its row (with its breaches) to {@code rows}. */
  private void runStages(
      Coordinator co,
      ServerMetrics metrics,
      List<Map<String, Object>> rows,
      List<String> breaches) {
    LadderStage.Phases phases = new LadderStage.Phases(warmup, hold, drain);
    Progress progress = Progress.stderr();
    Stats before = co.merged();
    for (int i = 0; i < stages.size(); i++) {
      LadderStage stage =
          new LadderStage(
              common, phases, i, stages.size(), stages.get(i), co, metrics, progress, before);
      Map<String, Object> row = stage.run();
      before = stage.end();
      List<String> b = LadderResult.verdict(this, row);
      row.put("breaches", b);
      breaches.addAll(b);
      rows.add(row);
      printStage(row);
    }
  }

  /** Writes result.json and report.html to --out, if given. */
  private void write(JsonObject result) throws IOException {
    if (out == null) return;
    Files.createDirectories(out);
    Files.writeString(
        out.resolve(RESULT_JSON), result.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.writeString(out.resolve(REPORT_HTML), Report.html(result), StandardCharsets.UTF_8);
    System.err.println("wrote " + out.resolve(RESULT_JSON) + " and " + out.resolve(REPORT_HTML));
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

  private void printStage(Map<String, Object> row) {
    System.out.println(StageRow.summary(row));
    System.out.flush();
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
}
