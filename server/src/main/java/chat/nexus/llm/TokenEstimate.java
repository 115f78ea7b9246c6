package chat.nexus.llm;

/**
 * Tokens estimated, not counted: the length in Unicode code points divided by 4, rounded up, plus
 * {@link #MESSAGE_OVERHEAD} per message (OpenAI's rule of thumb for English; the models behind an
 * OpenAI-compatible API use different tokenizers, so no single real tokenizer would be exact
 * either). Prompt budgets and usage counts without the provider's figures both use it.
 */
public final class TokenEstimate {

  /** What a message costs beyond its content (its role and separators). */
  public static final int MESSAGE_OVERHEAD = 4;

  private TokenEstimate() {}

  /** The estimated tokens of a text: code points / 4, rounded up. */
  public static int of(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    return (text.codePointCount(0, text.length()) + 3) / 4;
  }

  /** The estimated tokens of a message: its content plus {@link #MESSAGE_OVERHEAD}. */
  public static int of(ChatMessage message) {
    return of(message.content()) + MESSAGE_OVERHEAD;
  }
}
