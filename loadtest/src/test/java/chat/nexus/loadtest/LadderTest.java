package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CI's small ladder: the real chat server (H2 in a temp directory, simulated LLM provider) on
 * port 0, and the ladder against it with thresholds, as a user would run it.
 */
class LadderTest {
  private static final String SECRET = LocalChatServer.SECRET;
  private static LocalChatServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new LocalChatServer();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  private String url() {
    return server.url();
  }

  private static int run(List<String> args) {
    LoadTest.args = args.toArray(String[]::new);
    return LoadTest.commandLine().execute(LoadTest.args);
  }

  private static JsonObject result(Path out) throws IOException {
    return new JsonObject(Files.readString(out.resolve(Ladder.RESULT_JSON)));
  }

  @Test
  void mixedLadderPassesItsThresholdsAndWritesTheReport() throws Exception {
    Path out = Files.createTempDirectory("ladder-out-");
    int status =
        run(
            List.of(
                "ladder",
                "--url",
                url(),
                "--jwt-secret",
                SECRET,
                "--scenario",
                "mixed",
                "--mix",
                "chat=80,companion=20",
                "--stages",
                "10,50",
                "--hold",
                "3s",
                "--warmup",
                "1s",
                "--drain",
                "1s",
                "--room-size",
                "10",
                "--send-every",
                "1s",
                "--ai-every",
                "1s",
                "--ramp",
                "200",
                "--max-p99-ms",
                "2000",
                "--max-error-rate",
                "0.01",
                "--out",
                out.toString()));

    assertThat(status).isZero();
    JsonObject r = result(out);
    assertThat(r.getBoolean("passed")).isTrue();
    assertThat(r.getString("command")).contains("--jwt-secret ***").doesNotContain(SECRET);
    JsonArray stages = r.getJsonArray("stages");
    assertThat(stages).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonObject s = stages.getJsonObject(i);
      assertThat(s.getInteger("connected")).isEqualTo(s.getInteger("users"));
      assertThat(s.getLong("connect_failed")).isZero();
      assertThat(s.getLong("sent")).isPositive();
      assertThat(s.getLong("acks_ok")).isEqualTo(s.getLong("sent"));
      assertThat(s.getLong("delivered")).isEqualTo(s.getLong("expected")).isPositive();
      assertThat(s.getJsonObject("ack_ms").getDouble("p99")).isPositive();
      assertThat(s.getJsonObject("connect_ms").getLong("n")).isPositive();
      assertThat(s.getInteger("companion_users")).isEqualTo(s.getInteger("users") / 5);
      assertThat(s.getLong("ai_sent")).isPositive();
      assertThat(s.getLong("ai_ok") + s.getLong("ai_busy")).isEqualTo(s.getLong("ai_sent"));
      assertThat(s.getDouble("error_rate")).isZero();
    }
    JsonObject last = stages.getJsonObject(1);
    assertThat(last.getJsonObject("ttft_ms").getDouble("p50")).isPositive();
    JsonObject metrics = last.getJsonObject("server_metrics");
    assertThat(metrics.getJsonObject("nexus_connections").getDouble("max"))
        .isGreaterThanOrEqualTo(50);
    assertThat(metrics.fieldNames()).contains("nexus_llm_in_flight", "process_cpu_usage");
    String html = Files.readString(out.resolve(Ladder.REPORT_HTML));
    assertThat(html)
        .contains("<svg", "PASSED", "AI time to first token")
        .doesNotContain("<script", "http://cdn", "https://");
  }

  @Test
  void guestsSignInWithoutASecretAndABreachedLimitFailsTheRunNamingTheStage() throws Exception {
    Path out = Files.createTempDirectory("ladder-out-");
    List<String> args =
        new ArrayList<>(
            List.of(
                "ladder",
                "--url",
                url(),
                "--scenario",
                "chat",
                "--stages",
                "8",
                "--hold",
                "2s",
                "--warmup",
                "500ms",
                "--drain",
                "1s",
                "--room-size",
                "4",
                "--send-every",
                "500ms",
                "--user-prefix",
                "guest-ladder-",
                "--max-p99-ms",
                "0.001",
                "--out",
                out.toString()));

    int status = run(args); // no --jwt-secret (and no JWT_SECRET in the test's environment): guests

    assertThat(status).isEqualTo(Common.EXIT_BREACHED);
    JsonObject r = result(out);
    assertThat(r.getJsonObject("config").getString("auth")).isEqualTo("guests");
    JsonObject s = r.getJsonArray("stages").getJsonObject(0);
    assertThat(s.getInteger("connected")).isEqualTo(8);
    assertThat(s.getLong("delivered")).isEqualTo(s.getLong("expected")).isPositive();
    assertThat(r.getBoolean("passed")).isFalse();
    assertThat(r.getJsonArray("breaches").getString(0)).startsWith("stage 1 (8 users): ack p99");
    assertThat(Files.readString(out.resolve(Ladder.REPORT_HTML)))
        .contains("FAILED", "stage 1 (8 users)");
  }

  @Test
  void pollingUsersChatAndTalkToCompanionsToo() throws Exception {
    Path out = Files.createTempDirectory("ladder-out-");
    int status =
        run(
            List.of(
                "ladder",
                "--url",
                url(),
                "--jwt-secret",
                SECRET,
                "--transport",
                "polling",
                "--scenario",
                "mixed",
                "--mix",
                "chat=75,companion=25",
                "--stages",
                "12",
                "--hold",
                "2s",
                "--warmup",
                "500ms",
                "--drain",
                "1s",
                "--room-size",
                "9",
                "--send-every",
                "500ms",
                "--ai-every",
                "500ms",
                "--max-error-rate",
                "0",
                "--out",
                out.toString()));

    assertThat(status).isZero();
    JsonObject r = result(out);
    assertThat(r.getJsonObject("config").getString("transport")).isEqualTo("polling");
    JsonObject s = r.getJsonArray("stages").getJsonObject(0);
    assertThat(s.getInteger("connected")).isEqualTo(12);
    assertThat(s.getLong("acks_ok")).isEqualTo(s.getLong("sent")).isPositive();
    assertThat(s.getLong("delivered")).isEqualTo(s.getLong("expected")).isPositive();
    assertThat(s.getLong("ai_sent")).isPositive();
    assertThat(s.getJsonObject("ttft_ms")).isNotNull();
  }
}
