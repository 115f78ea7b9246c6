package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.testing.Waits;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The gateway and the OpenAI-compatible client against a real fake upstream. */
class LlmGatewayTest {

  private static final String KEY_A = "sk-test-AAAA1111secret";
  private static final String KEY_B = "sk-test-BBBB2222secret";

  /** A window in which a cancelled call must deliver nothing more. */
  private static final long NOTHING_MORE_MS = 150;

  private final Vertx vertx = Vertx.vertx();
  private FakeUpstream upstream;
  private LlmGateway gateway;

  @BeforeEach
  void start() {
    upstream = FakeUpstream.start(vertx);
  }

  @AfterEach
  void close() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LlmOptions options() {
    return new LlmOptions()
        .baseUrl(upstream.baseUrl())
        .apiKeys(List.of(KEY_A, KEY_B))
        .model("fake-model")
        .maxConcurrent(5)
        .maxPerUser(100)
        .backoffBaseMs(10)
        .backoffCapMs(50)
        .firstTokenTimeoutMs(3_000)
        .totalTimeoutMs(8_000);
  }

  private LlmGateway gateway(LlmOptions options) {
    gateway = LlmGateway.create(vertx, options);
    return gateway;
  }

  private static LlmRequest ask(String text) {
    return new LlmRequest(
        null, List.of(ChatMessage.system("You are Mira."), ChatMessage.user(text)), 0.7, 200);
  }

  private static CompletableFuture<LlmReply> future(LlmCall call) {
    return call.reply().toCompletionStage().toCompletableFuture();
  }

  private static Throwable failure(LlmCall call) {
    Throwable error = Waits.get(future(call).handle((reply, e) -> e), "the call to fail");
    if (error instanceof java.util.concurrent.CompletionException wrapped
        && wrapped.getCause() != null) {
      error = wrapped.getCause();
    }
    if (error == null) {
      throw new AssertionError("the call succeeded but should have failed");
    }
    return error;
  }

  private static void eventually(BooleanSupplier condition, String what) {
    Waits.untilTrue(condition::getAsBoolean, what);
  }

  private void noPermitLeft() {
    eventually(() -> gateway.gate().inFlight() == 0, "every permit back");
  }

  @Test
  void streamsAReply() {
    upstream.then(FakeUpstream.stream(List.of("Hel", "lo", " world"), 20, 10));
    List<String> deltas = new CopyOnWriteArrayList<>();
    LlmReply reply =
        Waits.get(future(gateway(options()).stream("ann", ask("hi"), deltas::add)), "reply");
    assertThat(deltas).containsExactly("Hel", "lo", " world");
    assertThat(reply.text()).isEqualTo("Hello world");
    assertThat(reply.promptTokens()).isEqualTo(7);
    assertThat(reply.completionTokens()).isEqualTo(3);
    assertThat(reply.cached()).isFalse();
    assertThat(upstream.requests()).isEqualTo(1);
    assertThat(upstream.bodies().get(0).getBoolean("stream")).isTrue();
    assertThat(upstream.bodies().get(0).getString("model")).isEqualTo("fake-model");
    assertThat(upstream.bodies().get(0).getInteger("max_tokens")).isEqualTo(200);
    assertThat(upstream.bodies().get(0).getJsonArray("messages")).hasSize(2);
    assertThat(upstream.authorizations().get(0)).isIn("Bearer " + KEY_A, "Bearer " + KEY_B);
    noPermitLeft();
    assertThat(gateway.metrics().timeToFirstToken().count()).isEqualTo(1);
    assertThat(gateway.metrics().upstreamLatency().count()).isEqualTo(1);
    assertThat(gateway.metrics().gatewayOverhead().count()).isEqualTo(1);
    assertThat(gateway.metrics().tokens()).isEqualTo(3);
  }

  /**
   * A call's upstream connection belongs to the call's event loop: a connection left idle by one
   * loop is not handed to another, whose every request and chunk would then cross between the two
   * threads (in a burst, with both loops busy, that delays the first token).
   */
  @Test
  void eachEventLoopKeepsItsOwnUpstreamConnections() {
    LlmGateway g = gateway(options());
    Context one = ((VertxInternal) vertx).createEventLoopContext();
    Context two =
        ((VertxInternal) vertx)
            .createEventLoopContext(); // the next event loop: new contexts go round them
    assertThat(threadOf(one)).isNotEqualTo(threadOf(two));
    for (Context context : List.of(one, two, one, two)) {
      CompletableFuture<LlmReply> reply = new CompletableFuture<>();
      context.runOnContext(
          v ->
              g.stream("ann", ask("hi"), TokenSink.NONE)
                  .reply()
                  .onComplete(ar -> reply.complete(ar.result())));
      Waits.get(reply, "reply");
    }
    List<Integer> ports = upstream.clientPorts();
    assertThat(ports.get(1))
        .as("the second loop opens its own connection")
        .isNotEqualTo(ports.get(0));
    assertThat(ports.subList(2, 4)).as("each loop reuses its own").isEqualTo(ports.subList(0, 2));
    noPermitLeft();
  }

