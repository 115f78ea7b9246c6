package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What goes to the provider and what is read back beside the text: the body's fixed parts (usage in
 * the stream, Venice's own system prompt off, LLM_EXTRA_BODY), the usage chunk, and the rate-limit
 * headers that rest a key; against a real fake upstream where the wire matters.
 */
class UpstreamRequestTest {

  private static final String KEY_A = "sk-test-AAAA1111secret";
  private static final String KEY_B = "sk-test-BBBB2222secret";

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
        .apiKeys(List.of(KEY_A))
        .model("fake-model")
        .maxConcurrent(5)
        .maxPerUser(100)
        .backoffBaseMs(10)
        .backoffCapMs(50);
  }

  private static LlmRequest ask(String text) {
    return new LlmRequest(
        null, List.of(ChatMessage.system("You are Mira."), ChatMessage.user(text)), 0.7, 200);
  }

  private LlmReply reply(LlmOptions options) {
    if (gateway == null) {
      gateway = LlmGateway.create(vertx, options);
    }
    return Waits.get(
        gateway.stream("ann", ask("hi"), TokenSink.NONE)
            .reply()
            .toCompletionStage()
            .toCompletableFuture(),
        "reply");
  }

  @Test
  void everyStreamAsksForUsageAndCarriesTheExtraBody() {
    JsonObject extra =
        new JsonObject()
            .put("top_p", 0.9)
            .put("stream_options", new JsonObject().put("chunk_size", 4))
            .put("venice_parameters", new JsonObject().put("enable_web_search", "off"));
    reply(options().extraBody(extra));
    JsonObject body = upstream.bodies().get(0);
    assertThat(body.getBoolean("stream")).isTrue();
    assertThat(body.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    assertThat(body.getJsonObject("stream_options").getInteger("chunk_size")).isEqualTo(4);
    assertThat(body.getDouble("top_p")).isEqualTo(0.9);
    assertThat(body.getDouble("temperature")).isEqualTo(0.7);
    assertThat(body.getJsonArray("messages")).hasSize(2);
    // not Venice (a local upstream): only what LLM_EXTRA_BODY says about Venice
    assertThat(body.getJsonObject("venice_parameters").fieldNames())
        .containsExactly("enable_web_search");
  }

  @Test
  void veniceIsAskedToLeaveItsOwnSystemPromptOut() {
    LlmOptions venice = new LlmOptions().apiKeys(List.of(KEY_A)); // the default base URL
    assertThat(venice.venice()).isTrue();
    JsonObject body = new UpstreamRequests(venice).body(ask("hi")).toJsonObject();
    assertThat(body.getJsonObject("venice_parameters").getBoolean("include_venice_system_prompt"))
        .isFalse();
    assertThat(body.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();

    JsonObject merged =
        new UpstreamRequests(
                new LlmOptions()
                    .apiKeys(List.of(KEY_A))
                    .extraBody(
                        new JsonObject()
                            .put(
                                "venice_parameters",
                                new JsonObject().put("enable_web_search", "auto"))))
            .body(ask("hi"))
            .toJsonObject()
            .getJsonObject("venice_parameters");
    assertThat(merged.getBoolean("include_venice_system_prompt")).isFalse();
    assertThat(merged.getString("enable_web_search")).isEqualTo("auto");

    for (String other :
        List.of(
            "http://127.0.0.1:8080/v1", "https://api.openai.com/v1", "https://notvenice.ai/v1")) {
      assertThat(new LlmOptions().baseUrl(other).venice()).as(other).isFalse();
      assertThat(
              new UpstreamRequests(new LlmOptions().baseUrl(other))
                  .body(ask("hi"))
                  .toJsonObject()
                  .containsKey("venice_parameters"))
          .as(other)
          .isFalse();
    }
  }

  @Test
  void aNullInTheExtraBodyLeavesTheServersFieldOut() {
    JsonObject body =
        new UpstreamRequests(
                options().extraBody(new JsonObject().putNull("stream_options").put("seed", 7)))
            .body(ask("hi"))
            .toJsonObject();
    assertThat(body.containsKey("stream_options")).isFalse();
    assertThat(body.getInteger("seed")).isEqualTo(7);
  }

  @Test
  void theExtraBodyIsCheckedAtStartUp() {
    LlmOptions read =
        new LlmOptions()
            .withEnv(
                Map.of(
                    "LLM_EXTRA_BODY", "{\"top_p\": 0.5}",
                    "LLM_QUOTA_DAILY_TOKENS", "1000",
                    "LLM_QUOTA_MONTHLY_TOKENS", "20000"));
    assertThat(read.extraBody().getDouble("top_p")).isEqualTo(0.5);
    assertThat(read.quotaDailyTokens()).isEqualTo(1000);
    assertThat(read.quotaMonthlyTokens()).isEqualTo(20000);
    assertThat(new LlmOptions().withEnv(Map.of()).quotaDailyTokens()).isZero();

    assertThatThrownBy(
            () -> new LlmOptions().withEnv(Map.of("LLM_EXTRA_BODY", "[1, \"sk-secret-value\"]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LLM_EXTRA_BODY must be a JSON object")
        .hasMessageNotContaining("sk-secret-value");
    assertThatThrownBy(() -> new LlmOptions().withEnv(Map.of("LLM_EXTRA_BODY", "{not json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LLM_EXTRA_BODY must be a JSON object");
    assertThatThrownBy(
            () -> new LlmOptions().withEnv(Map.of("LLM_EXTRA_BODY", "{\"messages\": []}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LLM_EXTRA_BODY must not set \"messages\"");
    assertThatThrownBy(() -> new LlmOptions().withEnv(Map.of("LLM_QUOTA_DAILY_TOKENS", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LLM_QUOTA_DAILY_TOKENS");
  }

  @Test
  void theFinalUsageChunkReachesTheReply() {
    // as OpenAI and Venice send it with include_usage: after the finish, a chunk without choices
    upstream.then(
        FakeUpstream.raw(
            FakeUpstream.event("Hello"),
            FakeUpstream.event(" you"),
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":41,\"completion_tokens\":2,"
                + "\"total_tokens\":43}}\n\n",
            "data: [DONE]\n\n"));
    LlmReply reply = reply(options());
    assertThat(reply.text()).isEqualTo("Hello you");
    assertThat(reply.promptTokens()).isEqualTo(41);
    assertThat(reply.completionTokens()).isEqualTo(2);
  }

  /** 200 and a short stream, with these headers. */
  private static FakeUpstream.Behaviour streamWith(Map<String, String> headers) {
    return (request, v) -> {
      HttpServerResponse response = request.response();
      headers.forEach(response::putHeader);
      response.setChunked(true).putHeader("Content-Type", "text/event-stream");
      response.write(FakeUpstream.event("ok"));
      response.end("data: [DONE]\n\n");
    };
  }

  @Test
  void aKeyThatReportsNothingLeftRestsUntilItsReset() {
    long inAMinute = System.currentTimeMillis() / 1000 + 60;
    upstream.then(
        // Venice: the requests' reset as a Unix timestamp
        streamWith(
            Map.of(
                "x-ratelimit-remaining-requests",
                "0",
                "x-ratelimit-reset-requests",
                String.valueOf(inAMinute))));
    LlmOptions twoKeys = options().apiKeys(List.of(KEY_A, KEY_B));
    reply(twoKeys);
    String first = upstream.authorizations().get(0);
    for (int i = 0; i < 3; i++) {
      reply(twoKeys);
    }
    assertThat(upstream.authorizations().subList(1, 4)).doesNotContain(first);
  }

  @Test
  void aKeyWithTokensLeftIsNotRested() {
    upstream.then(
        streamWith(
            Map.of(
                "x-ratelimit-remaining-requests", "12",
                "x-ratelimit-remaining-tokens", "9000",
                "x-ratelimit-reset-tokens", "30")));
    LlmOptions twoKeys = options().apiKeys(List.of(KEY_A, KEY_B));
    reply(twoKeys);
    reply(twoKeys);
    reply(twoKeys);
    // calls one after another all take the first key while it has something left
    assertThat(upstream.authorizations()).containsOnly("Bearer " + KEY_A);
  }

  @Test
  void rateLimitResetsInEveryFormProvidersUse() {
    long now = 1_800_000_000_000L;
    assertThat(RateLimitHeaders.resetMs("6m0s", now)).isEqualTo(360_000);
    assertThat(RateLimitHeaders.resetMs("120ms", now)).isEqualTo(120);
    assertThat(RateLimitHeaders.resetMs("30", now)).isEqualTo(30_000);
    assertThat(RateLimitHeaders.resetMs("0.5", now)).isEqualTo(500);
    assertThat(RateLimitHeaders.resetMs(String.valueOf(now / 1000 + 42), now)).isEqualTo(42_000);
    assertThat(RateLimitHeaders.resetMs(String.valueOf(now + 1500), now)).isEqualTo(1_500);
    assertThat(RateLimitHeaders.resetMs("soon", now)).isZero();
    assertThat(RateLimitHeaders.resetMs(null, now)).isZero();

    io.vertx.core.MultiMap tokensOut =
        io.vertx.core.MultiMap.caseInsensitiveMultiMap()
            .add("X-RateLimit-Remaining-Tokens", "0")
            .add("X-RateLimit-Reset-Tokens", "20");
    assertThat(RateLimitHeaders.read(tokensOut, now)).hasValue(now + 20_000);
    io.vertx.core.MultiMap noReset =
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("x-ratelimit-remaining-requests", "0");
    assertThat(RateLimitHeaders.read(noReset, now))
        .hasValue(now + RateLimitHeaders.FALLBACK_REST_MS);
    io.vertx.core.MultiMap farAway =
        io.vertx.core.MultiMap.caseInsensitiveMultiMap()
            .add("x-ratelimit-remaining-requests", "0")
            .add("x-ratelimit-reset-requests", "999h");
    assertThat(RateLimitHeaders.read(farAway, now)).hasValue(now + RateLimitHeaders.MAX_REST_MS);
    assertThat(RateLimitHeaders.read(io.vertx.core.MultiMap.caseInsensitiveMultiMap(), now))
        .isEmpty();
  }
}
