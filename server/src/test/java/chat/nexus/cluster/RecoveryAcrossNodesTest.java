package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two chat servers with the streams adapter (REDIS_ADAPTER=streams, a stream and channel prefix of
 * the test's own on the real Redis): a client whose connection to one drops reconnects to the other
 * and recovers its session there (same socket id, its rooms, the message it missed), through the
 * official JavaScript client (src/test/js/recovery-across-nodes.mjs).
 */
class RecoveryAcrossNodesTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "recovery-across-nodes.mjs");
  private static final long NODE_TIMEOUT_S = 90;

  @TempDir Path workDir;

  @Test
  void aClientRecoversItsSessionOnAnotherNode() throws Exception {
    String key = "nexus-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.put("REDIS_URL", TwoNodesTest.REDIS_URL);
      env.put("REDIS_ADAPTER_KEY", key);
      env.put("REDIS_ADAPTER", "streams");
      env.put("REDIS_ADAPTER_STREAM", key + "-stream");
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env)) {
        TwoNodesTest.waitForNodes(one, 2);
        TwoNodesTest.waitForNodes(two, 2);
        String room = "recover-" + UUID.randomUUID().toString().substring(0, 8);
        JsonObject out;
        try (ChildProcess node =
            ChildProcess.node(
                workDir,
                Map.of(
                    "NEXUS_URL", one.url(),
                    "NEXUS2_URL", two.url(),
                    "NEXUS_ROOM", room,
                    "NEXUS_TOKEN_A", TwoNodesTest.token("ann-" + key, "Ann"),
                    "NEXUS_TOKEN_B", TwoNodesTest.token("bob-" + key, "Bob"),
                    "REDIS_URL", TwoNodesTest.REDIS_URL),
                SCRIPT)) {
          int exit = node.waitFor(NODE_TIMEOUT_S);
          assertThat(exit).as("node exit code; output:\n%s", node.output()).isZero();
          String last = node.output().lines().reduce((first, second) -> second).orElse("");
          out = new JsonObject(last);
        }
        assertThat(out.getJsonArray("joins")).isEqualTo(new JsonArray().add(true).add(true));
        assertThat(out.getBoolean("sentWhileAway")).isTrue();
        JsonObject back = out.getJsonObject("back");
        assertThat(back.getBoolean("recovered")).as("%s", out).isTrue();
        assertThat(back.getString("id")).isEqualTo(out.getString("firstId"));
        assertThat(out.getJsonArray("heard")).isEqualTo(new JsonArray().add("while you were away"));
        assertThat(out.getBoolean("sendAfter")).as("still in the room: %s", out).isTrue();
      }
    }
  }
}
