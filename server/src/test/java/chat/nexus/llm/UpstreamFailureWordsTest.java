package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a person reads when the upstream fails, on every way a companion reply reaches them (the
 * socket's companion:error, the SSE error event, the plain JSON answer): the character's name and
 * what happened in plain words, never a host, a port, an exception's name or a status line. The
 * detail is in the failure metric.
 */
class UpstreamFailureWordsTest extends ServerCases {

  private final Vertx vertx = Vertx.vertx();
  private FakeUpstream upstream;

  @Override
  protected Map<String, String> env() {
    upstream = FakeUpstream.start(vertx);
    return env(upstream.baseUrl());
  }

  private static Map<String, String> env(String baseUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("LLM_BASE_URL", baseUrl);
    env.put("LLM_API_KEYS", "sk-fake-upstream-key-0123456789");
    env.put("LLM_MAX_RETRIES", "0");
    env.put("LLM_CONNECT_TIMEOUT_MS", "2000");
    return env;
  }

  @AfterAll
  void closeUpstream() throws Exception {
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A guest's token and a character of theirs named Mira. */
  private static String[] guestWithMira(TestServer on) {
    String token = on.guest("g" + UUID.randomUUID().toString().substring(0, 6)).getString("token");
    JsonObject card =
        new JsonObject()
            .put("spec", "chara_card_v2")
            .put("spec_version", "2.0")
            .put(
                "data",
                new JsonObject()
                    .put("name", "Mira")
                    .put("description", "a ship AI")
                    .put("personality", "warm")
                    .put("scenario", "on a starship")
                    .put("first_mes", "Welcome aboard!")
                    .put("mes_example", ""));
    String id =
        on.rest()
            .post("/api/characters", card, token)
            .assertOk(201)
            .getJsonObject("character")
            .getString("id");
    return new String[] {token, id};
  }

  private static JsonObject socketError(TestServer on, String token, String characterId) {
    Client client = on.connect(token);
    JsonObject ack =
        client.call(
            "companion:message",
            new JsonObject().put("characterId", characterId).put("text", "hi"));
    assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
    JsonObject error = client.next("companion:error").getJsonObject("error");
    client.close();
    return error;
  }

  private void assertPlainWords(String text, String port) {
    assertThat(text)
        .startsWith("Mira can't answer right now — ")
        .doesNotContain("127.0.0.1")
        .doesNotContain(":" + port)
        .doesNotContain("Exception")
        .doesNotContain("LLM")
        .doesNotContain("upstream")
        .doesNotContain("sk-fake");
  }

  private String upstreamPort() {
    return upstream.baseUrl().replaceAll(".*:(\\d+)/.*", "$1");
  }

  @Test
  void aServerErrorIsTroubleOnEveryPath() {
    upstream.always(FakeUpstream.status(500, Map.of(), "Internal error at 10.1.2.3:8443"));
    String[] me = guestWithMira(server);
    JsonObject error = socketError(server, me[0], me[1]);
    assertThat(error.getString("code")).isEqualTo("AI_UPSTREAM");
    assertThat(error.getString("message"))
        .isEqualTo(
            "Mira can't answer right now — the AI service is having trouble. Try again in a"
                + " minute.");
    assertPlainWords(error.getString("message"), upstreamPort());

    Rest.Response json =
        rest.post(
            "/api/companions/" + me[1] + "/messages", new JsonObject().put("text", "hi"), me[0]);
    json.assertError(502, "AI_UPSTREAM");
    assertPlainWords(json.json().getJsonObject("error").getString("message"), upstreamPort());
    assertThat(json.body()).doesNotContain("10.1.2.3");

    Rest.Response sse =
        rest.postRaw(
            "/api/companions/" + me[1] + "/messages",
            "application/json",
            new JsonObject().put("text", "hi").encode(),
            me[0],
            Map.of("Accept", "text/event-stream"));
    assertThat(sse.body()).contains("event: error");
    String data = sse.body().substring(sse.body().indexOf("event: error"));
    data = data.substring(data.indexOf("data: ") + 6).lines().findFirst().orElseThrow();
    JsonObject sseError = new JsonObject(data).getJsonObject("error");
    assertThat(sseError.getString("code")).isEqualTo("AI_UPSTREAM");
    assertPlainWords(sseError.getString("message"), upstreamPort());
    assertThat(server.chatServer().llm().metrics().upstreamFailures(LlmUnavailable.Reason.FAILING))
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void aRefusedKeyAndA429AreSaidPlainly() {
    String[] me = guestWithMira(server);
    upstream.always(
        FakeUpstream.status(401, Map.of(), "{\"error\":{\"message\":\"invalid api key\"}}"));
    JsonObject refused = socketError(server, me[0], me[1]);
    assertThat(refused.getString("message"))
        .isEqualTo(
            "Mira can't answer right now — the AI service does not accept this server's access."
                + " Please let the people who run this site know.");
    assertPlainWords(refused.getString("message"), upstreamPort());

    upstream.always(FakeUpstream.status(429, Map.of("Retry-After", "1"), "slow down"));
    JsonObject busy = socketError(server, me[0], me[1]);
    assertThat(busy.getString("message"))
        .isEqualTo(
            "Mira can't answer right now — the AI service is overloaded. Try again in a minute.");
    assertPlainWords(busy.getString("message"), upstreamPort());
  }

  @Test
  void anUnreachableServiceIsSaidToBeUnreachable() throws Exception {
    FakeUpstream gone = FakeUpstream.start(vertx);
    String baseUrl = gone.baseUrl();
    String port = baseUrl.replaceAll(".*:(\\d+)/.*", "$1");
    gone.close(); // connections to it are refused from now on
    try (TestServer down = TestServer.start(chat.nexus.testing.Backend.H2, env(baseUrl))) {
      String[] me = guestWithMira(down);
      JsonObject error = socketError(down, me[0], me[1]);
      assertThat(error.getString("message"))
          .isEqualTo(
              "Mira can't answer right now — the AI service is unreachable. Try again in a minute.");
      assertPlainWords(error.getString("message"), port);
      assertThat(
              down.chatServer().llm().metrics().upstreamFailures(LlmUnavailable.Reason.UNREACHABLE))
          .isEqualTo(1);
    }
  }
}
