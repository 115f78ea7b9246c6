package chat.nexus.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.rooms.RoomIds;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over the real Redis and one PostgreSQL schema: a read on one node reaches the same
 * user's socket on the other (conversation:read) and the direct room's peer there (receipt); a
 * mention's notification reaches the mentioned user's socket on the other node.
 */
class ConversationsAcrossNodesTest {

  static final String REDIS_URL = System.getProperty("nexus.redis.url", "redis://127.0.0.1:6379");

  @Test
  void readsAndNotificationsCrossNodes() throws Exception {
    String key = "nexus-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.put("REDIS_URL", REDIS_URL);
      env.put("REDIS_ADAPTER_KEY", key);
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env)) {
        waitForNodes(one);
        waitForNodes(two);
        String annId = "ann-" + key;
        String bobId = "bob-" + key;
        String annName = "Ann" + key.substring(11);
        String bobName = "Bob" + key.substring(11);
        String room = "cluster-" + key.substring(11);
        try (Client annOnOne = one.connect(token(annId, annName));
            Client annOnTwo = two.connect(token(annId, annName));
            Client bobOnTwo = two.connect(token(bobId, bobName))) {
          join(annOnOne, room);
          join(bobOnTwo, room);

          // a mention from node one reaches Bob on node two
          JsonObject sent =
              call(
                  annOnOne,
                  "message:send",
                  new JsonObject().put("roomId", room).put("text", "hi @" + bobName));
          JsonObject note = bobOnTwo.next("notification");
          assertThat(note.getString("kind")).isEqualTo("mention");
          assertThat(note.getJsonObject("message").getLong("id"))
              .isEqualTo(sent.getJsonObject("message").getLong("id"));
          assertThat(note.getJsonObject("message").getJsonArray("mentions")).containsExactly(bobId);

          // Bob reads on node two; Ann reads on node one and her socket on node two hears it
          long id = sent.getJsonObject("message").getLong("id");
          JsonObject ack =
              call(annOnOne, "read", new JsonObject().put("roomId", room).put("messageId", id));
          assertThat(ack.getLong("lastReadId")).isEqualTo(id);
          JsonObject pushed = annOnTwo.next("conversation:read");
          assertThat(pushed.getString("roomId")).isEqualTo(room);
          assertThat(pushed.getLong("lastReadId")).isEqualTo(id);

          // a direct message from two, read on one: the receipt crosses back
          String dm = RoomIds.direct(annId, bobId);
          join(bobOnTwo, dm);
          long direct =
              call(bobOnTwo, "message:send", new JsonObject().put("roomId", dm).put("text", "psst"))
                  .getJsonObject("message")
                  .getLong("id");
          assertThat(annOnOne.next("notification").getString("kind")).isEqualTo("direct");
          call(annOnOne, "read", new JsonObject().put("roomId", dm).put("messageId", direct));
          JsonObject receipt = bobOnTwo.next("receipt");
          assertThat(receipt.getString("userId")).isEqualTo(annId);
          assertThat(receipt.getLong("lastReadId")).isEqualTo(direct);

          // the list on node two has the marker Ann set on node one, once it is written
          Waits.untilTrue(
              () -> {
                JsonObject body =
                    two.rest().get("/api/me/conversations", token(annId, annName)).assertOk(200);
                for (Object o : body.getJsonArray("conversations")) {
                  JsonObject c = (JsonObject) o;
                  if (c.getString("id").equals(dm)) {
                    return c.getLong("lastReadId") == direct && c.getInteger("unreadCount") == 0;
                  }
                }
                return false;
              },
              "the read marker in the list on the other node");
        }
      }
    }
  }

  private static void join(Client client, String roomId) {
    call(client, "room:join", new JsonObject().put("roomId", roomId));
  }

  private static JsonObject call(Client client, String event, JsonObject payload) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s %s: %s", event, payload, ack).isTrue();
    return ack;
  }

  static String token(String userId, String name) {
    return Jwt.sign(
        TestServer.SECRET, Jwt.supabaseClaims(userId, name, TimeUnit.HOURS.toSeconds(1)));
  }

  static void waitForNodes(TestServer server) {
    Waits.untilTrue(
        () -> server.chatServer().io().sockets().adapter().serverCount() == 2,
        "the node to see 2 nodes");
  }
}
