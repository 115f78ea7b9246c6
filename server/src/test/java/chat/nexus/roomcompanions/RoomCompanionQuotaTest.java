package chat.nexus.roomcompanions;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A reply in a room counts against its payer's usage like a one-to-one reply, and a payer past
 * their daily quota is refused with QUOTA_EXCEEDED and the time it renews.
 */
class RoomCompanionQuotaTest extends ServerCases {

  @Override
  protected Map<String, String> env() {
    return Map.of("LLM_SIMULATED_TOKEN_MS", "5", "LLM_QUOTA_DAILY_TOKENS", "50");
  }

  @Test
  void repliesCountAgainstTheAskerAndStopAtTheQuota() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String mira =
        rest.post(
                "/api/characters?visibility=public",
                RoomCompanionsAcrossNodesTest.card(
                    "Mira " + UUID.randomUUID().toString().substring(0, 6)),
                ann.token())
            .assertOk(201)
            .getJsonObject("character")
            .getString("id");
    try (Client owner = server.connect(ann.token());
        Client asker = server.connect(bob.token())) {
      String room = room();
      RoomCompanionCases.ok(owner, "room:create", new JsonObject().put("name", room));
      join(owner, room);
      join(asker, room);
      RoomCompanionCases.ok(owner, "room:companion:add", RoomCompanionCases.add(room, mira));

      long first = RoomCompanionCases.send(asker, room, "@mira hello").getLong("id");
      assertThat(RoomCompanionCases.reply(asker, first).streamed()).isNotEmpty();
      Waits.untilTrue(() -> usedToday(bob) > 50, "the reply counted against Bob");
      assertThat(usedToday(ann)).as("not the owner's: the room is not sponsored").isZero();

      long second = RoomCompanionCases.send(asker, room, "@mira again").getLong("id");
      JsonObject refused = asker.next("room:companion:refused");
      assertThat(refused.getLong("messageId")).isEqualTo(second);
      assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("QUOTA_EXCEEDED");
      assertThat(refused.getJsonObject("error").getString("resetAt")).endsWith("T00:00:00Z");
    }
  }

  private long usedToday(TestUser user) {
    return rest.get("/api/me/usage", user.token())
        .assertOk(200)
        .getJsonObject("usage")
        .getJsonObject("today")
        .getLong("total");
  }
}
