package chat.nexus.llm;

import chat.nexus.llm.LlmUnavailable.Reason;
import chat.nexus.retry.Backoff;
import chat.nexus.telemetry.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call to the upstream: its attempts, timers and keys; everything runs on {@code context}. Each
 * attempt takes the best key of the {@link KeyPool} (a 429 cools its key down). An attempt that
 * fails is retried with full-jitter {@link Backoff} (never sooner than Retry-After or
 * x-ratelimit-reset-requests ask) on 429/500/502/503/504, connect errors, and streams that could
 * not be read or gave no text, within LLM_MAX_RETRIES and the total timeout, and never once a token
 * reached the caller. A stream succeeds with text and then {@code [DONE]} (or a finish_reason
 * before it ends); one that ends without text is a failure, never an empty reply. Failures are
 * {@link LlmUnavailable} (AI_UPSTREAM in the user's words; the detail, keyless, to log and metric).
 * Every response's rate-limit headers reach the key pool ({@link RateLimitHeaders}).
 */
final class UpstreamExchange implements CompletionStream.Listener {

  /** Bytes of an upstream error body kept for the message (which is cut shorter still). */
  static final int MAX_ERROR_BODY_BYTES = 4 * 1024;

  static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 500, 502, 503, 504);

  private static final Logger log = LoggerFactory.getLogger(OpenAiStreamingClient.class);

  /** Failed calls, one line each, under a name of their own for operators' filters. */
  private static final Logger failures = LoggerFactory.getLogger(LlmUnavailable.class);

  private final Vertx vertx;
  private final LlmOptions options;
  private final Upstream upstream;
  private final LlmCall call;
  private final Context context;
  private final Buffer body;
  private final long startedNanos = System.nanoTime();
  private int attempt;
  private long totalTimer = -1;
  private long firstTokenTimer = -1;
  private long retryTimer = -1;
  private HttpClientRequest current;

  /** This attempt's stream, once its response came. */
  private CompletionStream stream;

  private KeyPool.Key key;
  private boolean sawToken;

  /** When this attempt's request went to the upstream. */
  private long sentNanos;

  private boolean finished;
  private Integer promptTokens;
  private Integer completionTokens;
  private boolean loggedUnreadable;

  /** The HTTP exchange's span, under the gateway's; null when not traced. */
  private final Span span = Tracing.childOfCurrent("llm upstream", SpanKind.CLIENT);

  UpstreamExchange(Upstream upstream, LlmRequest request, LlmCall call, Context context) {
    this.vertx = upstream.vertx();
    this.options = upstream.options();
    this.upstream = upstream;
    this.call = call;
    this.context = context;
    this.body = upstream.requests().body(request);
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
                    Reason.TIMED_OUT,
                    "the LLM reply took longer than " + options.totalTimeoutMs() + " ms"));
    call.onCancel(() -> context.runOnContext(v -> cancelled()));
    send();
  }

  private void send() {
    if (finished) {
      return;
    }
    retryTimer = -1;
    key = upstream.keys().acquire(System.currentTimeMillis());
    KeyPool.Key used = key;
    upstream.metrics().upstreamCall();
    upstream
        .connections()
        .request(context, upstream.requests().chatCompletions(used.secret()))
        .onComplete(
            created -> {
              if (created.failed()) {
                releaseKey(used);
                retryOrFail(0, Reason.UNREACHABLE, unreachable(created.cause()));
              } else {
                send(created.result(), used);
              }
            });
  }

  private void send(HttpClientRequest request, KeyPool.Key used) {
    if (finished) {
      request.reset();
      releaseKey(used);
      return;
    }
    current = request;
    firstTokenTimer = vertx.setTimer(options.firstTokenTimeoutMs(), id -> noFirstToken());
    sentNanos = System.nanoTime();
    request
        .send(body)
        .onComplete(
            sent -> {
              if (sent.failed()) {
                notSent(request, used, sent.cause());
              } else {
                response(sent.result(), used);
              }
            });
  }

  private void noFirstToken() {
    if (!sawToken) {
      fail(
          Reason.TIMED_OUT,
          "no first token from the LLM within " + options.firstTokenTimeoutMs() + " ms");
    }
  }

  private void notSent(HttpClientRequest request, KeyPool.Key used, Throwable cause) {
    if (current == request) {
      current = null;
    }
    cancelTimer(firstTokenTimer);
    releaseKey(used);
    retryOrFail(0, Reason.UNREACHABLE, unreachable(cause));
  }

  private String unreachable(Throwable cause) {
    return "could not reach the LLM upstream: " + upstream.text().describe(cause);
  }

  private void response(HttpClientResponse response, KeyPool.Key used) {
    if (finished) {
      return;
    }
    if (span != null) {
      span.setAttribute(Tracing.HTTP_STATUS, response.statusCode());
    }
    RateLimitHeaders.read(response.headers(), System.currentTimeMillis())
        .ifPresent(untilMs -> upstream.keys().coolDown(used, untilMs));
    if (response.statusCode() == 200) {
      stream = CompletionStream.read(response, this);
    } else {
      refused(response, used);
    }
  }

  /** A status other than 200: the start of its body read for the message, then retry or fail. */
  private void refused(HttpClientResponse response, KeyPool.Key used) {
    int status = response.statusCode();
    cancelTimer(firstTokenTimer);
    long hint =
        RetryAfter.serverHintMs(
            response.getHeader("Retry-After"),
            response.getHeader(RateLimitHeaders.RESET_REQUESTS),
            System.currentTimeMillis());
    if (status == 429) {
      // at least the default cool-down, so that the retry (after the hint) goes to another key
      // if there is one
      upstream
          .keys()
          .coolDown(used, System.currentTimeMillis() + Math.max(hint, options.keyCoolDownMs()));
    }
    Buffer head = Buffer.buffer();
    response.handler(chunk -> keepHead(head, chunk));
    response.end().onComplete(ended -> refused(status, hint, head, used));
  }

  /** Keeps only the start of an error body: an upstream must not make us buffer megabytes. */
  private static void keepHead(Buffer head, Buffer chunk) {
    if (head.length() < MAX_ERROR_BODY_BYTES) {
      head.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY_BYTES - head.length()));
    }
  }

  private void refused(int status, long hint, Buffer head, KeyPool.Key used) {
    releaseKey(used);
    current = null;
    String message = "the LLM upstream answered " + status + upstream.text().errorBodyDetail(head);
    if (RETRYABLE_STATUSES.contains(status)) {
      retryOrFail(hint, Reason.ofStatus(status), message);
    } else {
      fail(Reason.ofStatus(status), message);
    }
  }

  @Override
  public void usage(Integer promptTokens, Integer completionTokens) {
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
  }

  @Override
  public void text(String content, long chunkNanos) {
    boolean first = !sawToken;
    if (first) {
      sawToken = true;
      cancelTimer(firstTokenTimer);
      upstream.metrics().firstToken(System.nanoTime() - startedNanos);
    }
    call.token(content);
    if (first && attempt == 0) {
      upstream
          .metrics()
          .gatewayOverhead((sentNanos - call.createdNanos) + (System.nanoTime() - chunkNanos));
    }
  }

  @Override
  public void done() {
    if (sawToken) {
      succeed();
    } else {
      attemptFailed("the LLM stream ended without any text");
    }
  }

  /** Complete if the model said it finished, else a failure. */
  @Override
  public void ended(boolean finishSeen) {
    if (sawToken && finishSeen) {
      succeed();
    } else if (sawToken) {
      fail(Reason.FAILING, "the LLM stream broke after " + call.tokenCount() + " tokens");
    } else {
      attemptFailed("the LLM stream ended before any text");
    }
  }

  @Override
  public void upstreamError(String detail) {
    fail(Reason.FAILING, "the LLM upstream reported an error" + upstream.text().detail(detail));
  }

  /** Logged once per call, with what the chunk was. */
  @Override
  public void unreadable(String detail) {
    if (!loggedUnreadable) {
      loggedUnreadable = true;
      log.warn(
          "LLM upstream sent a stream chunk that is not a chat.completion.chunk (attempt {}{}): {}",
          attempt + 1,
          sawToken ? ", after " + call.tokenCount() + " tokens" : "",
          upstream.text().text(String.valueOf(detail)));
    }
    attemptFailed("the LLM upstream sent a reply that could not be read");
  }

  /**
   * Gives this attempt's stream up (its request reset, its key back) and retries if the rules
   * allow.
   */
  private void attemptFailed(String message) {
    abandonStream(); // first: the reset below may call this stream's handlers at once
    cancelTimer(firstTokenTimer);
    if (current != null) {
      current.reset();
      current = null;
    }
    if (key != null) {
      releaseKey(key);
    }
    retryOrFail(0, Reason.FAILING, message);
  }

  private void retryOrFail(long hintMs, Reason reason, String message) {
    if (finished) {
      return;
    }
    if (sawToken || attempt >= options.maxRetries()) {
      fail(reason, message);
      return;
    }
    long delay = upstream.backoff().delayMs(attempt, RetryAfter.honouredMs(hintMs));
    long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
    if (elapsedMs + delay >= options.totalTimeoutMs()) {
      fail(reason, message);
      return;
    }
    attempt++;
    upstream.metrics().retried();
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
    upstream.metrics().upstreamLatency(System.nanoTime() - startedNanos);
    String text = call.streamedText();
    int completion = completionTokens != null ? completionTokens : call.tokenCount();
    endSpan(null);
    call.succeed(new LlmReply(text, promptTokens, completion, false));
  }

  private void fail(Reason reason, String detail) {
    if (!end()) {
      return;
    }
    LlmUnavailable error = new LlmUnavailable(reason, detail);
    upstream.metrics().upstreamError(reason);
    if (current != null) {
      current.reset();
    }
    endSpan(error);
    failures.warn(
        "LLM call failed ({}) after {} attempt(s): {}", reason.label(), attempt + 1, detail);
    call.fail(error);
  }

  private void cancelled() {
    if (!end()) {
      return;
    }
    endSpan(null);
    if (current != null) {
      current.reset();
    }
  }

  /** Ends the exchange once: its stream abandoned, timers stopped, key given back. */
  private boolean end() {
    if (finished) {
      return false;
    }
    finished = true;
    abandonStream();
    cancelTimer(totalTimer);
    cancelTimer(firstTokenTimer);
    cancelTimer(retryTimer);
    if (key != null) {
      releaseKey(key);
    }
    return true;
  }

  private void endSpan(Throwable failure) {
    if (span != null) {
      span.setAttribute(Tracing.ATTEMPTS, attempt + 1L);
      span.setAttribute(
          Tracing.OUTPUT_TOKENS, completionTokens != null ? completionTokens : call.tokenCount());
      if (promptTokens != null) {
        span.setAttribute(Tracing.INPUT_TOKENS, promptTokens);
      }
      Tracing.end(span, failure);
    }
  }

  private void abandonStream() {
    if (stream != null) {
      stream.abandon();
      stream = null;
    }
  }

  private void releaseKey(KeyPool.Key used) {
    if (key == used) {
      key = null;
      upstream.keys().release(used);
    }
  }

  private void cancelTimer(long id) {
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }
}
