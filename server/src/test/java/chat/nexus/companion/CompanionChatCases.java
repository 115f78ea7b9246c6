package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several conversations per character, history pages, swipes, edits and retries, over the socket
 * and REST, against a fake OpenAI-compatible upstream that numbers its replies; run on each backend
 * by the subclasses.
 */
abstract class CompanionChatCases extends UpstreamCompanionCases {

  @Test
  void conversationsAreListedStartedRenamedAndDeletedOnEveryDevice() {
    Guest me = guest();
    String id = character(me.token());
    Client phone = server.connect(me.token());
    Client laptop = server.connect(me.token());

    JsonObject first = open(phone, id, null);
    long firstId = first.getJsonObject("conversation").getLong("id");
    assertThat(first.getJsonObject("conversation").getString("characterId")).isEqualTo(id);
    assertThat(laptop.next("companion:conversation").getJsonObject("conversation").getLong("id"))
        .isEqualTo(firstId);
    assertThat(open(laptop, id, null).getJsonObject("conversation").getLong("id"))
        .as("the most recent conversation, not a new one")
        .isEqualTo(firstId);

    JsonObject second = ok(phone.call("companion:new", new JsonObject().put("characterId", id)));
    long secondId = second.getJsonObject("conversation").getLong("id");
    assertThat(secondId).isNotEqualTo(firstId);
    assertThat(second.getJsonArray("messages")).hasSize(1);
    assertThat(laptop.next("companion:conversation").getJsonObject("conversation").getLong("id"))
        .isEqualTo(secondId);
    String reply =
        say(phone, id, secondId, "Hello in the second one")
            .getJsonObject("message")
            .getString("content");

    JsonArray listed =
        ok(phone.call("companion:conversations", new JsonObject().put("characterId", id)))
            .getJsonArray("conversations");
    assertThat(listed.stream().map(c -> ((JsonObject) c).getLong("id")).toList())
        .containsExactly(secondId, firstId);
    assertThat(
            rest.get("/api/companions/" + id + "/conversations", me.token())
                .assertOk(200)
                .getJsonArray("conversations"))
        .isEqualTo(listed);

    JsonObject renamed =
        ok(
            phone.call(
                "companion:rename",
                new JsonObject().put("conversationId", firstId).put("title", "  Storm talk ")));
    assertThat(renamed.getJsonObject("conversation").getString("title")).isEqualTo("Storm talk");
    assertThat(
            laptop.next("companion:conversation").getJsonObject("conversation").getString("title"))
        .isEqualTo("Storm talk");
    JsonObject viaRest =
        send(
                "PATCH",
                "/api/companions/conversations/" + secondId,
                new JsonObject().put("title", "Second"),
                me.token())
            .assertOk(200);
    assertThat(viaRest.getJsonObject("conversation").getString("title")).isEqualTo("Second");

    JsonArray everywhere =
        rest.get("/api/me/conversations", me.token()).assertOk(200).getJsonArray("conversations");
    List<JsonObject> companions =
        everywhere.stream()
            .map(c -> (JsonObject) c)
            .filter(c -> "companion".equals(c.getString("kind")))
            .toList();
    assertThat(companions).hasSize(2);
    assertThat(companions.get(0).getJsonObject("conversation"))
        .isEqualTo(new JsonObject().put("id", secondId).put("title", "Second"));
    assertThat(companions.get(0).getString("id")).isEqualTo(id);
    assertThat(companions.get(0).getJsonObject("lastMessage").getString("text")).isEqualTo(reply);
    assertThat(companions.get(1).getJsonObject("conversation").getString("title"))
        .isEqualTo("Storm talk");

    JsonObject deleted =
        ok(phone.call("companion:delete", new JsonObject().put("conversationId", secondId)));
    assertThat(deleted.getLong("conversationId")).isEqualTo(secondId);
    JsonObject gone = laptop.next("companion:conversation-deleted");
    assertThat(gone.getLong("conversationId")).isEqualTo(secondId);
    assertThat(gone.getString("characterId")).isEqualTo(id);
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM companion_chat_messages WHERE conversation_id = ?", secondId))
        .isZero();
    assertThat(
            rest.get("/api/companions/" + id + "/conversations", me.token())
                .assertOk(200)
                .getJsonArray("conversations"))
        .hasSize(1);
    send("DELETE", "/api/companions/conversations/" + firstId, null, me.token()).assertOk(200);
    send("DELETE", "/api/companions/conversations/" + firstId, null, me.token())
        .assertError(404, "NOT_FOUND");
  }

