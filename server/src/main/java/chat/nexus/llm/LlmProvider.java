package chat.nexus.llm;

/**
 * Something that streams chat completions: the OpenAI-compatible client or the simulated provider.
 */
public interface LlmProvider extends AutoCloseable {

  /**
   * Starts streaming the reply into {@code call} (its tokens, then success or failure). Must honour
   * {@link LlmCall#onCancel} by stopping the work (and resetting any upstream request).
   */
  void stream(LlmRequest request, LlmCall call);

  /** Convenience: starts a call with its own handle. */
  default LlmCall stream(LlmRequest request, TokenSink sink) {
    LlmCall call = new LlmCall(sink);
    stream(request, call);
    return call;
  }

  /** True for the simulated provider, so callers can announce it. */
  boolean simulated();

  @Override
  default void close() {}
}