  @Test
  void preconnectOpensConnectionsOnEveryEventLoopAheadOfTheFirstCall() {
    LlmGateway g = gateway(options().preconnect(2));
    int loops = 0;
    for (var loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops++;
    }
    int expected = 2 * loops;
    List<Integer> kept =
        Waits.until(
            () -> upstream.modelListPorts().size() >= expected ? upstream.modelListPorts() : null,
            "GET /models from every event loop");
    assertThat(Set.copyOf(kept)).as("two connections per event loop").hasSize(expected);
    Context context = ((VertxInternal) vertx).createEventLoopContext();
    CompletableFuture<LlmReply> reply = new CompletableFuture<>();
    context.runOnContext(
        v ->
            g.stream("ann", ask("hi"), TokenSink.NONE)
                .reply()
                .onComplete(ar -> reply.complete(ar.result())));
    assertThat(Waits.get(reply, "reply").text()).isEqualTo("Hello there!");
    assertThat(kept)
        .as("the call went out on a connection opened ahead of it")
        .contains(upstream.clientPorts().get(0));
    assertThat(upstream.requests()).as("preconnect requests are not calls").isEqualTo(1);
    noPermitLeft();
  }

  private static String threadOf(Context context) {
    CompletableFuture<String> name = new CompletableFuture<>();
    context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
    return Waits.get(name, "the context's thread");
  }

  @Test
  void retriesAfter503ThenSucceeds() {
    upstream.then(
        FakeUpstream.status(503, Map.of(), "overloaded"), FakeUpstream.status(502, Map.of(), ""));
    LlmReply reply =
        Waits.get(future(gateway(options()).stream("ann", ask("hi"), TokenSink.NONE)), "reply");
    assertThat(reply.text()).isEqualTo("Hello there!");
    assertThat(upstream.requests()).isEqualTo(3);
    assertThat(gateway.metrics().retries()).isEqualTo(2);
    noPermitLeft();
  }

  @Test
  void a429HonoursRetryAfterAndRotatesToTheOtherKey() {
    upstream.then(
        FakeUpstream.status(
            429, Map.of("Retry-After", "1"), "{\"error\":{\"message\":\"slow down\"}}"));
    Waits.get(future(gateway(options()).stream("ann", ask("hi"), TokenSink.NONE)), "reply");
    List<Long> arrivals = upstream.arrivalsNanos();
    assertThat(arrivals).hasSize(2);
    long waitedMs = (arrivals.get(1) - arrivals.get(0)) / 1_000_000;
    assertThat(waitedMs).isGreaterThanOrEqualTo(1_000);
    List<String> auth = upstream.authorizations();
    assertThat(auth.get(1)).isNotEqualTo(auth.get(0));
    noPermitLeft();
  }

  @Test
  void honoursXRateLimitResetRequests() {
    upstream.then(FakeUpstream.status(429, Map.of("x-ratelimit-reset-requests", "400ms"), ""));
    Waits.get(
        future(gateway(options().apiKeys(List.of(KEY_A))).stream("ann", ask("hi"), TokenSink.NONE)),
        "reply");
    List<Long> arrivals = upstream.arrivalsNanos();
    assertThat((arrivals.get(1) - arrivals.get(0)) / 1_000_000).isGreaterThanOrEqualTo(400);
  }

  @Test
  void neverRetriesOnceATokenWasStreamed() {
    upstream.then(FakeUpstream.brokenAfter(List.of("Once", " upon")));
    List<String> deltas = new CopyOnWriteArrayList<>();
    LlmCall call = gateway(options()).stream("ann", ask("story"), deltas::add);
    Throwable error = failure(call);
    assertThat(error).isInstanceOf(ApiException.class);
    assertThat(((ApiException) error).code()).isEqualTo(ErrorCode.AI_UPSTREAM);
    assertThat(((LlmUnavailable) error).detail()).contains("broke after 2 tokens");
    assertThat(call.streamedText()).isEqualTo("Once upon");
    assertThat(deltas).containsExactly("Once", " upon");
    assertThat(upstream.requests()).isEqualTo(1);
    assertThat(gateway.metrics().retries()).isZero();
    noPermitLeft();
  }

