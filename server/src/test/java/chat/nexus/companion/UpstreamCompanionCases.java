package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Companion tests against a fake OpenAI-compatible upstream ({@link ScriptedUpstream}, numbered
 * replies, no retries), with helpers that send a turn and wait for its end.
 */
abstract class UpstreamCompanionCases extends CompanionFixtures {

  final ScriptedUpstream upstream = ScriptedUpstream.start(replies());

  /** What the upstream answers to a request body; null: "Reply n.", numbered. */
  java.util.function.Function<JsonObject, String> replies() {
    return null;
  }

  @Override
  protected Map<String, String> env() {
    return Map.of(
        "LLM_BASE_URL", upstream.baseUrl(),
        "LLM_API_KEYS", "sk-scripted-upstream-key-0123456789",
        "LLM_MAX_RETRIES", "0");
  }

  @AfterAll
  void closeUpstream() {
    upstream.close();
  }

  static JsonObject ok(JsonObject ack) {
    assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
    return ack;
  }

  /** Sends a message and waits for its reply's done (or error) event. */
  static JsonObject say(Client client, String id, long conversationId, String text) {
    ok(
        client.call(
            "companion:message",
            new JsonObject()
                .put("characterId", id)
                .put("conversationId", conversationId)
                .put("text", text)));
    List<JsonObject> events = streamUntilEnd(client);
    return events.get(events.size() - 1);
  }

  static JsonObject regenerate(Client client, String id, long conversationId) {
    ok(
        client.call(
            "companion:regenerate",
            new JsonObject().put("characterId", id).put("conversationId", conversationId)));
    List<JsonObject> events = streamUntilEnd(client);
    return events.get(events.size() - 1);
  }

  static JsonObject open(Client client, String id, Long conversationId) {
    JsonObject payload = new JsonObject().put("characterId", id);
    if (conversationId != null) {
      payload.put("conversationId", conversationId);
    }
    return ok(client.call("companion:open", payload));
  }
}
