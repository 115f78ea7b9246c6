package chat.nexus.llm;

/**
 * Receives a reply as it streams, one delta at a time, in order, never after the call ended; called
 * on an event loop, so it must not block.
 */
@FunctionalInterface
public interface TokenSink {
  void onToken(String delta);

  TokenSink NONE = delta -> {};
}
