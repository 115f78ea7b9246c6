package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over the real Redis and one PostgreSQL schema: a conversation started, renamed and
 * deleted on one node reaches the same user's socket on the other, and its messages and chosen
 * swipe read the same there.
 */
class CompanionChatsAcrossNodesTest {

  static final String REDIS_URL = System.getProperty("nexus.redis.url", "redis://127.0.0.1:6379");

  @Test
  void conversationsFollowTheUserAcrossNodes() throws Exception {
    String key = "nexus-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.put("REDIS_URL", REDIS_URL);
      env.put("REDIS_ADAPTER_KEY", key);
      env.put("LLM_SIMULATED_TOKEN_MS", "1");
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env)) {
        waitForNodes(one);
        waitForNodes(two);
        String token =
            Jwt.sign(
                TestServer.SECRET,
                Jwt.supabaseClaims("ann-" + key, "Ann", TimeUnit.HOURS.toSeconds(1)));
        try (Client onOne = one.connect(token);
            Client onTwo = two.connect(token)) {
          JsonObject opened =
              call(onOne, "companion:open", new JsonObject().put("characterId", DemoCharacter.ID));
          long id = opened.getJsonObject("conversation").getLong("id");
          assertThat(
                  onTwo.next("companion:conversation").getJsonObject("conversation").getLong("id"))
              .isEqualTo(id);

          call(
              onOne,
              "companion:message",
              new JsonObject()
                  .put("characterId", DemoCharacter.ID)
                  .put("conversationId", id)
                  .put("text", "Hello from node one"));
          List<JsonObject> events = CompanionFixtures.streamUntilEnd(onOne);
          assertThat(events.get(events.size() - 1).getString("event")).isEqualTo("done");
          call(
              onOne,
              "companion:regenerate",
              new JsonObject().put("characterId", DemoCharacter.ID).put("conversationId", id));
          List<JsonObject> again = CompanionFixtures.streamUntilEnd(onOne);
          assertThat(again.get(again.size() - 1).getString("event")).isEqualTo("done");

          JsonArray there =
              call(
                      onTwo,
                      "companion:open",
                      new JsonObject()
                          .put("characterId", DemoCharacter.ID)
                          .put("conversationId", id))
                  .getJsonArray("messages");
          JsonObject last = there.getJsonObject(there.size() - 1);
          assertThat(last.getInteger("swipes")).isEqualTo(2);
          assertThat(there.getJsonObject(1).getString("content")).isEqualTo("Hello from node one");

          // every socket of the user hears of the start, the one that asked too
          assertThat(
                  onOne
                      .next("companion:conversation")
                      .getJsonObject("conversation")
                      .getString("title"))
              .isNull();
          call(
              onTwo,
              "companion:rename",
              new JsonObject().put("conversationId", id).put("title", "Across nodes"));
          assertThat(
                  onOne
                      .next("companion:conversation")
                      .getJsonObject("conversation")
                      .getString("title"))
              .isEqualTo("Across nodes");
          call(onTwo, "companion:delete", new JsonObject().put("conversationId", id));
          assertThat(onOne.next("companion:conversation-deleted").getLong("conversationId"))
              .isEqualTo(id);
        }
      }
    }
  }

  private static JsonObject call(Client client, String event, JsonObject payload) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s %s: %s", event, payload, ack).isTrue();
    return ack;
  }

  static void waitForNodes(TestServer server) {
    Waits.untilTrue(
        () -> server.chatServer().io().sockets().adapter().serverCount() == 2,
        "the node to see 2 nodes");
  }
}
