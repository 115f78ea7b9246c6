package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's own rooms (a socket's id, a user's inbox) stay private: another user can neither
 * join, leave, send to, type in nor read them, and hears nothing of what goes there (a companion's
 * reply streamed to one socket), over the official Java client.
 */
class PrivateRoomsTest {

  @Test
  void anotherUsersSocketRoomAndInboxAreRefusedAndLeakNothing() throws Exception {
    try (TestServer server = TestServer.start()) {
      JsonObject ann = server.guest("Ann");
      Client a = server.connect(ann.getString("token"));
      Client eve = server.connectGuest("Eve");
      String annSocket = a.id();
      // outside the public room-id alphabet, so no room-id rule can let it through (a cluster's
      // other nodes too)
      assertThat(annSocket).doesNotMatch("[A-Za-z0-9_\\-:.]{1,64}");
      String inbox = "@user/" + ann.getJsonObject("user").getString("id");

      for (String room : List.of(annSocket, inbox)) {
        JsonObject byId = new JsonObject().put("roomId", room);
        Rest.assertErrorShape(eve.call("room:join", byId), "FORBIDDEN");
        Rest.assertErrorShape(eve.call("room:leave", byId), "FORBIDDEN");
        Rest.assertErrorShape(
            eve.call("message:send", byId.copy().put("text", "hello")), "FORBIDDEN");
        Rest.assertErrorShape(eve.call("typing", byId.copy().put("isTyping", true)), "FORBIDDEN");
        Rest.assertErrorShape(eve.call("history", byId), "FORBIDDEN");
      }
      // Ann's own socket is refused the same: these rooms are the server's, not hers to address
      Rest.assertErrorShape(
          a.call("room:join", new JsonObject().put("roomId", annSocket)), "FORBIDDEN");

      String character =
          server
              .rest()
              .get("/api/characters")
              .json()
              .getJsonArray("characters")
              .getJsonObject(0)
              .getString("id");
      JsonObject sent =
          a.call(
              "companion:message",
              new JsonObject().put("characterId", character).put("text", "Tell me a story"));
      assertThat(sent.getBoolean("ok")).as("%s", sent).isTrue();
      JsonObject done = a.next("companion:done");
      assertThat(done.getLong("messageId")).isEqualTo(sent.getLong("messageId"));
      // Eve's socket shares the node, its event loops and the adapter with Ann's: one round trip
      // after the
      // reply is done, anything that went her way would have arrived.
      eve.call("history", new JsonObject().put("roomId", "lobby"));
      assertThat(eve.pending("companion:token") + eve.pending("companion:done")).isZero();
    }
  }
}
