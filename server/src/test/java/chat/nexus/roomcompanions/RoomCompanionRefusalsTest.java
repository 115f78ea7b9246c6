package chat.nexus.roomcompanions;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The LLM gateway's caps apply to replies in rooms, and the payer is who the room says: a mention
 * refused by the gateway comes back to its asker as {@code room:companion:refused} with AI_BUSY and
 * a retryAfter. One slot per user and two in all, no waiting for a slot.
 */
class RoomCompanionRefusalsTest extends ServerCases {

  @Override
  protected Map<String, String> env() {
    return Map.of(
        "LLM_SIMULATED_TOKEN_MS", "60",
        "LLM_MAX_CONCURRENT", "2",
        "LLM_MAX_PER_USER", "1",
        "LLM_QUEUE_TIMEOUT_MS", "0");
  }

  private String mira(TestUser owner) {
    return rest.post(
            "/api/characters?visibility=public",
            RoomCompanionsAcrossNodesTest.card(
                "Mira " + UUID.randomUUID().toString().substring(0, 6)),
            owner.token())
        .assertOk(201)
        .getJsonObject("character")
        .getString("id");
  }

  /** Starts a one-to-one companion reply of the client's user: it holds one of their slots. */
  private static void busyWith(Client client, String characterId) {
    RoomCompanionCases.ok(
        client,
        "companion:message",
        new JsonObject().put("characterId", characterId).put("text", "tell me everything"));
  }

  private static JsonObject refusal(Client client, long messageId) {
    JsonObject refused = client.next("room:companion:refused");
    assertThat(refused.getLong("messageId")).isEqualTo(messageId);
    return refused.getJsonObject("error");
  }

  @Test
  void aSponsoredRoomSpendsItsOwnersBudget() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String mira = mira(ann);
    try (Client owner = server.connect(ann.token());
        Client asker = server.connect(bob.token())) {
      String room = room();
      RoomCompanionCases.ok(owner, "room:create", new JsonObject().put("name", room));
      join(owner, room);
      join(asker, room);
      RoomCompanionCases.ok(
          owner, "room:companion:add", RoomCompanionCases.add(room, mira).put("sponsored", true));

      // Ann's one slot is taken: a sponsored reply, on her budget, is refused
      busyWith(owner, mira);
      long id = RoomCompanionCases.send(asker, room, "@mira hello").getLong("id");
      JsonObject error = refusal(asker, id);
      assertThat(error.getString("code")).isEqualTo("AI_BUSY");
      assertThat(error.getLong("retryAfter")).isPositive();

      // not sponsored: Bob pays, and is answered
      RoomCompanionCases.ok(owner, "room:companion:add", RoomCompanionCases.add(room, mira));
      long again = RoomCompanionCases.send(asker, room, "@mira hello again").getLong("id");
      assertThat(RoomCompanionCases.reply(asker, again).streamed()).isNotEmpty();
    }
  }

  @Test
  void aFullGatewayRefusesTheMentionWithAClearCode() {
    TestUser ann = user("Ann");
    TestUser carl = user("Carl");
    TestUser bob = user("Bob");
    String mira = mira(ann);
    try (Client owner = server.connect(ann.token());
        Client third = server.connect(carl.token());
        Client asker = server.connect(bob.token())) {
      String room = room();
      RoomCompanionCases.ok(owner, "room:create", new JsonObject().put("name", room));
      join(owner, room);
      join(asker, room);
      RoomCompanionCases.ok(owner, "room:companion:add", RoomCompanionCases.add(room, mira));

      busyWith(owner, mira);
      busyWith(third, mira);
      long id = RoomCompanionCases.send(asker, room, "@mira are you there?").getLong("id");
      assertThat(refusal(asker, id).getString("code")).isEqualTo("AI_BUSY");
      assertThat(rest.get("/metrics").body())
          .contains("nexus_room_companion_mentions_total{outcome=\"AI_BUSY\"}");
      // the refused mention left the line: the next one is taken
      assertThat(owner.next("room:companion:queue").getJsonObject("answering").getLong("messageId"))
          .isEqualTo(id);
      assertThat(owner.next("room:companion:queue").getValue("answering")).isNull();
    }
  }
}
