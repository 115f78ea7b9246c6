package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the cases of editing, deleting, replying to and reacting to messages share: the payloads,
 * acks that must be ok, refusals, and history over the socket and REST.
 */
abstract class MessageActionCases extends ServerCases {

  static JsonObject send(Client client, String roomId, String text) {
    return ok(client, "message:send", new JsonObject().put("roomId", roomId).put("text", text))
        .getJsonObject("message");
  }

  static JsonObject ok(Client client, String event, JsonObject payload) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s %s: %s", event, payload, ack).isTrue();
    return ack;
  }

  static JsonObject edit(String roomId, long id, String text) {
    return new JsonObject().put("roomId", roomId).put("messageId", id).put("text", text);
  }

  static JsonObject delete(String roomId, long id) {
    return new JsonObject().put("roomId", roomId).put("messageId", id);
  }

  static JsonObject react(String roomId, long id, String emoji) {
    return new JsonObject().put("roomId", roomId).put("messageId", id).put("emoji", emoji);
  }

  static void refused(Client client, String event, JsonObject payload, String code) {
    Rest.assertErrorShape(client.call(event, payload), code);
  }

  JsonArray history(Client client, String roomId) {
    return ok(client, "history", new JsonObject().put("roomId", roomId)).getJsonArray("messages");
  }

  JsonObject restFirst(TestUser user, String roomId) {
    return rest.get("/api/rooms/" + roomId + "/messages", user.token())
        .assertOk(200)
        .getJsonArray("messages")
        .getJsonObject(0);
  }
}