  private static final String ROLE_CHUNK =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n";
  private static final String FINISH_CHUNK =
      "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
  private static final String DONE = "data: [DONE]\n\n";

  private static void assertUpstreamError(Throwable error, String message) {
    assertThat(error).isInstanceOf(ApiException.class);
    assertThat(((ApiException) error).code()).isEqualTo(ErrorCode.AI_UPSTREAM);
    assertThat(((LlmUnavailable) error).detail()).contains(message);
  }

  @Test
  void anEmptyStreamIsAnUpstreamErrorRetriedThenReported() {
    upstream.always(FakeUpstream.raw());
    Throwable error =
        failure(gateway(options().maxRetries(2)).stream("ann", ask("hi"), TokenSink.NONE));
    assertUpstreamError(error, "ended before any text");
    assertThat(upstream.requests())
        .as("retried like any failure before the first token")
        .isEqualTo(3);
    assertThat(gateway.metrics().retries()).isEqualTo(2);
    noPermitLeft();
  }

  @Test
  void aStreamWithoutTextIsNeverAnEmptyReply() {
    upstream.then(FakeUpstream.raw(": hi\n\n", ROLE_CHUNK, event(""), FINISH_CHUNK, DONE));
    LlmReply reply =
        Waits.get(future(gateway(options()).stream("ann", ask("hi"), TokenSink.NONE)), "reply");
    assertThat(reply.text()).as("the retry's reply").isEqualTo("Hello there!");
    assertThat(upstream.requests()).isEqualTo(2);

    upstream.always(FakeUpstream.raw(ROLE_CHUNK, DONE));
    Throwable error = failure(gateway.stream("bob", ask("hi"), TokenSink.NONE));
    assertUpstreamError(error, "without any text");
    assertThat(upstream.requests()).isEqualTo(2 + 1 + LlmOptions.DEFAULT_MAX_RETRIES);
    noPermitLeft();
  }

  @Test
  void anUnparseableChunkIsAnUpstreamErrorLoggedOnceAndRetriedBeforeTheFirstToken() {
    Logger logger = (Logger) LoggerFactory.getLogger(OpenAiStreamingClient.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      upstream.then(
          FakeUpstream.raw(
              ROLE_CHUNK, "data: {\"choices\": [oops " + KEY_A + "\n\n", event("Lost"), DONE));
      List<String> deltas = new CopyOnWriteArrayList<>();
      LlmReply reply =
          Waits.get(future(gateway(options()).stream("ann", ask("hi"), deltas::add)), "reply");
      assertThat(reply.text()).isEqualTo("Hello there!");
      assertThat(deltas).doesNotContain("Lost");
      assertThat(upstream.requests()).isEqualTo(2);
      assertThat(warnings(logged))
          .hasSize(1)
          .allSatisfy(line -> assertThat(line).contains("oops").doesNotContain(KEY_A));

      logged.list.clear();
      upstream.always(FakeUpstream.raw("data: <html>bad gateway</html>\n\n"));
      Throwable error = failure(gateway.stream("bob", ask("hi"), TokenSink.NONE));
      assertUpstreamError(error, "could not be read");
      assertThat(upstream.requests()).isEqualTo(2 + 1 + LlmOptions.DEFAULT_MAX_RETRIES);
      assertThat(warnings(logged))
          .as("one line per call, with what was sent")
          .hasSize(1)
          .allSatisfy(line -> assertThat(line).contains("<html>bad gateway</html>"));
    } finally {
      logger.detachAppender(logged);
    }
    noPermitLeft();
  }

  @Test
  void anUnparseableChunkAfterTheFirstTokenEndsTheCallWithoutARetry() {
    upstream.then(FakeUpstream.raw(event("Once"), "data: not json\n\n", event(" upon"), DONE));
    List<String> deltas = new CopyOnWriteArrayList<>();
    LlmCall call = gateway(options()).stream("ann", ask("story"), deltas::add);
    assertUpstreamError(failure(call), "could not be read");
    assertThat(deltas).containsExactly("Once");
    assertThat(upstream.requests()).isEqualTo(1);
    noPermitLeft();
  }

