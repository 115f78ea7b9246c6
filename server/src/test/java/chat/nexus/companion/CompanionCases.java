package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.chat.ClientInput;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Companion chat over the socket and REST with the simulated provider; run on each backend by the
 * subclasses.
 */
abstract class CompanionCases extends CompanionFixtures {

  @Override
  protected Map<String, String> env() {
    return Map.of("LLM_SIMULATED_TOKEN_MS", "1");
  }

  @Test
  void openStoresTheGreetingOnce() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    JsonObject first = client.call("companion:open", new JsonObject().put("characterId", id));
    assertThat(first.getBoolean("ok")).as(first.encode()).isTrue();
    JsonArray messages = first.getJsonArray("messages");
    assertThat(messages).hasSize(1);
    assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("assistant");
    assertThat(messages.getJsonObject(0).getString("content"))
        .isEqualTo("Ahoy, " + me.name() + ". Mind the stairs.");
    JsonObject again = client.call("companion:open", new JsonObject().put("characterId", id));
    assertThat(again.getJsonArray("messages")).isEqualTo(messages);
    assertThat(
            rest.get("/api/companions/" + id + "/messages", me.token())
                .assertOk(200)
                .getJsonArray("messages"))
        .isEqualTo(messages);
    assertThat(rows(me.userId(), id)).isEqualTo(1);
  }

  @Test
  void messageStreamsTokensThenDoneAndStoresBothSides() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    client.call("companion:open", new JsonObject().put("characterId", id));
    JsonObject ack =
        client.call(
            "companion:message",
            new JsonObject().put("characterId", id).put("text", "Is the Dragon awake?"));
    assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
    long messageId = ack.getLong("messageId");
    List<JsonObject> events = streamUntilEnd(client);
    JsonObject done = events.get(events.size() - 1);
    assertThat(done.getString("event")).as(events.toString()).isEqualTo("done");
    assertThat(events.size()).as("at least one token before done").isGreaterThan(1);
    StringBuilder text = new StringBuilder();
    for (JsonObject token : events.subList(0, events.size() - 1)) {
      assertThat(token.getString("characterId")).isEqualTo(id);
      assertThat(token.getLong("messageId")).isEqualTo(messageId);
      text.append(token.getString("delta"));
    }
    JsonObject reply = done.getJsonObject("message");
    assertThat(done.getLong("messageId")).isEqualTo(messageId);
    assertThat(reply.getString("role")).isEqualTo("assistant");
    assertThat(reply.getString("content")).isEqualTo(text.toString()).contains("Dragon");
    assertThat(reply.getLong("id")).isGreaterThan(messageId);
    assertThat(rows(me.userId(), id)).isEqualTo(3);

    JsonArray history =
        client
            .call("companion:open", new JsonObject().put("characterId", id))
            .getJsonArray("messages");
    assertThat(history).hasSize(3);
    assertThat(history.getJsonObject(0).getString("role")).isEqualTo("assistant");
    assertThat(history.getJsonObject(1).getLong("id")).isEqualTo(messageId);
    assertThat(history.getJsonObject(1).getString("content")).isEqualTo("Is the Dragon awake?");
    assertThat(history.getJsonObject(2)).isEqualTo(reply);
  }

  @Test
  void messageWithoutOpenStartsWithTheGreeting() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    assertThat(
            client
                .call(
                    "companion:message", new JsonObject().put("characterId", id).put("text", "hi"))
                .getBoolean("ok"))
        .isTrue();
    List<JsonObject> events = streamUntilEnd(client);
    assertThat(events.get(events.size() - 1).getString("event"))
        .as(events.toString())
        .isEqualTo("done");
    JsonArray history =
        client
            .call("companion:open", new JsonObject().put("characterId", id))
            .getJsonArray("messages");
    assertThat(history.stream().map(m -> ((JsonObject) m).getString("role")).toList())
        .containsExactly("assistant", "user", "assistant");
  }

  @Test
  void badPayloadsAreRefused() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    Rest.assertErrorShape(
        client.call(
            "companion:open", new JsonObject().put("characterId", "nope-" + UUID.randomUUID())),
        "NOT_FOUND");
    Rest.assertErrorShape(
        client.call(
            "companion:message", new JsonObject().put("characterId", "nope").put("text", "hi")),
        "NOT_FOUND");
    Rest.assertErrorShape(client.call("companion:open", new JsonObject()), "BAD_REQUEST");
    Rest.assertErrorShape(client.call("companion:open", "just a string"), "BAD_REQUEST");
    Rest.assertErrorShape(client.call("companion:message", "just a string"), "BAD_REQUEST");
    Rest.assertErrorShape(
        client.call(
            "companion:message", new JsonObject().put("characterId", id).put("text", "   ")),
        "BAD_REQUEST");
    Rest.assertErrorShape(
        client.call("companion:message", new JsonObject().put("characterId", id)), "BAD_REQUEST");
    Rest.assertErrorShape(
        client.call(
            "companion:message",
            new JsonObject().put("characterId", id).put("text", "x".repeat(4001))),
        "BAD_REQUEST");
    assertThat(
            client
                .call(
                    "companion:message",
                    new JsonObject().put("characterId", id).put("text", "x".repeat(4000)))
                .getBoolean("ok"))
        .isTrue();
    streamUntilEnd(client);
    assertThat(rows(me.userId(), id))
        .as("greeting, the 4000-character message and its reply")
        .isEqualTo(3);

    rest.post("/api/companions/nope/messages", new JsonObject().put("text", "hi"), me.token())
        .assertError(404, "NOT_FOUND");
    rest.post("/api/companions/" + id + "/messages", new JsonObject().put("text", ""), me.token())
        .assertError(400, "BAD_REQUEST");
    rest.post("/api/companions/" + id + "/messages", new JsonObject().put("text", "hi"), null)
        .assertError(401, "UNAUTHORIZED");
    rest.get("/api/companions/nope/messages", me.token()).assertError(404, "NOT_FOUND");
  }

  @Test
  void textsFollowTheMessageRules() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    JsonObject nul =
        client.call(
            "companion:message", new JsonObject().put("characterId", id).put("text", "a\u0000b"));
    Rest.assertErrorShape(nul, "BAD_REQUEST");
    assertThat(nul.getJsonObject("error").getString("message")).contains("control characters");
    String path = "/api/companions/" + id + "/messages";
    for (String raw :
        List.of("{\"text\":\"bell \\u0007\"}", "{\"text\":\"lone \\ud800 surrogate\"}")) {
      rest.postRaw(path, "application/json", raw, me.token(), Map.of())
          .assertError(400, "BAD_REQUEST");
    }
    String wave = "\uD83D\uDC4B"; // one character, two UTF-16 units
    String longest = wave.repeat(ClientInput.MAX_TEXT_LENGTH);
    rest.post(path, new JsonObject().put("text", longest + wave), me.token())
        .assertError(400, "BAD_REQUEST");
    JsonObject body =
        rest.post(path, new JsonObject().put("text", longest), me.token()).assertOk(200);
    assertThat(body.getJsonObject("message").getString("content"))
        .as("the limit counts characters")
        .isEqualTo(longest);
    assertThat(rows(me.userId(), id))
        .as("greeting, the longest message and its reply")
        .isEqualTo(3);
  }

  @Test
  void restJsonWaitsForTheWholeReply() {
    Guest me = guest();
    String id = character(me.token());
    JsonObject body =
        rest.post(
                "/api/companions/" + id + "/messages",
                new JsonObject().put("text", "Any ships tonight?"),
                me.token())
            .assertOk(200);
    assertThat(body.getJsonObject("message").getString("content")).isEqualTo("Any ships tonight?");
    assertThat(body.getJsonObject("message").getString("role")).isEqualTo("user");
    assertThat(body.getJsonObject("reply").getString("role")).isEqualTo("assistant");
    assertThat(body.getJsonObject("reply").getString("content")).contains("Any ships tonight?");
    JsonArray history =
        rest.get("/api/companions/" + id + "/messages", me.token())
            .assertOk(200)
            .getJsonArray("messages");
    assertThat(history).hasSize(3);
    assertThat(history.getJsonObject(1)).isEqualTo(body.getJsonObject("message"));
    assertThat(history.getJsonObject(2)).isEqualTo(body.getJsonObject("reply"));
  }

  @Test
  void restServerSentEventsStreamTokensThenDone() throws Exception {
    Guest me = guest();
    String id = character(me.token());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/api/companions/" + id + "/messages"))
            .header("Authorization", "Bearer " + me.token())
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(15))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    new JsonObject().put("text", "Tell me about the storm").encode()))
            .build();
    HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    List<String[]> events = sse(response.body());
    assertThat(events.size()).isGreaterThan(1);
    String[] last = events.get(events.size() - 1);
    assertThat(last[0]).isEqualTo("done");
    StringBuilder text = new StringBuilder();
    for (String[] event : events.subList(0, events.size() - 1)) {
      assertThat(event[0]).isEqualTo("token");
      text.append(new JsonObject(event[1]).getString("delta"));
    }
    JsonObject reply = new JsonObject(last[1]).getJsonObject("message");
    assertThat(reply.getString("content")).isEqualTo(text.toString());
    assertThat(rows(me.userId(), id)).isEqualTo(3);
  }

  /** The events of an SSE body: {name, data}. */
  static List<String[]> sse(Stream<String> lines) {
    List<String[]> events = new ArrayList<>();
    String[] current = {null, null};
    lines.forEach(
        line -> {
          if (line.startsWith("event: ")) {
            current[0] = line.substring(7);
          } else if (line.startsWith("data: ")) {
            current[1] = line.substring(6);
          } else if (line.isEmpty() && current[0] != null) {
            events.add(new String[] {current[0], current[1]});
            current[0] = null;
            current[1] = null;
          }
        });
    return events;
  }
}
