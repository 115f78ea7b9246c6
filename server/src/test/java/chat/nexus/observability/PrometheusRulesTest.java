package chat.nexus.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus/alerts.yml and deploy/grafana/nexus-chat.json: promtool accepts the rules,
 * their unit tests pass, every dashboard query parses, and every metric they read is one the server
 * exposes. Without promtool (Debian's prometheus package) the test is skipped, unless
 * NEXUS_REQUIRE_PROMTOOL=1 (test.sh sets it after installing it), where it fails.
 */
class PrometheusRulesTest {

  static final Path PROMETHEUS = Path.of("..", "deploy", "prometheus");
  static final Path ALERTS = PROMETHEUS.resolve("alerts.yml");
  static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "nexus-chat.json");
  private static final long PROMTOOL_TIMEOUT_S = 60;

  private static String promtool;

  @BeforeAll
  static void findPromtool() {
    promtool = System.getenv().getOrDefault("NEXUS_PROMTOOL", "promtool");
    boolean found =
        new File(promtool).canExecute()
            || System.getenv("PATH") != null
                && List.of(System.getenv("PATH").split(File.pathSeparator)).stream()
                    .anyMatch(dir -> new File(dir, promtool).canExecute());
    if (found) {
      return;
    }
    String message =
        "no promtool (install it: apt-get install -y prometheus; or set NEXUS_PROMTOOL)";
    if ("1".equals(System.getenv("NEXUS_REQUIRE_PROMTOOL"))) {
      fail("promtool is required here, but there is " + message);
    }
    Assumptions.abort("alert rule checks skipped: " + message);
  }

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    run(PROMETHEUS, "check", "rules", "alerts.yml");
  }

  @Test
  void everyAlertFiresOnItsSyntheticSeriesAndStaysSilentOnAHealthyNode() throws Exception {
    run(PROMETHEUS, "test", "rules", "alerts.test.yml");
  }

  @Test
  void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
    List<String> exprs = QueryNames.dashboardExpressions(dashboard());
    assertThat(exprs).hasSizeGreaterThan(10);
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      rules
          .append("      - record: dashboard:query")
          .append(i)
          .append("\n        expr: ")
          .append(Json.encode(exprs.get(i))) // a JSON string is a YAML string
          .append('\n');
    }
    Files.writeString(dir.resolve("dashboard.yml"), rules);
    run(dir, "check", "rules", "dashboard.yml");
  }

  @Test
  void theAlertsAndTheDashboardReadOnlyMetricsTheServerExposes() throws Exception {
    Set<String> used = new TreeSet<>();
    for (String expr : QueryNames.ruleExpressions(Files.readString(ALERTS))) {
      used.addAll(QueryNames.metrics(expr));
    }
    for (String expr : QueryNames.dashboardExpressions(dashboard())) {
      used.addAll(QueryNames.metrics(expr));
    }
    assertThat(used)
        .contains(
            "nexus_ack_latency_seconds_bucket",
            "nexus_http_requests_seconds_count",
            "hikaricp_connections_pending",
            "jvm_gc_pause_seconds_sum",
            "nexus_redis_up",
            "up");

    Set<String> exposed = new TreeSet<>(Set.of("up")); // Prometheus's own, per target
    try (TestRedis redis = new TestRedis();
        TestServer server = TestServer.start(Backend.H2, redis.env())) {
      Rest rest = server.rest();
      rest.get("/health").assertOk(200); // a request, so the HTTP timers exist
      // and a GC pause, for jvm_gc_pause_seconds (reported by a notification, a moment later)
      Waits.untilTrue(
          () -> {
            System.gc();
            return rest.get("/metrics").body().contains("jvm_gc_pause_seconds_sum");
          },
          "a GC pause in /metrics");
      for (String line : rest.get("/metrics").body().split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          exposed.add(line.split("[{ ]", 2)[0]);
        }
      }
    }
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(exposed);
    assertThat(unknown)
        .as("metrics the alerts or the dashboard read but no node exposes")
        .isEmpty();
  }

  @Test
  void metricNamesAreFoundInQueries() {
    assertThat(
            QueryNames.metrics(
                "histogram_quantile(0.99, sum by (instance, le) (rate(a_bucket{route!=\"x_y\"}[5m])))"
                    + " / on(instance) b_total > 0.5 and up{job=\"nexus-chat\"} == 0"))
        .containsExactly("a_bucket", "b_total", "up");
    assertThat(
            QueryNames.ruleExpressions(
                "    - alert: A\n      expr: >-\n        a\n          + b\n      for: 1m\n      - expr: c > 1\n"))
        .containsExactly("a + b", "c > 1");
  }

  private static JsonObject dashboard() throws IOException {
    return new JsonObject(Files.readString(DASHBOARD));
  }

  /** Runs promtool in a directory; fails with its output unless it exits 0. */
  private static void run(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(promtool));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(PROMTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("promtool " + String.join(" ", args) + " did not finish");
    }
    assertThat(process.exitValue())
        .as("promtool %s in %s:%n%s", String.join(" ", args), dir, output)
        .isZero();
  }
}
