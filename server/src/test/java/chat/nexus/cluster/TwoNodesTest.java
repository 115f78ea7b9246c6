package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two chat servers sharing the real Redis (REDIS_URL, a random REDIS_ADAPTER_KEY per test) and one
 * PostgreSQL schema, a client on each: message:send on one node is message:new on the other, both
 * ways, and history on either node has both messages.
 */
class TwoNodesTest {

  static final String REDIS_URL = System.getProperty("nexus.redis.url", "redis://127.0.0.1:6379");

  @Test
  void roomMessagesCrossNodes() throws Exception {
    String key = "nexus-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.put("REDIS_URL", REDIS_URL);
      env.put("REDIS_ADAPTER_KEY", key);
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env)) {
        waitForNodes(one, 2);
        waitForNodes(two, 2);
        String room = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
        Client ann = one.connect(token("ann-" + key, "Ann"));
        Client bob = two.connect(token("bob-" + key, "Bob"));
        assertThat(ann.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
            .isTrue();
        assertThat(bob.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
            .isTrue();

        JsonObject sent =
            ann.call(
                "message:send", new JsonObject().put("roomId", room).put("text", "hello from one"));
        assertThat(sent.getBoolean("ok")).as("%s", sent).isTrue();
        JsonObject heard = bob.next("message:new");
        assertThat(heard.getString("text")).isEqualTo("hello from one");
        assertThat(heard.getLong("id")).isEqualTo(sent.getJsonObject("message").getLong("id"));

        assertThat(
                bob.call(
                        "message:send",
                        new JsonObject().put("roomId", room).put("text", "hello from two"))
                    .getBoolean("ok"))
            .isTrue();
        assertThat(ann.next("message:new").getString("text")).isEqualTo("hello from two");

        JsonArray history =
            ann.call("history", new JsonObject().put("roomId", room)).getJsonArray("messages");
        assertThat(history.stream().map(m -> ((JsonObject) m).getString("text")))
            .containsExactly("hello from two", "hello from one");

        String metrics = one.rest().get("/metrics", null).body();
        assertThat(metrics.lines().filter(l -> l.startsWith("nexus_redis_up")))
            .containsExactly("nexus_redis_up 1.0");
        assertThat(metrics.lines().filter(l -> l.startsWith("nexus_redis_publish_dropped_total")))
            .containsExactly("nexus_redis_publish_dropped_total 0.0");
      }
    }
  }

  static String token(String userId, String name) {
    return Jwt.sign(
        TestServer.SECRET, Jwt.supabaseClaims(userId, name, TimeUnit.HOURS.toSeconds(1)));
  }

  static void waitForNodes(TestServer server, int nodes) {
    Waits.untilTrue(
        () -> server.chatServer().io().sockets().adapter().serverCount() == nodes,
        "the node to see " + nodes + " nodes");
  }
}
