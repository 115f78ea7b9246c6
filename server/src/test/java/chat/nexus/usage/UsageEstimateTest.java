package chat.nexus.usage;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.companion.PromptBuilder;
import chat.nexus.llm.ChatMessage;
import chat.nexus.llm.LlmCall;
import chat.nexus.llm.LlmRequest;
import chat.nexus.testing.Client;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A provider that reports no usage (the simulated one): the tokens are estimated as the prompt
 * builder budgets them, the reply's from its text.
 */
class UsageEstimateTest extends ServerCases {

  @Override
  protected Map<String, String> env() {
    return Map.of("LLM_SIMULATED_TOKEN_MS", "1");
  }

  @Test
  void withoutUsageFromTheProviderTheTokensAreEstimated() {
    JsonObject guest = server.guest("Estimator");
    String token = guest.getString("token");
    String userId = guest.getJsonObject("user").getString("id");
    JsonArray characters =
        rest.get("/api/characters", token).assertOk(200).getJsonArray("characters");
    String mira = characters.getJsonObject(0).getString("id");
    Client client = server.connect(token);
    JsonObject ack =
        client.call(
            "companion:message",
            new JsonObject().put("characterId", mira).put("text", "Tell me about the stars"));
    assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
    String reply = client.next("companion:done").getJsonObject("message").getString("content");

    Usage usage = server.chatServer().usage().usage();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Waits.untilTrue(
        () -> {
          Waits.get(usage.flush().toCompletionStage().toCompletableFuture(), "a flush");
          return usage.unwritten(userId, today).equals(UsageStore.Counts.NONE);
        },
        "the counts written");
    List<Map<String, Object>> rows =
        server.query(
            "SELECT character_id, tokens_in, tokens_out FROM llm_usage WHERE user_id = ?", userId);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("character_id")).isEqualTo(mira);
    assertThat(((Number) rows.get(0).get("tokens_out")).longValue())
        .isEqualTo(PromptBuilder.estimateTokens(reply));
    // the card, the greeting and the message, each with its overhead
    assertThat(((Number) rows.get(0).get("tokens_in")).longValue())
        .isGreaterThan(PromptBuilder.estimateTokens("Tell me about the stars") + 3L * 4);
  }

  @Test
  void aCallCancelledBeforeItsFirstTokenCountsItsPrompt() {
    Usage usage = server.chatServer().usage().usage();
    LlmRequest request =
        new LlmRequest(null, List.of(ChatMessage.user("a long question")), null, null, null);
    LlmCall call = new LlmCall(delta -> {});
    usage.track("quitter", "demo-mira", request, call);
    call.cancel();
    UsageStore.Counts counts = usage.unwritten("quitter", LocalDate.now(ZoneOffset.UTC));
    assertThat(counts.todayIn()).isEqualTo(Usage.estimate(request));
    assertThat(counts.todayOut()).isZero();
  }
}
