package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rooms per socket are capped (MAX_ROOMS_PER_SOCKET) and a join ack lists a bounded number of
 * members.
 */
class RoomLimitsTest {

  private static final int MAX_ROOMS = 5;

  private static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(Backend.H2, Map.of("MAX_ROOMS_PER_SOCKET", String.valueOf(MAX_ROOMS)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aJoinPastTheCapIsRefusedUntilTheSocketLeavesARoom() {
    Client client = server.connectGuest("collector");
    for (int i = 0; i < MAX_ROOMS; i++) {
      assertThat(join(client, "room-" + i).getBoolean("ok")).isTrue();
    }
    JsonObject refused = join(client, "room-" + MAX_ROOMS);
    Rest.assertErrorShape(refused, "FORBIDDEN");
    assertThat(refused.getJsonObject("error").getString("message"))
        .contains("at most " + MAX_ROOMS + " rooms");
    assertThat(join(client, "room-2").getBoolean("ok")).as("a room it is in already").isTrue();
    assertThat(client.call("room:leave", new JsonObject().put("roomId", "room-0")).getBoolean("ok"))
        .isTrue();
    assertThat(join(client, "room-" + MAX_ROOMS).getBoolean("ok")).isTrue();
    // the refused join stored no room
    assertThat(server.count("SELECT COUNT(*) FROM rooms WHERE id = ?", "room-" + (MAX_ROOMS + 1)))
        .isZero();
  }

  @Test
  void aJoinAckListsTheFirstMembersAndCountsAll() throws Exception {
    int online = ChatEvents.JOIN_ACK_MAX_MEMBERS + 50;
    Presence presence = server.chatServer().production().presence();
    for (int i = 0; i < online; i++) {
      presence
          .join("crowded", "user-" + i)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    Client client = server.connectGuest("latecomer");
    JsonObject ack = join(client, "crowded");
    assertThat(ack.getBoolean("ok")).isTrue();
    assertThat(ack.getJsonArray("members")).hasSize(ChatEvents.JOIN_ACK_MAX_MEMBERS);
    assertThat(ack.getInteger("memberCount")).isEqualTo(online + 1);
  }

  private static JsonObject join(Client client, String roomId) {
    return client.call("room:join", new JsonObject().put("roomId", roomId));
  }
}