  @Test
  void anotherUsersConversationIsNotFound() {
    Guest me = guest();
    Guest other = guest();
    String id = character(me.token());
    Client mine = server.connect(me.token());
    long conversationId = open(mine, id, null).getJsonObject("conversation").getLong("id");
    long greetingId =
        open(mine, id, conversationId).getJsonArray("messages").getJsonObject(0).getLong("id");
    Client theirs = server.connect(other.token());
    JsonObject byId = new JsonObject().put("characterId", id).put("conversationId", conversationId);
    Rest.assertErrorShape(theirs.call("companion:open", byId), "NOT_FOUND");
    Rest.assertErrorShape(
        theirs.call("companion:message", byId.copy().put("text", "hi")), "NOT_FOUND");
    Rest.assertErrorShape(theirs.call("companion:regenerate", byId), "NOT_FOUND");
    Rest.assertErrorShape(
        theirs.call(
            "companion:rename",
            new JsonObject().put("conversationId", conversationId).put("title", "mine now")),
        "NOT_FOUND");
    Rest.assertErrorShape(
        theirs.call("companion:delete", new JsonObject().put("conversationId", conversationId)),
        "NOT_FOUND");
    Rest.assertErrorShape(
        theirs.call(
            "companion:edit",
            new JsonObject()
                .put("conversationId", conversationId)
                .put("messageId", greetingId)
                .put("text", "changed")),
        "NOT_FOUND");
    Rest.assertErrorShape(
        theirs.call(
            "companion:swipe",
            new JsonObject()
                .put("conversationId", conversationId)
                .put("messageId", greetingId)
                .put("swipe", 1)),
        "NOT_FOUND");
    send("DELETE", "/api/companions/conversations/" + conversationId, null, other.token())
        .assertError(404, "NOT_FOUND");
    rest.get("/api/companions/" + id + "/messages?conversationId=" + conversationId, other.token())
        .assertError(404, "NOT_FOUND");

    String elsewhere = character(me.token());
    Rest.assertErrorShape(
        mine.call(
            "companion:open",
            new JsonObject().put("characterId", elsewhere).put("conversationId", conversationId)),
        "NOT_FOUND");
    for (Object bad : List.of("x", -1, 0, 1.5, new JsonObject())) {
      Rest.assertErrorShape(
          mine.call(
              "companion:open", new JsonObject().put("characterId", id).put("conversationId", bad)),
          "BAD_REQUEST");
    }
    Rest.assertErrorShape(
        mine.call(
            "companion:rename",
            new JsonObject().put("conversationId", conversationId).put("title", "t".repeat(101))),
        "BAD_REQUEST");
    assertThat(open(mine, id, conversationId).getJsonObject("conversation").getString("title"))
        .isNull();
  }

  @Test
  void historyPagesWithBefore() {
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    long conversationId = open(client, id, null).getJsonObject("conversation").getLong("id");
    for (int i = 0; i < 30; i++) {
      assertThat(say(client, id, conversationId, "turn " + i).getString("event")).isEqualTo("done");
    }
    JsonArray newest =
        ok(client.call(
                "companion:open",
                new JsonObject()
                    .put("characterId", id)
                    .put("conversationId", conversationId)
                    .put("limit", 50)))
            .getJsonArray("messages");
    assertThat(newest).hasSize(50);
    long oldestShown = newest.getJsonObject(0).getLong("id");
    JsonArray older =
        ok(client.call(
                "companion:open",
                new JsonObject()
                    .put("characterId", id)
                    .put("conversationId", conversationId)
                    .put("before", oldestShown)
                    .put("limit", 50)))
            .getJsonArray("messages");
    assertThat(older).hasSize(11);
    assertThat(older.getJsonObject(0).getString("role")).as("the greeting").isEqualTo("assistant");
    assertThat(older.getJsonObject(10).getLong("id")).isLessThan(oldestShown);
    JsonObject page =
        rest.get(
                "/api/companions/"
                    + id
                    + "/messages?conversationId="
                    + conversationId
                    + "&before="
                    + oldestShown
                    + "&limit=5",
                me.token())
            .assertOk(200);
    assertThat(page.getJsonArray("messages").getList()).isEqualTo(older.getList().subList(6, 11));
    rest.get("/api/companions/" + id + "/messages?before=zero", me.token())
        .assertError(400, "BAD_REQUEST");
  }
}
