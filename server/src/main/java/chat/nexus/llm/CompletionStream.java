package chat.nexus.llm;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt's 200 response read as a chat-completions stream (SSE {@code data:} chunks up to
 * {@code [DONE]}): each chunk reaches the {@link Listener} as text, usage, the end, or what went
 * wrong. Once {@link #abandon() abandoned} (its attempt given up, or its call ended) nothing more
 * reaches the listener, although a reset request may still call the response's handlers. Runs on
 * the call's context.
 */
final class CompletionStream {

  /** What an attempt's stream says, in order. */
  interface Listener {

    /** A chunk reported the usage. */
    void usage(Integer promptTokens, Integer completionTokens);

    /** A non-empty delta of the reply, from a chunk that arrived at {@code chunkNanos}. */
    void text(String content, long chunkNanos);

    /** {@code [DONE]}. */
    void done();

    /** The response ended or broke before {@code [DONE]}; did a chunk give a finish_reason? */
    void ended(boolean finishSeen);

    /** The upstream sent an error event. */
    void upstreamError(String detail);

    /** A chunk that is not a chat.completion.chunk, or a line over the bound. */
    void unreadable(String detail);
  }

  private static final Logger log = LoggerFactory.getLogger(OpenAiStreamingClient.class);

  private final Listener listener;
  private final SseParser parser;
  private boolean finishSeen;
  private long chunkNanos;
  private boolean abandoned;

  private CompletionStream(Listener listener) {
    this.listener = listener;
    this.parser =
        new SseParser(
            event -> {
              if (!abandoned) {
                event(CompletionChunk.of(event));
              }
            });
  }

  /** Reads {@code response} into {@code listener}. */
  static CompletionStream read(HttpClientResponse response, Listener listener) {
    CompletionStream stream = new CompletionStream(listener);
    response.handler(stream::chunk);
    response.exceptionHandler(e -> stream.ended());
    response.endHandler(v -> stream.ended());
    return stream;
  }

  /** Nothing more reaches the listener. */
  void abandon() {
    abandoned = true;
  }

  private void chunk(Buffer chunk) {
    if (abandoned) {
      return;
    }
    chunkNanos = System.nanoTime();
    try {
      parser.feed(chunk.getBytes());
    } catch (IllegalStateException tooLong) {
      if (!abandoned) {
        listener.unreadable(tooLong.getMessage());
      }
    }
  }

  private void ended() {
    if (!abandoned) {
      listener.ended(finishSeen);
    }
  }

  private void event(CompletionChunk chunk) {
    switch (chunk.kind()) {
      case DONE -> listener.done();
      case ERROR -> listener.upstreamError(chunk.detail());
      case UNREADABLE -> listener.unreadable(chunk.detail());
      case IGNORED -> log.debug("LLM upstream: ignored an SSE event of type {}", chunk.detail());
      case DATA -> data(chunk);
    }
  }

  private void data(CompletionChunk chunk) {
    if (chunk.promptTokens() != null || chunk.completionTokens() != null) {
      listener.usage(chunk.promptTokens(), chunk.completionTokens());
    }
    finishSeen |= chunk.finished();
    String content = chunk.content();
    if (content != null && !content.isEmpty()) {
      listener.text(content, chunkNanos);
    }
  }
}
