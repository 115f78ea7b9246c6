package chat.nexus.llm;

import chat.nexus.retry.Backoff;
import chat.nexus.telemetry.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Random;

/**
 * An OpenAI-compatible chat-completions client that streams ({@code "stream": true}, SSE {@code
 * data:} chunks up to {@code [DONE]}) over Vert.x's HttpClient, with connect, first-token and total
 * timeouts, retries and several keys. Its parts: {@link UpstreamRequests} builds the requests,
 * {@link UpstreamConnections} keeps connections open on each event loop, {@link UpstreamExchange}
 * runs one call (attempts, retries, keys, timers) and {@link CompletionStream} reads one attempt's
 * event stream.
 */
public final class OpenAiStreamingClient implements LlmProvider {

  private final Upstream upstream;

  public OpenAiStreamingClient(Vertx vertx, LlmOptions options, LlmMetrics metrics) {
    this(vertx, options, metrics, new Random());
  }

  OpenAiStreamingClient(Vertx vertx, LlmOptions options, LlmMetrics metrics, Random random) {
    UpstreamText text = new UpstreamText(options.apiKeys());
    UpstreamRequests requests = new UpstreamRequests(options);
    this.upstream =
        new Upstream(
            vertx,
            options,
            new KeyPool(options.apiKeys()),
            new Backoff(
                options.backoffBaseMs(), options.backoffCapMs(), Backoff.Jitter.FULL, random),
            metrics,
            text,
            requests,
            new UpstreamConnections(vertx, options, requests, text));
    if (options.preconnect() > 0 && !options.apiKeys().isEmpty()) {
      upstream.connections().preconnectEveryLoop();
    }
  }

  public KeyPool keys() {
    return upstream.keys();
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public void close() {
    upstream.connections().close();
  }

  @Override
  public void stream(LlmRequest request, LlmCall call) {
    Context context = upstream.vertx().getOrCreateContext();
    if (Vertx.currentContext() == context) {
      // already on an event loop: no extra hop before the request
      new UpstreamExchange(upstream, request, call, context).start();
    } else {
      Span traced = Tracing.currentSpan(); // the gateway's, on the event loop too
      context.runOnContext(
          v -> {
            try (Scope scope = Tracing.scope(traced)) {
              new UpstreamExchange(upstream, request, call, context).start();
            }
          });
    }
  }
}
