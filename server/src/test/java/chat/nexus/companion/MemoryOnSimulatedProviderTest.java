package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The memory with the simulated provider (no API key) and a 600-token budget: once the history
 * outgrows the prompt, a summary is written and the prompt carries it instead of what it covers.
 */
class MemoryOnSimulatedProviderTest extends CompanionFixtures {

  @Override
  protected Map<String, String> env() {
    return Map.of("LLM_SIMULATED_TOKEN_MS", "1", "LLM_PROMPT_TOKEN_BUDGET", "600");
  }

  @Test
  void aLongConversationGetsASummary() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    JsonObject opened = client.call("companion:open", new JsonObject().put("characterId", id));
    long conversationId = opened.getJsonObject("conversation").getLong("id");
    assertThat(opened.getJsonObject("memory").getString("summary")).isNull();
    for (int i = 0; i < 25; i++) {
      JsonObject ack =
          client.call(
              "companion:message",
              new JsonObject()
                  .put("characterId", id)
                  .put("conversationId", conversationId)
                  .put("text", "Turn " + i + ": what do the ships carry tonight, and where to?"));
      assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
      List<JsonObject> events = streamUntilEnd(client);
      assertThat(events.get(events.size() - 1).getString("event")).isEqualTo("done");
    }
    Waits.within(
        Duration.ofSeconds(10),
        () ->
            server.count(
                    "SELECT COUNT(*) FROM companion_conversations WHERE id = ?"
                        + " AND summary IS NOT NULL AND summary_through > 0",
                    conversationId)
                == 1,
        "a summary written by the simulated provider");
    JsonObject memory =
        client
            .call(
                "companion:open",
                new JsonObject().put("characterId", id).put("conversationId", conversationId))
            .getJsonObject("memory");
    assertThat(memory.getString("summary")).isNotBlank();
  }
}
