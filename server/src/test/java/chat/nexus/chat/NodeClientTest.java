package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two guests chatting through the official JavaScript client: src/test/js/two-guests.mjs signs them
 * in over REST, joins a room, exchanges messages and prints what it saw as JSON.
 */
class NodeClientTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "two-guests.mjs");
  private static final long NODE_TIMEOUT_S = 60;

  @TempDir Path workDir;

  @Test
  void twoGuestsChatThroughTheJavaScriptClient() {
    String roomId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestServer server = TestServer.start()) {
      JsonObject out;
      try (ChildProcess node =
          ChildProcess.node(
              workDir, Map.of("NEXUS_URL", server.url(), "NEXUS_ROOM", roomId), SCRIPT)) {
        int exit = node.waitFor(NODE_TIMEOUT_S);
        assertThat(exit).as("node exit code; output:\n%s", node.output()).isZero();
        String last = node.output().lines().reduce((first, second) -> second).orElse("");
        try {
          out = new JsonObject(last);
        } catch (RuntimeException e) {
          throw new AssertionError("node printed no JSON:\n" + node.output(), e);
        }
      }

      JsonObject ann = out.getJsonObject("ann");
      JsonObject bob = out.getJsonObject("bob");
      assertThat(ann.getString("kind")).isEqualTo("guest");
      assertThat(out.getJsonObject("joinA").getBoolean("ok")).isTrue();
      assertThat(out.getJsonObject("joinB").getJsonArray("members").getList())
          .containsExactlyInAnyOrder(ann.getString("id"), bob.getString("id"));

      JsonObject ackA = out.getJsonObject("ackA");
      assertThat(ackA.getBoolean("ok")).isTrue();
      JsonObject sentByAnn = ackA.getJsonObject("message");
      assertThat(sentByAnn.getString("clientId")).isEqualTo("node-1");
      assertThat(out.getJsonObject("receivedByBob")).isEqualTo(sentByAnn);
      JsonObject sentByBob = out.getJsonObject("ackB").getJsonObject("message");
      assertThat(out.getJsonObject("receivedByAnn")).isEqualTo(sentByBob);
      assertThat(sentByBob.getString("userId")).isEqualTo(bob.getString("id"));
      assertThat(sentByBob.getValue("clientId")).isNull();

      JsonArray history = out.getJsonObject("history").getJsonArray("messages");
      assertThat(history.getList()).hasSize(2);
      assertThat(history.getJsonObject(0)).isEqualTo(sentByBob);
      assertThat(history.getJsonObject(1)).isEqualTo(sentByAnn);

      JsonObject bad = out.getJsonObject("notAnObject");
      Rest.assertErrorShape(bad, "BAD_REQUEST");
      assertThat(bad.getJsonObject("error").getString("message"))
          .isEqualTo("the payload must be an object");

      assertThat(out.getJsonObject("heard").getJsonArray("ann").getList())
          .as("ann does not hear herself")
          .containsExactly("hi Ann");
      assertThat(out.getJsonObject("heard").getJsonArray("bob").getList())
          .containsExactly("hi Bob");
      assertThat(out.getJsonArray("presenceHeardByAnn").getList()).hasSize(1);
      assertThat(out.getJsonArray("presenceHeardByAnn").getJsonObject(0))
          .isEqualTo(
              new JsonObject()
                  .put("roomId", roomId)
                  .put("userId", bob.getString("id"))
                  .put("status", "online"));
      assertThat(out.getJsonObject("transports").getString("ann")).isEqualTo("websocket");

      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
          .isEqualTo(2);
    }
  }
}
