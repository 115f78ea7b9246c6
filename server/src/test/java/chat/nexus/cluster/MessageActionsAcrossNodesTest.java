package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two chat servers over the real Redis and one PostgreSQL schema: an edit, a reaction, a reply and
 * a delete made on one node reach the other node's sockets as message:updated (or message:new), and
 * history read on either node shows them.
 */
class MessageActionsAcrossNodesTest {

  @Test
  void changesReachTheOtherNodeAndItsHistory() throws Exception {
    String key = "nexus-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.put("REDIS_URL", TwoNodesTest.REDIS_URL);
      env.put("REDIS_ADAPTER_KEY", key);
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env)) {
        TwoNodesTest.waitForNodes(one, 2);
        TwoNodesTest.waitForNodes(two, 2);
        String room = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
        Client ann = one.connect(TwoNodesTest.token("ann-" + key, "Ann"));
        Client bob = two.connect(TwoNodesTest.token("bob-" + key, "Bob"));
        for (Client c : new Client[] {ann, bob}) {
          assertThat(c.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
              .isTrue();
        }
        long id =
            ok(ann, "message:send", new JsonObject().put("roomId", room).put("text", "drfat"))
                .getJsonObject("message")
                .getLong("id");
        bob.next("message:new");

        JsonObject edited =
            ok(
                    ann,
                    "message:edit",
                    new JsonObject().put("roomId", room).put("messageId", id).put("text", "draft"))
                .getJsonObject("message");
        assertThat(bob.next("message:updated")).isEqualTo(edited);
        assertThat(firstInHistory(bob, room)).as("history on the other node").isEqualTo(edited);

        JsonObject reacted =
            ok(
                    bob,
                    "message:react",
                    new JsonObject().put("roomId", room).put("messageId", id).put("emoji", "🎉"))
                .getJsonObject("message");
        assertThat(ann.next("message:updated")).isEqualTo(reacted);
        assertThat(firstInHistory(ann, room)).isEqualTo(reacted);

        JsonObject reply =
            ok(
                    bob,
                    "message:send",
                    new JsonObject().put("roomId", room).put("text", "nice").put("replyTo", id))
                .getJsonObject("message");
        assertThat(ann.next("message:new")).isEqualTo(reply);
        assertThat(reply.getJsonObject("replyTo").getString("text")).isEqualTo("draft");

        JsonObject deleted =
            ok(ann, "message:delete", new JsonObject().put("roomId", room).put("messageId", id))
                .getJsonObject("message");
        assertThat(bob.next("message:updated")).isEqualTo(deleted);
        JsonObject onTwo =
            bob.call("history", new JsonObject().put("roomId", room))
                .getJsonArray("messages")
                .getJsonObject(1);
        assertThat(onTwo).isEqualTo(deleted);
        assertThat(
                ann.call("history", new JsonObject().put("roomId", room))
                    .getJsonArray("messages")
                    .getJsonObject(0)
                    .getJsonObject("replyTo")
                    .getString("text"))
            .as("the reply's quote of a deleted message is empty")
            .isEmpty();
      }
    }
  }

  private static JsonObject ok(Client client, String event, JsonObject payload) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s: %s", event, ack).isTrue();
    return ack;
  }

  private static JsonObject firstInHistory(Client client, String room) {
    return client
        .call("history", new JsonObject().put("roomId", room))
        .getJsonArray("messages")
        .getJsonObject(0);
  }
}
