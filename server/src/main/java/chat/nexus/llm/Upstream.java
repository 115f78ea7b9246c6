package chat.nexus.llm;

import chat.nexus.retry.Backoff;
import io.vertx.core.Vertx;

/**
 * What every call of the {@link OpenAiStreamingClient} shares: its options, keys, backoff, metrics,
 * the redaction of upstream text, and how requests are built and reach the upstream.
 */
record Upstream(
    Vertx vertx,
    LlmOptions options,
    KeyPool keys,
    Backoff backoff,
    LlmMetrics metrics,
    UpstreamText text,
    UpstreamRequests requests,
    UpstreamConnections connections) {}
