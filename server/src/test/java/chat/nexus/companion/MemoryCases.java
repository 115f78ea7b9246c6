package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Memory and personas with a 600-token prompt budget, against a fake upstream that writes summaries
 * keeping the words in capitals; run on each backend by the subclasses.
 */
abstract class MemoryCases extends UpstreamCompanionCases {

  private static final Pattern CAPITALS = Pattern.compile("\\b[A-Z]{5,}\\b");

  @Override
  protected Map<String, String> env() {
    Map<String, String> env = new java.util.HashMap<>(super.env());
    env.put("LLM_PROMPT_TOKEN_BUDGET", "600");
    return env;
  }

  @Override
  Function<JsonObject, String> replies() {
    AtomicInteger n = new AtomicInteger();
    return body -> {
      if (isSummary(body)) {
        Set<String> kept = new LinkedHashSet<>();
        Matcher m = CAPITALS.matcher(ScriptedUpstream.contents(body, "user").get(0));
        while (m.find()) {
          kept.add(m.group());
        }
        return "They talked about the sea. Words to keep: " + String.join(", ", kept) + ".";
      }
      return "Reply " + n.incrementAndGet() + ": the sea is wide and the ships are late tonight.";
    };
  }

  private static boolean isSummary(JsonObject body) {
    return ScriptedUpstream.contents(body, "system").stream()
        .anyMatch(s -> s.startsWith("You keep the memory"));
  }

  private List<JsonObject> replyRequests() {
    return upstream.bodies().stream().filter(b -> !isSummary(b)).toList();
  }

  private static String system(JsonObject body) {
    return String.join("\n", ScriptedUpstream.contents(body, "system"));
  }

