package chat.nexus.llm;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.retry.Backoff;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible chat-completions client that streams ({@code "stream": true}, SSE {@code
 * data:} chunks up to {@code [DONE]}) over Vert.x's HttpClient. Connect, first-token and total
 * timeouts; retries with full-jitter backoff on 429/500/502/503/504, connect errors and streams
 * that could not be read or gave no text, honouring Retry-After and x-ratelimit-reset-requests,
 * never once a token reached the caller; keys from a {@link KeyPool}, a 429 cooling its key down.
 * Failures are AI_UPSTREAM with messages that never contain a key. A stream succeeds with text and
 * then {@code [DONE]} (or a finish_reason before it ends); one that ends without text, or sends a
 * chunk that is not a chat.completion.chunk, is an upstream failure, never an empty reply.
 */
public final class OpenAiStreamingClient implements LlmProvider {

  /** Bytes of an upstream error body kept for the message (which is cut shorter still). */
  static final int MAX_ERROR_BODY_BYTES = 4 * 1024;

  private static final Logger log = LoggerFactory.getLogger(OpenAiStreamingClient.class);
  static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 500, 502, 503, 504);

  /**
   * Connections allowed beyond the concurrency limit (and the preconnected ones), for requests
   * still closing.
   */
  static final int POOL_HEADROOM = 8;

  /**
   * How often each event loop uses its idle connections again, so that upstreams (and proxies) that
   * close a connection after a minute or so of silence keep them open.
   */
  static final long PRECONNECT_REFRESH_MS = 20_000;

  private final Vertx vertx;
  private final LlmOptions options;
  private final KeyPool keys;
  private final List<String> secrets;
  private final UpstreamText text;
  private final Backoff backoff;
  private final LlmMetrics metrics;

  /** Opens the per-loop connections; its own pool serves calls that do not run on an event loop. */
  private final HttpClientAgent http;

  private final HttpConnectOptions target;

  /**
   * The connections of each event loop, so that a call's upstream connection lives on the call's
   * own event loop. A shared pool hands an idle connection to whichever loop asks, and then every
   * request and chunk crosses to the loop that owns the connection and back: in a burst, while both
   * loops are busy, that wait was most of the gateway's time before the first token (1-16 ms for 30
   * of 50 calls).
   */
  private final Map<Thread, Loop> perLoop = new ConcurrentHashMap<>();

  private final Set<Long> preconnectTimers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public OpenAiStreamingClient(Vertx vertx, LlmOptions options, LlmMetrics metrics) {
    this(vertx, options, metrics, new Random());
  }

  OpenAiStreamingClient(Vertx vertx, LlmOptions options, LlmMetrics metrics, Random random) {
    this.vertx = vertx;
    this.options = options;
    this.secrets = options.apiKeys();
    this.text = new UpstreamText(secrets);
    this.keys = new KeyPool(secrets);
    this.backoff =
        new Backoff(options.backoffBaseMs(), options.backoffCapMs(), Backoff.Jitter.FULL, random);
    this.metrics = metrics;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) options.connectTimeoutMs())
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(options.maxConcurrent() + POOL_HEADROOM));
    this.target = LoopConnections.target(options.baseUrl(), options.connectTimeoutMs());
    if (options.preconnect() > 0 && !secrets.isEmpty()) {
      startPreconnecting();
    }
  }

  public KeyPool keys() {
    return keys;
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public void close() {
    closed =
        true; // a call still starting gets the closed shared client (and fails) rather than a new
    // one
    preconnectTimers.forEach(vertx::cancelTimer);
    perLoop.values().forEach(loop -> loop.context().runOnContext(v -> loop.connections().close()));
    http.close();
  }

  @Override
  public void stream(LlmRequest request, LlmCall call) {
    Context context = vertx.getOrCreateContext();
    if (Vertx.currentContext() == context) {
      new Exchange(request, call, context)
          .start(); // already on an event loop: no extra hop before the request
    } else {
      context.runOnContext(v -> new Exchange(request, call, context).start());
    }
  }

  /** A loop's connections, and a context on that loop to close them from elsewhere. */
  private record Loop(Context context, LoopConnections connections) {}

  /** A request on this loop's own connections, or from the shared pool off an event loop. */
  private Future<HttpClientRequest> request(Context context, RequestOptions ro) {
    if (closed || !context.isEventLoopContext()) {
      return http.request(ro);
    }
    return loop(context).connections().request(ro);
  }

  private Loop loop(Context context) {
    return perLoop.computeIfAbsent(
        Thread.currentThread(),
        thread ->
            new Loop(
                context,
                new LoopConnections(
                    http, target, options.maxConcurrent() + options.preconnect() + POOL_HEADROOM)));
  }

  /**
   * LLM_PRECONNECT: every event loop opens that many upstream connections now, and uses its idle
   * ones again every {@link #PRECONNECT_REFRESH_MS} (opening more if some closed) so that they stay
   * open. A call then finds an open connection on its own loop. Without them, a burst that puts
   * more calls on a loop than it ever had opens connections on the way to the first token: 3.5-9 ms
   * each on loopback while the loop is busy with the burst, where a kept connection takes 0.05-0.3
   * ms. Over TLS to a real provider a new connection costs a handshake more. The requests are
   * {@code GET /models}, which every OpenAI-compatible server answers without a model run; their
   * answers are read and dropped, and a failure is only logged at debug (calls report their own).
   */
  private void startPreconnecting() {
    VertxInternal internal = (VertxInternal) vertx;
    for (EventExecutor executor : internal.nettyEventLoopGroup()) {
      ContextInternal context =
          internal.contextBuilder().withEventLoop((EventLoop) executor).build();
      context.runOnContext(
          v -> {
            preconnect(context);
            preconnectTimers.add(
                vertx.setPeriodic(
                    PRECONNECT_REFRESH_MS,
                    id -> {
                      if (closed) {
                        vertx.cancelTimer(id); // closed before this timer was listed
                      } else {
                        preconnect(context);
                      }
                    }));
          });
    }
    log.info(
        "LLM upstream: {} connections kept open per event loop (LLM_PRECONNECT)",
        options.preconnect());
  }

  /** A request on every idle connection of this loop, and on new ones up to LLM_PRECONNECT open. */
  private void preconnect(Context context) {
    if (closed) {
      return;
    }
    LoopConnections connections = loop(context).connections();
    int requests =
        connections.idleCount() + Math.max(0, options.preconnect() - connections.openCount());
    for (int i = 0; i < requests; i++) {
      RequestOptions ro =
          upstreamRequest(HttpMethod.GET, "/models", secrets.get(i % secrets.size()))
              .setIdleTimeout(options.connectTimeoutMs());
      connections
          .request(ro)
          .compose(req -> req.send())
          .compose(
              response -> {
                response.handler(chunk -> {}); // a model list can be long: nothing is kept
                return response.end();
              })
          .onFailure(
              e -> log.debug("LLM upstream: a preconnect request failed: {}", text.describe(e)));
    }
  }

  /** A request to the upstream's {@code path}, with the connect timeout and this key. */
  private RequestOptions upstreamRequest(HttpMethod method, String path, String secret) {
    return new RequestOptions()
        .setMethod(method)
        .setAbsoluteURI(options.baseUrl() + path)
        .setConnectTimeout(options.connectTimeoutMs())
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + secret);
  }

  /** One call: its attempts, timers and stream state; everything runs on {@code context}. */
  private final class Exchange {
    private final LlmRequest request;
    private final LlmCall call;
    private final Context context;
    private final Buffer body;
    private final long startedNanos = System.nanoTime();
    private int attempt;
    private long totalTimer = -1;
    private long firstTokenTimer = -1;
    private long retryTimer = -1;
    private HttpClientRequest current;
    private KeyPool.Key key;
    private boolean sawToken;

    /**
     * When this attempt's request went to the upstream, and when the chunk being parsed arrived.
     */
    private long sentNanos;

    private long chunkNanos;
    private boolean finished;
    private Integer promptTokens;
    private Integer completionTokens;

    /**
     * This attempt's stream gave a finish_reason: its end without [DONE] still completes the reply.
     */
    private boolean finishSeen;

    private boolean loggedUnreadable;

    /**
     * Counts the streams given up: events, chunks and the end of an earlier one are then ignored.
     */
    private int abandonedStreams;

    Exchange(LlmRequest request, LlmCall call, Context context) {
      this.request = request;
      this.call = call;
      this.context = context;
      String model = request.model() != null ? request.model() : options.model();
      this.body = request.toBody(model).toBuffer();
    }

    void start() {
      if (call.isDone()) {
        return;
      }
      totalTimer =
          vertx.setTimer(
              options.totalTimeoutMs(),
              id ->
                  fail(
                      upstream(
                          "the LLM reply took longer than " + options.totalTimeoutMs() + " ms")));
      call.onCancel(() -> context.runOnContext(v -> cancelled()));
      send();
    }

    private void send() {
      if (finished) {
        return;
      }
      retryTimer = -1;
      finishSeen = false;
      key = keys.acquire(System.currentTimeMillis());
      KeyPool.Key used = key;
      metrics.upstreamCall();
      RequestOptions ro =
          upstreamRequest(HttpMethod.POST, "/chat/completions", used.secret())
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
      request(context, ro)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  releaseKey(used);
                  retryOrFail(0, "could not reach the LLM upstream: " + text.describe(ar.cause()));
                  return;
                }
                HttpClientRequest req = ar.result();
                if (finished) {
                  req.reset();
                  releaseKey(used);
                  return;
                }
                current = req;
                firstTokenTimer =
                    vertx.setTimer(
                        options.firstTokenTimeoutMs(),
                        id -> {
                          if (!sawToken) {
                            fail(
                                upstream(
                                    "no first token from the LLM within "
                                        + options.firstTokenTimeoutMs()
                                        + " ms"));
                          }
                        });
                sentNanos = System.nanoTime();
                req.send(body)
                    .onComplete(
                        resp -> {
                          if (resp.failed()) {
                            if (current == req) {
                              current = null;
                            }
                            cancelTimer(firstTokenTimer);
                            releaseKey(used);
                            retryOrFail(
                                0,
                                "could not reach the LLM upstream: " + text.describe(resp.cause()));
                            return;
                          }
                          response(resp.result(), used);
                        });
              });
    }

    private void response(HttpClientResponse response, KeyPool.Key used) {
      if (finished) {
        return;
      }
      int status = response.statusCode();
      if (status != 200) {
        cancelTimer(firstTokenTimer);
        long hint =
            RetryAfter.serverHintMs(
                response.getHeader("Retry-After"),
                response.getHeader("x-ratelimit-reset-requests"),
                System.currentTimeMillis());
        if (status == 429) {
          // at least the default cool-down, so that the retry (after the hint) goes to another key
          // if there is one
          keys.coolDown(used, System.currentTimeMillis() + Math.max(hint, options.keyCoolDownMs()));
        }
        // Keep only the start of an error body: an upstream must not make us buffer megabytes.
        Buffer head = Buffer.buffer();
        response.handler(
            chunk -> {
              if (head.length() < MAX_ERROR_BODY_BYTES) {
                head.appendBuffer(
                    chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY_BYTES - head.length()));
              }
            });
        response
            .end()
            .onComplete(
                b -> {
                  releaseKey(used);
                  current = null;
                  String detail = text.errorBodyDetail(head);
                  String message = "the LLM upstream answered " + status + detail;
                  if (RETRYABLE_STATUSES.contains(status)) {
                    retryOrFail(hint, message);
                  } else {
                    fail(upstream(message));
                  }
                });
        return;
      }
      int mine = abandonedStreams;
      SseParser parser =
          new SseParser(
              event -> {
                if (live(mine)) {
                  event(CompletionChunk.of(event));
                }
              });
      response.handler(
          chunk -> {
            if (!live(mine)) {
              return;
            }
            chunkNanos = System.nanoTime();
            try {
              parser.feed(chunk.getBytes());
            } catch (IllegalStateException tooLong) {
              if (live(mine)) {
                unreadable(tooLong.getMessage());
              }
            }
          });
      response.exceptionHandler(
          e -> {
            if (live(mine)) {
              ended();
            }
          });
      response.endHandler(
          v -> {
            if (live(mine)) {
              ended();
            }
          });
    }

    private boolean live(int stream) {
      return !finished && abandonedStreams == stream;
    }

    private void event(CompletionChunk chunk) {
      switch (chunk.kind()) {
        case DONE -> {
          if (sawToken) {
            succeed();
          } else {
            attemptFailed("the LLM stream ended without any text");
          }
        }
        case ERROR ->
            fail(upstream("the LLM upstream reported an error" + text.detail(chunk.detail())));
        case UNREADABLE -> unreadable(chunk.detail());
        case IGNORED -> log.debug("LLM upstream: ignored an SSE event of type {}", chunk.detail());
        case DATA -> data(chunk);
      }
    }

    private void data(CompletionChunk chunk) {
      if (chunk.promptTokens() != null || chunk.completionTokens() != null) {
        promptTokens = chunk.promptTokens();
        completionTokens = chunk.completionTokens();
      }
      finishSeen |= chunk.finished();
      String content = chunk.content();
      if (content == null || content.isEmpty()) {
        return;
      }
      boolean first = !sawToken;
      if (first) {
        sawToken = true;
        cancelTimer(firstTokenTimer);
        metrics.firstToken(System.nanoTime() - startedNanos);
      }
      call.token(content);
      if (first && attempt == 0) {
        metrics.gatewayOverhead((sentNanos - call.createdNanos) + (System.nanoTime() - chunkNanos));
      }
    }

    /**
     * The response ended or broke before [DONE]: complete if the model said it finished, else a
     * failure.
     */
    private void ended() {
      if (sawToken && finishSeen) {
        succeed();
      } else if (sawToken) {
        fail(upstream("the LLM stream broke after " + call.tokenCount() + " tokens"));
      } else {
        attemptFailed("the LLM stream ended before any text");
      }
    }

    /**
     * A chunk that is not a chat.completion.chunk (or a line over the bound): logged once per call,
     * with what it was.
     */
    private void unreadable(String detail) {
      if (!loggedUnreadable) {
        loggedUnreadable = true;
        log.warn(
            "LLM upstream sent a stream chunk that is not a chat.completion.chunk (attempt {}{}): {}",
            attempt + 1,
            sawToken ? ", after " + call.tokenCount() + " tokens" : "",
            text.text(String.valueOf(detail)));
      }
      attemptFailed("the LLM upstream sent a reply that could not be read");
    }

    /**
     * Gives this attempt's stream up (its request reset, its key back) and retries if the rules
     * allow.
     */
    private void attemptFailed(String message) {
      abandonedStreams++; // first: the reset below may call this stream's handlers at once
      cancelTimer(firstTokenTimer);
      if (current != null) {
        current.reset();
        current = null;
      }
      if (key != null) {
        releaseKey(key);
      }
      retryOrFail(0, message);
    }

    private void retryOrFail(long hintMs, String message) {
      if (finished) {
        return;
      }
      if (sawToken || attempt >= options.maxRetries()) {
        fail(upstream(message));
        return;
      }
      long delay = backoff.delayMs(attempt, RetryAfter.honouredMs(hintMs));
      long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
      if (elapsedMs + delay >= options.totalTimeoutMs()) {
        fail(upstream(message));
        return;
      }
      attempt++;
      metrics.retried();
      log.debug("LLM upstream attempt {} failed ({}), retrying in {} ms", attempt, message, delay);
      if (delay <= 0) {
        send();
      } else {
        retryTimer = vertx.setTimer(delay, id -> send());
      }
    }

    private void succeed() {
      if (!end()) {
        return;
      }
      metrics.upstreamLatency(System.nanoTime() - startedNanos);
      String text = call.streamedText();
      int completion = completionTokens != null ? completionTokens : call.tokenCount();
      call.succeed(new LlmReply(text, promptTokens, completion, false));
    }

    private void fail(ApiException error) {
      if (!end()) {
        return;
      }
      metrics.upstreamError();
      if (current != null) {
        current.reset();
      }
      log.debug("LLM call failed: {}", error.getMessage());
      call.fail(error);
    }

    private void cancelled() {
      if (!end()) {
        return;
      }
      if (current != null) {
        current.reset();
      }
    }

    /** Ends the exchange once: timers stopped, key given back. */
    private boolean end() {
      if (finished) {
        return false;
      }
      finished = true;
      cancelTimer(totalTimer);
      cancelTimer(firstTokenTimer);
      cancelTimer(retryTimer);
      if (key != null) {
        releaseKey(key);
      }
      return true;
    }

    private void releaseKey(KeyPool.Key used) {
      if (key == used) {
        key = null;
        keys.release(used);
      }
    }

    private void cancelTimer(long id) {
      if (id >= 0) {
        vertx.cancelTimer(id);
      }
    }
  }

  private static ApiException upstream(String message) {
    return new ApiException(ErrorCode.AI_UPSTREAM, message);
  }
}
