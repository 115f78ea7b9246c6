package chat.nexus.llm;

import chat.nexus.telemetry.Tracing;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one door to the LLM: an exact-match response cache (when LLM_CACHE_TTL_MS is set), then a
 * permit from the {@link LlmGate} (AI_BUSY at once when full), then the provider. The gateway takes
 * the permit and gives it back itself, however the call ends (success, error, timeout or cancel),
 * so that no caller can forget it or give it back twice. A cache hit makes no upstream call.
 */
public final class LlmGateway implements AutoCloseable {

  private final Vertx vertx;
  private final LlmGate gate;
  private final LlmProvider provider;
  private final LlmMetrics metrics;
  private final String defaultModel;
  private final Cache<String, LlmReply> cache;

  public LlmGateway(
      Vertx vertx, LlmGate gate, LlmProvider provider, LlmMetrics metrics, LlmOptions options) {
    this.vertx = vertx;
    this.gate = gate;
    this.provider = provider;
    this.metrics = metrics;
    this.defaultModel = options.model();
    this.cache =
        options.cacheTtlMs() <= 0
            ? null
            : Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofMillis(options.cacheTtlMs()))
                .maximumSize(options.cacheMaxEntries())
                .build();
  }

  /** The simulated provider when no key is configured, else the OpenAI-compatible client. */
  public static LlmGateway create(Vertx vertx, LlmOptions options) {
    return create(vertx, options, new LlmMetrics());
  }

  /** Like {@link #create(Vertx, LlmOptions)}, with the timers in the server's metrics registry. */
  public static LlmGateway create(Vertx vertx, LlmOptions options, LlmMetrics metrics) {
    LlmGate gate =
        new LlmGate(vertx, options.maxConcurrent(), options.maxPerUser(), options.queueTimeoutMs());
    LlmProvider provider =
        options.apiKeys().isEmpty()
            ? new SimulatedProvider(vertx, options.simulatedTokenDelayMs())
            : new OpenAiStreamingClient(vertx, options, metrics);
    return new LlmGateway(vertx, gate, provider, metrics, options);
  }

  /**
   * Streams a reply for {@code userId} into {@code sink}, which is called on an event loop (it must
   * not block); a cache hit arrives as one delta. The returned call's reply fails with AI_BUSY
   * (retryAfter set) when no slot is free, AI_UPSTREAM when the upstream fails, or a
   * CancellationException after {@link LlmCall#cancel()}.
   */
  public LlmCall stream(String userId, LlmRequest request, TokenSink sink) {
    String key = cacheKey(request);
    LlmCall cached = fromCache(key, sink);
    if (cached != null) {
      return cached;
    }
    var permit = gate.acquire(userId);
    if (permit.failed()) {
      return LlmCall.failed(permit.cause());
    }
    LlmCall call = new LlmCall(sink);
    permit.onComplete(
        ar -> {
          if (ar.failed()) {
            call.fail(ar.cause());
            return;
          }
          run(ar.result(), key, request, call);
        });
    return call;
  }

  /**
   * A call of {@code userId} whose request is prepared once it holds a slot, so that a refusal
   * comes back at once, before any work is done for it. The returned future fails at once with
   * AI_BUSY (retryAfter set) when no slot is free, or after LLM_QUEUE_TIMEOUT_MS of waiting for
   * one; with a CancellationException when {@code wanted} says no once a slot is free (the caller
   * went away while it waited); or with {@code prepare}'s failure. Otherwise it holds the started
   * call, streaming into {@code sink} as {@link #stream(String, LlmRequest, TokenSink)} does. The
   * slot is given back however this ends, and at once on a cache hit.
   */
  public Future<LlmCall> stream(
      String userId, BooleanSupplier wanted, Supplier<Future<LlmRequest>> prepare, TokenSink sink) {
    Span span = Tracing.childOfCurrent("llm gateway", SpanKind.INTERNAL); // null: not traced
    Future<LlmGate.Permit> slot = gate.acquire(userId);
    if (slot.failed()) {
      Tracing.end(span, slot.cause());
      return Future.failedFuture(slot.cause()); // AI_BUSY, before anything is prepared
    }
    Future<LlmCall> started = slot.compose(permit -> prepared(permit, wanted, prepare, sink, span));
    if (span != null) {
      span.setAttribute(Tracing.SIMULATED, provider.simulated());
      started.onComplete(
          call -> {
            if (call.failed()) {
              Tracing.end(span, call.cause());
              return;
            }
            call.result()
                .reply()
                .onComplete(
                    reply -> {
                      span.setAttribute(Tracing.OUTPUT_TOKENS, call.result().tokenCount());
                      Tracing.end(span, reply.cause());
                    });
          });
    }
    return started;
  }

  private Future<LlmCall> prepared(
      LlmGate.Permit permit,
      BooleanSupplier wanted,
      Supplier<Future<LlmRequest>> prepare,
      TokenSink sink,
      Span span) {
    Future<LlmRequest> request;
    try {
      if (!wanted.getAsBoolean()) {
        permit.close();
        return Future.failedFuture(
            new CancellationException("the caller left while waiting for an LLM slot"));
      }
      request = prepare.get();
    } catch (RuntimeException e) {
      permit.close();
      return Future.failedFuture(e);
    }
    return request.transform(
        built -> {
          if (built.failed()) {
            permit.close();
            return Future.failedFuture(built.cause());
          }
          try (Scope scope = Tracing.scope(span)) {
            return Future.succeededFuture(start(permit, built.result(), sink));
          } catch (RuntimeException e) {
            permit.close(); // idempotent: the slot goes back once however often it is closed
            return Future.failedFuture(e);
          }
        });
  }

  /** A call on a slot already held: the slot goes back however the call ends. */
  private LlmCall start(LlmGate.Permit held, LlmRequest request, TokenSink sink) {
    String key = cacheKey(request);
    LlmCall cached = fromCache(key, sink);
    if (cached != null) {
      held.close();
      return cached;
    }
    LlmCall call = new LlmCall(sink);
    run(held, key, request, call);
    return call;
  }

  private String cacheKey(LlmRequest request) {
    return cache == null
        ? null
        : request.cacheKey(request.model() != null ? request.model() : defaultModel);
  }

  /** A call answered from the cache, or null on a miss. */
  private LlmCall fromCache(String key, TokenSink sink) {
    if (key == null) {
      return null;
    }
    LlmReply hit = cache.getIfPresent(key);
    if (hit == null) {
      return null;
    }
    metrics.cacheHit();
    LlmCall call = new LlmCall(sink);
    // like a real stream: delivered on an event loop, after the caller got its handle
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              if (call.token(hit.text())) {
                call.succeed(hit.asCached());
              }
            });
    return call;
  }

  private void run(LlmGate.Permit held, String key, LlmRequest request, LlmCall call) {
    call.reply()
        .onComplete(
            done -> {
              held.close();
              metrics.tokens(call.tokenCount());
              if (done.succeeded() && key != null) {
                cache.put(key, done.result());
              }
            });
    if (call.isDone()) {
      return; // cancelled while waiting for a slot
    }
    try {
      provider.stream(request, call);
    } catch (RuntimeException e) {
      call.fail(e);
    }
  }

  /** The gate's counts (in flight, waiting, rejected); its permits are taken only in here. */
  public LlmGate gate() {
    return gate;
  }

  public LlmMetrics metrics() {
    return metrics;
  }

  /** The upstream keys (per-key in-flight and use counts), or null with the simulated provider. */
  public KeyPool keyPool() {
    return provider instanceof OpenAiStreamingClient client ? client.keys() : null;
  }

  public LlmProvider provider() {
    return provider;
  }

  /** True when replies come from the simulated provider (announce it to users). */
  public boolean simulated() {
    return provider.simulated();
  }

  @Override
  public void close() throws Exception {
    provider.close();
  }
}