  @Test
  void aCodewordGivenEarlyIsStillInThePromptAfterFortyTurns() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    long conversationId = open(client, id, null).getJsonObject("conversation").getLong("id");
    say(client, id, conversationId, "Remember the codeword PELICAN for later, keeper.");
    for (int i = 1; i <= 40; i++) {
      JsonObject done =
          say(
              client,
              id,
              conversationId,
              "Turn " + i + ": tell me more about the lighthouse and the ships tonight, please.");
      assertThat(done.getString("event")).as(done.encode()).isEqualTo("done");
    }
    Waits.within(
        Duration.ofSeconds(10),
        () ->
            String.valueOf(
                    open(client, id, conversationId).getJsonObject("memory").getString("summary"))
                .contains("PELICAN"),
        "a summary that keeps the codeword");
    say(client, id, conversationId, "So, what was the word?");
    JsonObject last = replyRequests().get(replyRequests().size() - 1);
    assertThat(ScriptedUpstream.contents(last, "user"))
        .as("the first message itself is long out of the prompt")
        .noneMatch(text -> text.contains("PELICAN"))
        .contains("So, what was the word?");
    assertThat(system(last)).contains("PELICAN");
    int estimated =
        last.getJsonArray("messages").stream()
            .mapToInt(m -> PromptBuilder.estimateTokens(((JsonObject) m).getString("content")) + 4)
            .sum();
    assertThat(estimated).isLessThanOrEqualTo(600);
    JsonObject memory = open(client, id, conversationId).getJsonObject("memory");
    assertThat(memory.getLong("summaryThrough")).isPositive();
    assertThat(upstream.bodies().stream().filter(MemoryCases::isSummary).count())
        .as("summaries are written now and then, not every turn")
        .isBetween(1L, 20L);
  }

  @Test
  void pinnedFactsAndAnEditedSummaryGoIntoThePrompt() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    long conversationId = open(client, id, null).getJsonObject("conversation").getLong("id");
    JsonObject saved =
        ok(
            client.call(
                "companion:memory",
                new JsonObject()
                    .put("conversationId", conversationId)
                    .put("summary", "{{user}} came to the lighthouse to find a lost ship.")
                    .put("pins", new JsonArray().add("My sister is called Ingrid."))));
    assertThat(saved.getJsonObject("memory").getJsonArray("pins"))
        .containsExactly("My sister is called Ingrid.");
    say(client, id, conversationId, "Any news?");
    String system = system(upstream.lastBody());
    assertThat(system)
        .contains("My sister is called Ingrid.")
        .contains(me.name() + " came to the lighthouse to find a lost ship.");
    JsonObject memory = open(client, id, conversationId).getJsonObject("memory");
    assertThat(memory.getString("summary"))
        .isEqualTo("{{user}} came to the lighthouse to find a lost ship.");

    send(
            "PUT",
            "/api/companions/conversations/" + conversationId + "/memory",
            new JsonObject().put("summary", "").put("pins", new JsonArray()),
            me.token())
        .assertOk(200);
    say(client, id, conversationId, "And now?");
    assertThat(system(upstream.lastBody())).doesNotContain("Ingrid");

    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 21; i++) {
      tooMany.add("fact " + i);
    }
    for (Object pins : List.of(tooMany, new JsonArray().add("x".repeat(301)), "one fact")) {
      Rest.assertErrorShape(
          client.call(
              "companion:memory",
              new JsonObject().put("conversationId", conversationId).put("pins", pins)),
          "BAD_REQUEST");
    }
    Guest other = guest();
    send(
            "PUT",
            "/api/companions/conversations/" + conversationId + "/memory",
            new JsonObject().put("summary", "mine"),
            other.token())
        .assertError(404, "NOT_FOUND");
  }

  @Test
  void aPersonaIsWhoTheUserIsInTheConversation() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    Client other = server.connect(me.token());
    long conversationId = open(client, id, null).getJsonObject("conversation").getLong("id");
    other.next("companion:conversation");
    JsonObject persona =
        rest.post(
                "/api/me/personas",
                new JsonObject()
                    .put("name", "Captain Vos")
                    .put("description", "{{user}} is a retired sea captain with one eye."),
                me.token())
            .assertOk(201)
            .getJsonObject("persona");
    long personaId = persona.getLong("id");
    JsonObject chosen =
        ok(
            client.call(
                "companion:persona",
                new JsonObject()
                    .put("conversationId", conversationId)
                    .put("personaId", personaId)));
    assertThat(chosen.getJsonObject("conversation").getLong("personaId")).isEqualTo(personaId);
    assertThat(
            other.next("companion:conversation").getJsonObject("conversation").getLong("personaId"))
        .isEqualTo(personaId);
    say(client, id, conversationId, "Evening.");
    String system = system(upstream.lastBody());
    assertThat(system)
        .contains("About Captain Vos: Captain Vos is a retired sea captain with one eye.")
        .contains("talks to Captain Vos about ships")
        .doesNotContain(me.name());

    assertThat(rest.get("/api/me/personas", me.token()).assertOk(200).getJsonArray("personas"))
        .containsExactly(persona);
    JsonObject renamed =
        send(
                "PATCH",
                "/api/me/personas/" + personaId,
                new JsonObject().put("name", "Admiral Vos"),
                me.token())
            .assertOk(200)
            .getJsonObject("persona");
    assertThat(renamed.getString("description")).isEqualTo(persona.getString("description"));

    Guest stranger = guest();
    send(
            "PATCH",
            "/api/me/personas/" + personaId,
            new JsonObject().put("name", "x"),
            stranger.token())
        .assertError(404, "NOT_FOUND");
    send("DELETE", "/api/me/personas/" + personaId, null, stranger.token())
        .assertError(404, "NOT_FOUND");
    String theirs = character(stranger.token());
    Client strangerClient = server.connect(stranger.token());
    long theirConversation =
        open(strangerClient, theirs, null).getJsonObject("conversation").getLong("id");
    Rest.assertErrorShape(
        strangerClient.call(
            "companion:persona",
            new JsonObject().put("conversationId", theirConversation).put("personaId", personaId)),
        "NOT_FOUND");
    rest.post("/api/me/personas", new JsonObject().put("name", "n".repeat(65)), me.token())
        .assertError(400, "BAD_REQUEST");
    rest.post("/api/me/personas", new JsonObject().put("description", "no name"), me.token())
        .assertError(400, "BAD_REQUEST");
    for (int i = 1; i < Personas.MAX_PERSONAS; i++) {
      rest.post("/api/me/personas", new JsonObject().put("name", "P" + i), me.token())
          .assertOk(201);
    }
    rest.post("/api/me/personas", new JsonObject().put("name", "one too many"), me.token())
        .assertError(409, "CONFLICT");

    send("DELETE", "/api/me/personas/" + personaId, null, me.token()).assertOk(200);
    say(client, id, conversationId, "Who am I now?");
    assertThat(system(upstream.lastBody())).contains(me.name()).doesNotContain("Vos");
  }
}
