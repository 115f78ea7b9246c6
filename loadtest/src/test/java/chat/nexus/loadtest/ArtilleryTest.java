package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Artillery scenario (loadtest/artillery/chat.yml, Socket.IO engine) in a tiny run against the
 * real chat server: 10 users, each joins its room and sends 5 acknowledged messages; its own check
 * that no user failed must pass. Its p99 threshold is for real runs and is lifted here: a test
 * asserts what happened, not how fast on a machine that may be busy. Artillery was installed by the
 * build (npm ci).
 */
class ArtilleryTest {
  private static final Path DIR = Path.of("artillery").toAbsolutePath();
  private static final long TIMEOUT_S = 120;

  @Test
  void tinyRunOfTheArtilleryScenarioPasses() throws Exception {
    Path out = Files.createTempFile("artillery-", ".json");
    try (LocalChatServer server = new LocalChatServer()) {
      run(List.of("node", "tokens.js", "10", "5", server.url()));
      run(
          List.of(
              DIR.resolve("node_modules/.bin/artillery").toString(),
              "run",
              "--target",
              server.url(),
              "--overrides",
              "{\"config\":{\"phases\":[{\"duration\":2,\"arrivalRate\":5}],"
                  + "\"ensure\":{\"thresholds\":[{\"socketio.response_time.p99\":600000}]}}}",
              "--output",
              out.toString(),
              "chat.yml"));
    }
    JsonObject counters =
        new JsonObject(Files.readString(out)).getJsonObject("aggregate").getJsonObject("counters");
    assertThat(counters.getLong("vusers.completed")).isEqualTo(10);
    assertThat(counters.getLong("vusers.failed", 0L)).isZero();
    assertThat(counters.getLong("socketio.emit")).isEqualTo(60);
    Files.deleteIfExists(out);
  }

  /**
   * Runs a command in artillery/ with the test's JWT secret; fails with its output unless it exits
   * 0.
   */
  private static void run(List<String> command) throws Exception {
    Path log = Files.createTempFile("artillery-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("JWT_SECRET", LocalChatServer.SECRET);
    env.put("ARTILLERY_DISABLE_TELEMETRY", "true");
    Process p = pb.start();
    boolean done = p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
    if (!done) p.destroyForcibly();
    String output = Files.readString(log);
    Files.deleteIfExists(log);
    assertThat(done)
        .as("%s finished within %d s; output:%n%s", command.get(0), TIMEOUT_S, output)
        .isTrue();
    assertThat(p.exitValue())
        .as("%s exit status; output:%n%s", String.join(" ", command), output)
        .isZero();
    output
        .lines()
        .filter(l -> l.startsWith("ok:") || l.startsWith("fail:"))
        .forEach(System.out::println); // ensure's checks
  }
}
