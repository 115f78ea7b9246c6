package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Swipes, edits and retries against the fake upstream: the chosen alternative is what later prompts
 * contain, and a retry after a failure never stores the user's message twice; run on each backend
 * by the subclasses.
 */
abstract class SwipeCases extends UpstreamCompanionCases {

  private static JsonObject swipe(Client client, long conversationId, long messageId, int index) {
    return client.call(
        "companion:swipe",
        new JsonObject()
            .put("conversationId", conversationId)
            .put("messageId", messageId)
            .put("swipe", index));
  }

  private long userRows(long conversationId) {
    return server.count(
        "SELECT COUNT(*) FROM companion_chat_messages WHERE conversation_id = ? AND role = 'user'",
        conversationId);
  }

  /** How often a text is the content of the last request's user messages. */
  private long timesInLastPrompt(String text) {
    return ScriptedUpstream.contents(upstream.lastBody(), "user").stream()
        .filter(text::equals)
        .count();
  }

  @Test
  void regenerateKeepsTheAlternativesAndTheChosenOneGoesIntoLaterPrompts() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    long conversationId = open(client, id, null).getJsonObject("conversation").getLong("id");
    JsonObject first = say(client, id, conversationId, "What ships tonight?");
    JsonObject original = first.getJsonObject("message");
    assertThat(original.getInteger("swipes")).isEqualTo(1);

    JsonObject again = regenerate(client, id, conversationId);
    assertThat(again.getString("event")).isEqualTo("done");
    assertThat(again.getLong("messageId")).isEqualTo(first.getLong("messageId"));
    JsonObject swiped = again.getJsonObject("message");
    assertThat(swiped.getLong("id")).isEqualTo(original.getLong("id"));
    assertThat(swiped.getInteger("swipes")).isEqualTo(2);
    assertThat(swiped.getInteger("swipe")).isEqualTo(1);
    assertThat(swiped.getString("content")).isNotEqualTo(original.getString("content"));
    assertThat(ScriptedUpstream.contents(upstream.lastBody(), "assistant"))
        .as("the reply being replaced is not in its own regeneration's prompt")
        .doesNotContain(original.getString("content"));
    assertThat(timesInLastPrompt("What ships tonight?")).isEqualTo(1);
    assertThat(userRows(conversationId)).isEqualTo(1);

    JsonObject back = ok(swipe(client, conversationId, original.getLong("id"), 0));
    assertThat(back.getJsonObject("message").getString("content"))
        .isEqualTo(original.getString("content"));
    JsonArray reloaded = open(client, id, conversationId).getJsonArray("messages");
    JsonObject last = reloaded.getJsonObject(reloaded.size() - 1);
    assertThat(last.getInteger("swipe")).isZero();
    assertThat(last.getInteger("swipes")).isEqualTo(2);
    assertThat(last.getString("content")).isEqualTo(original.getString("content"));

    say(client, id, conversationId, "And tomorrow?");
    List<String> replies = ScriptedUpstream.contents(upstream.lastBody(), "assistant");
    assertThat(replies)
        .contains(original.getString("content"))
        .doesNotContain(swiped.getString("content"));

