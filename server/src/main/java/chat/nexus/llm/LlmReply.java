package chat.nexus.llm;

/**
 * A finished reply. {@code promptTokens} is null when the upstream did not say; {@code
 * completionTokens} is the upstream's count when given, else the number of streamed deltas; {@code
 * cached} is true when it came from the response cache without an upstream call.
 */
public record LlmReply(String text, Integer promptTokens, int completionTokens, boolean cached) {

  LlmReply asCached() {
    return new LlmReply(text, promptTokens, completionTokens, true);
  }
}
