package chat.nexus.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One chat-completions call. {@code model} null means the configured default; {@code temperature}
 * and {@code maxTokens} null mean the upstream's defaults. {@code persona} is only read by the
 * simulated provider (the real prompt lives in {@code messages}) and is not part of the cache key.
 */
public record LlmRequest(
    String model,
    List<ChatMessage> messages,
    Double temperature,
    Integer maxTokens,
    Persona persona) {

  /** Who the simulated provider speaks as. */
  public record Persona(String name, String description) {}

  public LlmRequest {
    messages = List.copyOf(messages);
  }

  public LlmRequest(
      String model, List<ChatMessage> messages, Double temperature, Integer maxTokens) {
    this(model, messages, temperature, maxTokens, null);
  }

  /**
   * The chat-completions body, streaming on; {@code model} already resolved (null leaves it out).
   */
  JsonObject toBody(String resolvedModel) {
    JsonArray list = new JsonArray();
    messages.forEach(m -> list.add(m.toJson()));
    JsonObject body = new JsonObject();
    if (resolvedModel != null) {
      body.put("model", resolvedModel);
    }
    body.put("messages", list).put("stream", true);
    if (temperature != null) {
      body.put("temperature", temperature);
    }
    if (maxTokens != null) {
      body.put("max_tokens", maxTokens);
    }
    return body;
  }

  /** The exact-match cache key: model, messages and parameters. */
  String cacheKey(String resolvedModel) {
    return toBody(resolvedModel).encode();
  }

  /** The last user message, or "". */
  String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (ChatMessage.USER.equals(messages.get(i).role())) {
        return messages.get(i).content();
      }
    }
    return "";
  }
}