  /**
   * Upstreams may cut a JSON chunk over several data lines and end lines with a bare CR: both are
   * SSE.
   */
  @Test
  void multiLineDataAndBareCrLineEndsFromTheUpstream() {
    upstream.then(
        FakeUpstream.raw(
            "data: {\"choices\":[{\"index\":0,\r",
            "data: \"delta\":{\"content\":\"Hi\"}}]}\r\r",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" you\"},\n",
            "data: \"finish_reason\":\"stop\"}]}\r\n\r\n",
            DONE));
    LlmReply reply =
        Waits.get(future(gateway(options()).stream("ann", ask("hi"), TokenSink.NONE)), "reply");
    assertThat(reply.text()).isEqualTo("Hi you");
    assertThat(upstream.requests()).isEqualTo(1);
  }

  @Test
  void aStreamThatEndsAfterAFinishReasonWithoutDoneIsComplete() {
    upstream.then(FakeUpstream.raw(event("All"), event(" done"), FINISH_CHUNK));
    LlmReply reply =
        Waits.get(future(gateway(options()).stream("ann", ask("hi"), TokenSink.NONE)), "reply");
    assertThat(reply.text()).isEqualTo("All done");
    assertThat(upstream.requests()).isEqualTo(1);
    noPermitLeft();
  }

  private static String event(String delta) {
    return FakeUpstream.event(delta);
  }

  private static List<String> warnings(ListAppender<ILoggingEvent> logged) {
    synchronized (logged.list) {
      return logged.list.stream()
          .filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  @Test
  void failsWhenTheFirstTokenIsLate() {
    upstream.always(FakeUpstream.hang());
    long start = System.nanoTime();
    Throwable error =
        failure(
            gateway(options().firstTokenTimeoutMs(300)).stream("ann", ask("hi"), TokenSink.NONE));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(((ApiException) error).code()).isEqualTo(ErrorCode.AI_UPSTREAM);
    assertThat(((LlmUnavailable) error).detail()).contains("no first token");
    assertThat(error.getMessage()).contains("taking too long");
    assertThat(elapsedMs).isBetween(300L, 3_000L);
    assertThat(upstream.requests()).isEqualTo(1);
    eventually(() -> upstream.cutOff() == 1, "the upstream request reset");
    noPermitLeft();
  }

  @Test
  void failsWhenTheWholeReplyTakesTooLong() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add("w" + i + " ");
    }
    upstream.then(FakeUpstream.stream(many, 0, 100));
    LlmCall call = gateway(options().totalTimeoutMs(600)).stream("ann", ask("hi"), TokenSink.NONE);
    Throwable error = failure(call);
    assertThat(((ApiException) error).code()).isEqualTo(ErrorCode.AI_UPSTREAM);
    assertThat(((LlmUnavailable) error).detail()).contains("longer than 600 ms");
    assertThat(call.tokenCount()).isBetween(1, 29);
    eventually(() -> upstream.cutOff() == 1, "the upstream request reset");
    noPermitLeft();
  }

