package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.ServerProcess;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In production the real Main writes JSON from its first line: the whole configuration in one line
 * without any secret, a refused configuration as one event with the list of problems, and a failure
 * to start (database unreachable, port taken) as one event with the exception in fields.
 */
class StartupLogTest {

  private static final long EXIT_TIMEOUT_S = 90;
  private static final String JWT_SECRET = "jwt-secret-of-production-0123456789abcdef";
  private static final String DB_PASSWORD = "db-Passw0rd-in-the-url";
  private static final String LLM_KEY = "sk-llm-key-never-logged-0123456789";
  private static final String METRICS_TOKEN = "metrics-token-never-logged-0123456789abcdef";
  private static final String ADMIN_PASSWORD = "admin-password-never-logged";
  private static final String SENTRY_KEY = "sentrypublickey0123456789";
  private static final String SESSION_SECRET = "session-secret-never-logged-0123456789abcdef";
  private static final List<String> SECRETS =
      List.of(
          JWT_SECRET,
          DB_PASSWORD,
          LLM_KEY,
          METRICS_TOKEN,
          ADMIN_PASSWORD,
          SENTRY_KEY,
          SESSION_SECRET);

  @TempDir Path dataDir;

  @TempDir Path workDir;

  private Map<String, String> production(Map<String, String> more) {
    Map<String, String> env = new HashMap<>();
    env.put("APP_ENV", "production");
    env.put("JWT_SECRET", JWT_SECRET);
    env.put("SESSION_SECRET", SESSION_SECRET);
    env.put("CORS_ORIGINS", "https://chat.example.com");
    env.put("TRUST_PROXY", "10.0.0.1");
    env.put("LLM_API_KEYS", LLM_KEY);
    env.put("METRICS_TOKEN", METRICS_TOKEN);
    env.put("ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("SENTRY_DSN", "http://" + SENTRY_KEY + "@127.0.0.1:9/1");
    env.put("SENTRY_SAMPLE_RATE", "0.5");
    env.putAll(more);
    return ServerProcess.env(dataDir, env);
  }

  @Test
  void anUnreachableDatabaseIsJsonAfterTheConfigurationLine() throws IOException {
    int port = closedPort();
    Map<String, String> env =
        production(
            Map.of(
                "DATABASE_URL",
                "postgres://nexus:" + DB_PASSWORD + "@127.0.0.1:" + port + "/nexusdb",
                "DB_START_TIMEOUT_MS",
                "1000"));
    List<JsonObject> lines = run(env, Main.EXIT_DATABASE_UNREACHABLE);
    JsonObject config = lines.get(0).getJsonObject("config");
    assertThat(lines.get(0).getString("message")).isEqualTo("configuration");
    JsonObject core = config.getJsonObject("core");
    assertThat(core.getString("databaseUrl"))
        .isEqualTo("postgres://127.0.0.1:" + port + "/nexusdb");
    assertThat(core.getJsonArray("corsOrigins")).containsExactly("https://chat.example.com");
    assertThat(core.getJsonArray("trustProxy")).containsExactly("10.0.0.1");
    assertThat(core.getString("jwtSecret")).isEqualTo("(set)");
    assertThat(core.getString("llmApiKeys")).isEqualTo("1 (set)");
    assertThat(core.getInteger("dbPoolSize")).isEqualTo(20);
    assertThat(config.getJsonObject("admin").getString("password")).isEqualTo("(set)");
    assertThat(config.getJsonObject("metrics").getString("token")).isEqualTo("(set)");
    assertThat(config.getJsonObject("telemetry").getString("sentryDsn")).isEqualTo("(set)");
    assertThat(config.getJsonObject("telemetry").getDouble("sentrySampleRate")).isEqualTo(0.5);
    assertThat(config.fieldNames()).contains("auth", "database", "llm", "connections", "cluster");
    JsonObject last = lines.get(lines.size() - 1);
    assertThat(last.getString("level")).isEqualTo("ERROR");
    assertThat(last.getString("message")).startsWith("Nexus Chat cannot start: DATABASE_URL");
    assertThat(last.getJsonObject("error").getString("class")).endsWith("UnreachableException");
  }

  @Test
  void aTakenPortIsOneJsonEventWithTheExceptionInFields() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<JsonObject> lines =
          run(
              production(Map.of("PORT", Integer.toString(taken.getLocalPort()))),
              Main.EXIT_START_FAILED);
      JsonObject last = lines.get(lines.size() - 1);
      assertThat(last.getString("level")).isEqualTo("ERROR");
      assertThat(last.getString("message")).startsWith("Nexus Chat cannot start");
      JsonObject error = last.getJsonObject("error");
      assertThat(error.getString("class")).isNotBlank();
      assertThat(error.getString("message")).contains("in use");
      assertThat(error.getString("stack")).contains(error.getString("class"));
    }
  }

  @Test
  void aRefusedConfigurationIsOneJsonEventListingEachProblem() {
    Map<String, String> env = production(Map.of("PORT", "not-a-port", "RATE_LIMIT_MAX", "-1"));
    env.remove("JWT_SECRET");
    List<JsonObject> lines = run(env, Main.EXIT_CONFIGURATION);
    assertThat(lines).hasSize(1);
    JsonObject refused = lines.get(0);
    assertThat(refused.getString("level")).isEqualTo("ERROR");
    JsonArray problems = refused.getJsonArray("problems");
    assertThat(problems.size()).isGreaterThanOrEqualTo(3);
    assertThat(problems.encode())
        .contains("PORT")
        .contains("RATE_LIMIT_MAX")
        .contains("JWT_SECRET");
  }

  /** Runs Main to its exit; every line of its output a JSON object, no secret anywhere. */
  private List<JsonObject> run(Map<String, String> env, int expectedExit) {
    try (ChildProcess main = ChildProcess.java(workDir, env, "chat.nexus.Main")) {
      int exit = main.waitFor(EXIT_TIMEOUT_S);
      String output = main.output();
      System.out.println("---- output ----\n" + output + "\n---- exit " + exit);
      assertThat(exit).as("exit status").isEqualTo(expectedExit);
      for (String secret : SECRETS) {
        assertThat(output).as("no secret in the output").doesNotContain(secret);
      }
      List<String> raw = output.lines().filter(l -> !l.isBlank()).toList();
      assertThat(raw).isNotEmpty();
      return raw.stream().map(StartupLogTest::json).toList();
    }
  }

  private static JsonObject json(String line) {
    try {
      return new JsonObject(line);
    } catch (DecodeException e) {
      throw new AssertionError("not a JSON object: " + line, e);
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
