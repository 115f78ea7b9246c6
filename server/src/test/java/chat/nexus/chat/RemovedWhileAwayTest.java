package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user kicked while their connection was down does not get the room back when their client
 * recovers its session (connection state recovery restores a socket's rooms): the official
 * JavaScript client, which recovers.
 */
class RemovedWhileAwayTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "removed-recovery.mjs");
  private static final long NODE_TIMEOUT_S = 90;

  @TempDir Path workDir;

  @Test
  void aRecoveredSocketIsNotBackInARoomItWasRemovedFrom() {
    try (TestServer server = TestServer.start(Backend.H2, Map.of())) {
      TestUser ann = TestUser.of(server.guest("Ann"));
      TestUser bob = TestUser.of(server.guest("Bob"));
      JsonObject out;
      try (ChildProcess node =
          ChildProcess.node(
              workDir,
              Map.of(
                  "NEXUS_URL", server.url(),
                  "NEXUS_ROOM", "away-" + UUID.randomUUID().toString().substring(0, 8),
                  "NEXUS_TOKEN_A", ann.token(),
                  "NEXUS_TOKEN_B", bob.token(),
                  "NEXUS_USER_B", bob.id()),
              SCRIPT)) {
        int exit = node.waitFor(NODE_TIMEOUT_S);
        assertThat(exit).as("node exit code; output:\n%s", node.output()).isZero();
        String last = node.output().lines().reduce((first, second) -> second).orElse("");
        out = new JsonObject(last);
      }
      assertThat(out.getJsonArray("setup"))
          .isEqualTo(new JsonArray().add(true).add(true).add(true).add(true));
      assertThat(out.getBoolean("kick")).as("%s", out).isTrue();
      assertThat(out.getBoolean("recovered")).as("the session is recovered: %s", out).isTrue();
      assertThat(out.getBoolean("sentAfter")).isTrue();
      assertThat(out.getJsonArray("heard")).as("%s", out).isEmpty();
    }
  }
}