    Rest.assertErrorShape(swipe(client, conversationId, original.getLong("id"), 1), "CONFLICT");
    JsonArray now = open(client, id, conversationId).getJsonArray("messages");
    long newest = now.getJsonObject(now.size() - 1).getLong("id");
    Rest.assertErrorShape(swipe(client, conversationId, newest, 1), "BAD_REQUEST");
    Rest.assertErrorShape(swipe(client, conversationId, newest, -1), "BAD_REQUEST");
    send(
            "PATCH",
            "/api/companions/conversations/" + conversationId + "/messages/" + newest,
            new JsonObject().put("swipe", 0),
            me.token())
        .assertOk(200);
  }

  @Test
  void theGreetingsAreSwipesOfTheFirstMessage() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    JsonObject opened = open(client, id, null);
    long conversationId = opened.getJsonObject("conversation").getLong("id");
    JsonObject greeting = opened.getJsonArray("messages").getJsonObject(0);
    assertThat(greeting.getInteger("swipes")).isEqualTo(2);
    assertThat(greeting.getString("content"))
        .isEqualTo("Ahoy, " + me.name() + ". Mind the stairs.");
    JsonObject other = ok(swipe(client, conversationId, greeting.getLong("id"), 1));
    assertThat(other.getJsonObject("message").getString("content"))
        .isEqualTo("Another night, another storm.");
    Rest.assertErrorShape(
        client.call(
            "companion:regenerate",
            new JsonObject().put("characterId", id).put("conversationId", conversationId)),
        "CONFLICT");
    say(client, id, conversationId, "Hello");
    assertThat(ScriptedUpstream.contents(upstream.lastBody(), "assistant"))
        .containsExactly("Another night, another storm.");
  }

  @Test
  void editedMessagesAreWhatTheNextReplySees() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    long conversationId = open(client, id, null).getJsonObject("conversation").getLong("id");
    JsonObject done = say(client, id, conversationId, "Is the lamp lit?");
    long userMessage = done.getLong("messageId");
    long reply = done.getJsonObject("message").getLong("id");

    JsonObject edited =
        ok(
            client.call(
                "companion:edit",
                new JsonObject()
                    .put("conversationId", conversationId)
                    .put("messageId", userMessage)
                    .put("text", "Is the lamp burning?")));
    assertThat(edited.getJsonObject("message").getString("content"))
        .isEqualTo("Is the lamp burning?");
    send(
            "PATCH",
            "/api/companions/conversations/" + conversationId + "/messages/" + reply,
            new JsonObject().put("text", "The lamp burns bright."),
            me.token())
        .assertOk(200);
    JsonObject continued = regenerate(client, id, conversationId);
    assertThat(continued.getString("event")).isEqualTo("done");
    assertThat(timesInLastPrompt("Is the lamp burning?")).isEqualTo(1);
    assertThat(timesInLastPrompt("Is the lamp lit?")).isZero();
    JsonObject message = continued.getJsonObject("message");
    assertThat(message.getInteger("swipes")).isEqualTo(2);
    ok(swipe(client, conversationId, reply, 0));
    say(client, id, conversationId, "Good.");
    assertThat(ScriptedUpstream.contents(upstream.lastBody(), "assistant"))
        .contains("The lamp burns bright.");

    Rest.assertErrorShape(
        client.call(
            "companion:edit",
            new JsonObject()
                .put("conversationId", conversationId)
                .put("messageId", userMessage)
                .put("text", " ")),
        "BAD_REQUEST");
    Rest.assertErrorShape(
        client.call(
            "companion:edit",
            new JsonObject()
                .put("conversationId", conversationId)
                .put("messageId", 999_999_999L)
                .put("text", "x")),
        "NOT_FOUND");
  }

  @Test
  void aRetryAfterAFailureNeverStoresTheUserMessageTwice() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    long conversationId = open(client, id, null).getJsonObject("conversation").getLong("id");

    upstream.failNext(1);
    JsonObject failed = say(client, id, conversationId, "Hello?");
    assertThat(failed.getString("event")).isEqualTo("error");
    // what the web client's "Ask again" sends: the same message again
    JsonObject answered = say(client, id, conversationId, "Hello?");
    assertThat(answered.getString("event")).isEqualTo("done");
    assertThat(answered.getLong("messageId")).isEqualTo(failed.getLong("messageId"));
    assertThat(userRows(conversationId)).isEqualTo(1);
    assertThat(timesInLastPrompt("Hello?")).isEqualTo(1);

    upstream.failNext(1);
    assertThat(say(client, id, conversationId, "Still there?").getString("event"))
        .isEqualTo("error");
    JsonObject regenerated = regenerate(client, id, conversationId);
    assertThat(regenerated.getString("event")).isEqualTo("done");
    assertThat(regenerated.getJsonObject("message").getInteger("swipes")).isEqualTo(1);
    assertThat(userRows(conversationId)).isEqualTo(2);
    assertThat(timesInLastPrompt("Still there?")).isEqualTo(1);
  }
}
