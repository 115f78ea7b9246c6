package chat.nexus.roomcompanions;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.llm.FakeUpstream;
import chat.nexus.testing.Client;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a companion in a room sends upstream (a fake OpenAI-compatible server): the card's system
 * prompt first, then who is in the room, then the room's messages with their speakers' names, the
 * mention last; and the upstream's words become the stored reply.
 */
class RoomCompanionPromptTest extends ServerCases {

  private Vertx vertx;
  private FakeUpstream upstream;

  @Override
  protected Map<String, String> env() {
    vertx = Vertx.vertx();
    upstream = FakeUpstream.start(vertx);
    return Map.of("LLM_BASE_URL", upstream.baseUrl(), "LLM_API_KEYS", "test-key");
  }

  @AfterAll
  void stopUpstream() {
    upstream.close();
    vertx.close();
  }

  @Test
  void thePromptNamesThePeopleAndWhoSaidWhat() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String mira =
        rest.post(
                "/api/characters",
                RoomCompanionsAcrossNodesTest.card(
                    "Mira " + UUID.randomUUID().toString().substring(0, 6)),
                ann.token())
            .assertOk(201)
            .getJsonObject("character")
            .getString("id");
    try (Client owner = server.connect(ann.token());
        Client other = server.connect(bob.token())) {
      String room = room();
      RoomCompanionCases.ok(owner, "room:create", new JsonObject().put("name", room));
      join(owner, room);
      join(other, room);
      RoomCompanionCases.ok(owner, "room:companion:add", RoomCompanionCases.add(room, mira));
      RoomCompanionCases.send(other, room, "the engines are humming");
      long id = RoomCompanionCases.send(owner, room, "@mira status report?").getLong("id");

      RoomCompanionCases.Reply reply = RoomCompanionCases.reply(other, id);
      assertThat(reply.message().getString("text")).isEqualTo("Hello there!");
      assertThat(reply.streamed()).isEqualTo("Hello there!");

      JsonArray messages = upstream.bodies().get(0).getJsonArray("messages");
      JsonObject card = messages.getJsonObject(0);
      assertThat(card.getString("role")).isEqualTo("system");
      assertThat(card.getString("content")).contains("the ship's cheerful AI");
      JsonObject roster = messages.getJsonObject(1);
      assertThat(roster.getString("role")).isEqualTo("system");
      assertThat(roster.getString("content"))
          .contains("People here: Ann, Bob")
          .contains("Ann just spoke to Mira");
      assertThat(messages.getJsonObject(2).getString("content"))
          .isEqualTo("Bob: the engines are humming");
      JsonObject last = messages.getJsonObject(messages.size() - 1);
      assertThat(last.getString("role")).isEqualTo("user");
      assertThat(last.getString("content")).isEqualTo("Ann: @mira status report?");
    }
  }
}