  @Test
  void cancelMidStreamResetsTheUpstreamRequestAndFreesThePermit() throws Exception {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add("w" + i + " ");
    }
    upstream.then(FakeUpstream.stream(many, 0, 50));
    CompletableFuture<Void> first = new CompletableFuture<>();
    List<String> deltas = new CopyOnWriteArrayList<>();
    LlmCall call =
        gateway(options()).stream(
            "ann",
            ask("hi"),
            d -> {
              deltas.add(d);
              first.complete(null);
            });
    Waits.get(first, "first token");
    assertThat(gateway.gate().inFlight()).isEqualTo(1);
    call.cancel();
    assertThat(failure(call)).isInstanceOf(CancellationException.class);
    noPermitLeft();
    eventually(() -> upstream.cutOff() == 1, "the upstream to see the connection close");
    int seen = deltas.size();
    Thread.sleep(NOTHING_MORE_MS); // the point: no token arrives once the call is cancelled
    assertThat(deltas).hasSize(seen);
  }

  @Test
  void errorsAreMappedAndNeverEchoAKey() {
    upstream.then(
        FakeUpstream.status(
            401,
            Map.of(),
            "{\"error\":{\"message\":\"Incorrect API key provided: "
                + KEY_A
                + " / "
                + KEY_B
                + " (Bearer "
                + KEY_A
                + ")\"}}"));
    Throwable error = failure(gateway(options()).stream("ann", ask("hi"), TokenSink.NONE));
    assertThat(((ApiException) error).code()).isEqualTo(ErrorCode.AI_UPSTREAM);
    assertThat(((LlmUnavailable) error).detail())
        .contains("401")
        .doesNotContain(KEY_A)
        .doesNotContain(KEY_B)
        .doesNotContain("AAAA1111");
    assertThat(error.getMessage())
        .isEqualTo(
            "The AI service does not accept this server's access. Please let the people who run"
                + " this site know.")
        .doesNotContain(KEY_A)
        .doesNotContain(KEY_B)
        .doesNotContain("AAAA1111");
    assertThat(((ApiException) error).toJson().encode())
        .doesNotContain(KEY_A)
        .doesNotContain(KEY_B);
    assertThat(upstream.requests()).as("401 is not retried").isEqualTo(1);
    noPermitLeft();
  }

  @Test
  void connectErrorsAreRetriedThenMappedWithoutAKey() throws Exception {
    upstream.close();
    LlmOptions options = options().maxRetries(2);
    Throwable error = failure(gateway(options).stream("ann", ask("hi"), TokenSink.NONE));
    assertThat(((ApiException) error).code()).isEqualTo(ErrorCode.AI_UPSTREAM);
    assertThat(((LlmUnavailable) error).detail()).contains("could not reach");
    assertThat(error.getMessage())
        .isEqualTo("The AI service is unreachable. Try again in a minute.")
        .doesNotContain(KEY_A)
        .doesNotContain(KEY_B);
    assertThat(gateway.metrics().retries()).isEqualTo(2);
    noPermitLeft();
  }

  @Test
  void aCacheHitStreamsTheCachedTextWithoutAnUpstreamCall() {
    LlmGateway gw = gateway(options().cacheTtlMs(60_000));
    Waits.get(future(gw.stream("ann", ask("same"), TokenSink.NONE)), "first reply");
    List<String> deltas = new CopyOnWriteArrayList<>();
    LlmReply second = Waits.get(future(gw.stream("bob", ask("same"), deltas::add)), "second reply");
    assertThat(second.cached()).isTrue();
    assertThat(second.text()).isEqualTo("Hello there!");
    assertThat(String.join("", deltas)).isEqualTo("Hello there!");
    assertThat(upstream.requests()).isEqualTo(1);
    LlmRequest warmer = new LlmRequest(null, ask("same").messages(), 1.0, 200);
    Waits.get(future(gw.stream("ann", warmer, TokenSink.NONE)), "other parameters");
    assertThat(upstream.requests()).as("other parameters miss the cache").isEqualTo(2);
    assertThat(gw.metrics().cacheHits()).isEqualTo(1);
    noPermitLeft();
  }

  @Test
  void theCacheIsOffByDefault() {
    LlmGateway gw = gateway(options());
    Waits.get(future(gw.stream("ann", ask("same"), TokenSink.NONE)), "first reply");
    Waits.get(future(gw.stream("ann", ask("same"), TokenSink.NONE)), "second reply");
    assertThat(upstream.requests()).isEqualTo(2);
  }

  @Test
  void capacityFiveInFlightAndTheRestBusyAtOnce() {
    upstream.always(FakeUpstream.hang());
    LlmGateway gw = gateway(options().maxConcurrent(5));
    List<LlmCall> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(gw.stream("user-" + i, ask("hi " + i), TokenSink.NONE));
    }
    // refused synchronously: already failed when stream() returns (how fast is BENCHMARKS.md's
    // business)
    List<LlmCall> busy = calls.stream().filter(c -> c.reply().failed()).toList();
    assertThat(busy).hasSize(15);
    for (LlmCall c : busy) {
      ApiException e = (ApiException) c.reply().cause();
      assertThat(e.code()).isEqualTo(ErrorCode.AI_BUSY);
      assertThat(e.retryAfterSeconds()).isPositive();
    }
    assertThat(gw.gate().inFlight()).isEqualTo(5);
    assertThat(gw.gate().rejected()).isEqualTo(15);
    eventually(() -> upstream.requests() == 5, "5 upstream requests");
    calls.forEach(LlmCall::cancel);
    noPermitLeft();
    eventually(() -> upstream.cutOff() == 5, "5 upstream requests reset");
  }

  @Test
  void theSimulatedProviderIsTheDefaultWithoutKeys() {
    LlmGateway gw = gateway(new LlmOptions().simulatedTokenDelayMs(1));
    assertThat(gw.simulated()).isTrue();
    LlmReply reply = Waits.get(future(gw.stream("ann", ask("hello"), TokenSink.NONE)), "reply");
    assertThat(reply.text()).contains("Mira").contains("hello");
    noPermitLeft();
    LlmCall cancelled = gw.stream("ann", ask("again"), TokenSink.NONE);
    cancelled.cancel();
    assertThat(failure(cancelled)).isInstanceOf(CancellationException.class);
    noPermitLeft();
  }
}
