package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Presence shared by two nodes through the real Redis: members, several tabs on several nodes, a
 * crashed node.
 */
class PresenceAcrossNodesTest {

  static final long HEARTBEAT_MS = 100;
  static final long TTL_MS = 500;

  private static Map<String, String> env(TestRedis redis) {
    Map<String, String> env = new HashMap<>(redis.env());
    env.put("PRESENCE_HEARTBEAT_MS", String.valueOf(HEARTBEAT_MS));
    env.put("PRESENCE_TTL_MS", String.valueOf(TTL_MS));
    return env;
  }

  private static List<String> members(TestServer server, String roomId) throws Exception {
    return server
        .chatServer()
        .production()
        .presence()
        .members(roomId, 1_000)
        .await(5, TimeUnit.SECONDS)
        .some();
  }

  private static JsonObject join(Client client, String roomId) {
    JsonObject ack = client.call("room:join", new JsonObject().put("roomId", roomId));
    assertThat(ack.getBoolean("ok")).as("join ack %s", ack).isTrue();
    return ack;
  }

  @Test
  void membersOfARoomAreTheSameOnEveryNodeAndSeveralTabsCountAsOne() throws Exception {
    try (TestRedis redis = new TestRedis();
        TestServer a = TestServer.start(Backend.H2, env(redis));
        TestServer b = TestServer.start(Backend.H2, env(redis))) {
      // Ann has tabs on both nodes: an identity provider's token (sessions of our own live in the
      // one
      // database that real nodes share; these two test nodes have a database each)
      String annId = "ann-" + java.util.UUID.randomUUID();
      JsonObject ann =
          new JsonObject()
              .put(
                  "token",
                  chat.nexus.testing.Jwt.sign(
                      TestServer.SECRET,
                      chat.nexus.testing.Jwt.supabaseClaims(annId, "ann", 3600)));
      JsonObject bob = b.guest("bob");
      String bobId = bob.getJsonObject("user").getString("id");

      Client annOnA = a.connect(ann.getString("token"));
      join(annOnA, "hall");
      Client bobOnB = b.connect(bob.getString("token"));
      assertThat(join(bobOnB, "hall").getJsonArray("members").getList())
          .containsExactlyInAnyOrder(annId, bobId);

      Client annOnB = b.connect(ann.getString("token")); // a second tab, on the other node
      join(annOnB, "hall");
      annOnA.call("room:leave", new JsonObject().put("roomId", "hall"));
      assertThat(members(a, "hall")).containsExactlyInAnyOrder(annId, bobId);
      assertThat(bobOnB.pending("presence")).isZero(); // no offline: ann is still there on b

      annOnB.call("room:leave", new JsonObject().put("roomId", "hall"));
      JsonObject offline = bobOnB.next("presence");
      assertThat(offline.getString("userId")).isEqualTo(annId);
      assertThat(offline.getString("status")).isEqualTo("offline");
      assertThat(members(a, "hall")).containsExactly(bobId);
    }
  }

  @Test
  void theUsersOfANodeThatStopsBeatingGoOfflineWithinTheTtl() throws Exception {
    try (TestRedis redis = new TestRedis();
        TestServer a = TestServer.start(Backend.H2, env(redis));
        TestServer b = TestServer.start(Backend.H2, env(redis))) {
      JsonObject ann = a.guest("ann");
      String annId = ann.getJsonObject("user").getString("id");
      join(a.connect(ann.getString("token")), "deck");
      Client bob = b.connectGuest("bob");
      assertThat(join(bob, "deck").getJsonArray("members").getList()).contains(annId);

      long crashed = System.nanoTime();
      ((RedisPresence) a.chatServer().production().presence()).stopHeartbeats(); // a "crashes"
      JsonObject offline = bob.next("presence");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
      assertThat(offline.getString("userId")).isEqualTo(annId);
      assertThat(offline.getString("status")).isEqualTo("offline");
      assertThat(tookMs).isLessThan(TTL_MS + HEARTBEAT_MS * 2 + 1_000);
      assertThat(members(b, "deck")).doesNotContain(annId);
    }
  }

  @Test
  void aJoinInACrowdedRoomReadsACountAndAHundredNamesFromRedis() throws Exception {
    try (TestRedis redis = new TestRedis();
        TestServer a = TestServer.start(Backend.H2, env(redis));
        TestServer b = TestServer.start(Backend.H2, env(redis))) {
      int online = 3_000;
      Presence presence = a.chatServer().production().presence();
      for (int i = 0; i < online; i++) {
        presence.join("crowded", "user-" + i).await(10, TimeUnit.SECONDS);
      }
      Presence.Members few =
          b.chatServer().production().presence().members("crowded", 7).await(5, TimeUnit.SECONDS);
      assertThat(few.count()).isEqualTo(online);
      assertThat(few.some())
          .hasSize(7)
          .doesNotHaveDuplicates()
          .allMatch(user -> user.startsWith("user-"));

      JsonObject ack = join(b.connectGuest("latecomer"), "crowded");
      assertThat(ack.getJsonArray("members")).hasSize(ChatEvents.JOIN_ACK_MAX_MEMBERS);
      assertThat(ack.getInteger("memberCount")).isEqualTo(online + 1);
    }
  }
}
