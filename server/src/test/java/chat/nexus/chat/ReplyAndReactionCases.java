package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.store.MessageChanges;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replies (message:send with replyTo) and message:react over the official Java client: quotes,
 * toggles, counts live and in history, the emoji rules and limits, concurrent toggles, and every
 * refusal; run on each storage backend by the subclasses.
 */
abstract class ReplyAndReactionCases extends MessageActionCases {

  // ---- replies ----

  @Test
  void replyCarriesAQuoteThatFollowsTheOriginal() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      String longText = "é".repeat(150) + "👋".repeat(100);
      long original = send(a, roomId, longText).getLong("id");
      b.next("message:new");

      JsonObject reply =
          ok(
                  b,
                  "message:send",
                  new JsonObject()
                      .put("roomId", roomId)
                      .put("text", "indeed")
                      .put("replyTo", original))
              .getJsonObject("message");
      JsonObject quote = reply.getJsonObject("replyTo");
      String first200 = "é".repeat(150) + "👋".repeat(50);
      assertThat(quote)
          .isEqualTo(
              new JsonObject().put("id", original).put("userId", ann.id()).put("text", first200));
      assertThat(a.next("message:new")).isEqualTo(reply);
      assertThat(history(a, roomId).getJsonObject(0)).isEqualTo(reply);
      assertThat(restFirst(ann, roomId)).isEqualTo(reply);

      // the quote follows an edit of the original, and is empty once it is deleted
      ok(a, "message:edit", edit(roomId, original, "short now"));
      assertThat(history(b, roomId).getJsonObject(0).getJsonObject("replyTo").getString("text"))
          .isEqualTo("short now");
      ok(a, "message:delete", delete(roomId, original));
      assertThat(history(b, roomId).getJsonObject(0).getJsonObject("replyTo"))
          .isEqualTo(new JsonObject().put("id", original).put("userId", ann.id()).put("text", ""));
      JsonObject deletedReply =
          ok(b, "message:delete", delete(roomId, reply.getLong("id"))).getJsonObject("message");
      assertThat(deletedReply.containsKey("replyTo"))
          .as("a deleted reply quotes nothing")
          .isFalse();
      // a string id works as well (JavaScript clients)
      long plain = send(a, roomId, "plain").getLong("id");
      JsonObject byString =
          ok(
                  b,
                  "message:send",
                  new JsonObject()
                      .put("roomId", roomId)
                      .put("text", "ok")
                      .put("replyTo", String.valueOf(plain)))
              .getJsonObject("message");
      assertThat(byString.getJsonObject("replyTo").getString("text")).isEqualTo("plain");
    }
  }

  @Test
  void replyRefusals() {
    TestUser ann = user("Ann");
    String roomId = room();
    String otherRoom = room();
    try (Client a = joined(ann, roomId)) {
      join(a, otherRoom);
      long elsewhere = send(a, otherRoom, "elsewhere").getLong("id");
      long gone = send(a, roomId, "gone").getLong("id");
      ok(a, "message:delete", delete(roomId, gone));
      JsonObject base = new JsonObject().put("roomId", roomId).put("text", "re");
      refused(a, "message:send", base.copy().put("replyTo", elsewhere), "NOT_FOUND");
      refused(a, "message:send", base.copy().put("replyTo", 987_654_321L), "NOT_FOUND");
      refused(a, "message:send", base.copy().put("replyTo", gone), "BAD_REQUEST");
      for (Object bad : new Object[] {0, -5, "x", 2.5, new JsonObject()}) {
        refused(a, "message:send", base.copy().put("replyTo", bad), "BAD_REQUEST");
      }
      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
          .isEqualTo(1);
    }
  }

  // ---- reactions ----

  @Test
  void reactionsToggleAndAreCountedLiveAndInHistory() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      long id = send(a, roomId, "react to me").getLong("id");
      b.next("message:new");

      JsonObject first = ok(b, "message:react", react(roomId, id, "👍"));
      assertThat(first.getBoolean("reacted")).isTrue();
      assertThat(first.getLong("messageId")).isEqualTo(id);
      assertThat(first.getJsonArray("reactions"))
          .isEqualTo(
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put("emoji", "👍")
                          .put("count", 1)
                          .put("userIds", new JsonArray().add(bob.id()))));
      assertThat(a.next("message:updated")).isEqualTo(first.getJsonObject("message"));

      JsonObject second = ok(a, "message:react", react(roomId, id, "👍"));
      assertThat(second.getJsonArray("reactions").getJsonObject(0).getInteger("count"))
          .isEqualTo(2);
      b.next("message:updated");
      JsonObject third = ok(a, "message:react", react(roomId, id, ":party:"));
      b.next("message:updated");
      assertThat(third.getJsonArray("reactions").size()).isEqualTo(2);

      // a toggle takes it back
      JsonObject undone = ok(b, "message:react", react(roomId, id, "👍"));
      assertThat(undone.getBoolean("reacted")).isFalse();
      assertThat(undone.getJsonArray("reactions").getJsonObject(0))
          .isEqualTo(
              new JsonObject()
                  .put("emoji", "👍")
                  .put("count", 1)
                  .put("userIds", new JsonArray().add(ann.id())));
      JsonObject live = a.next("message:updated");
      assertThat(live).isEqualTo(undone.getJsonObject("message"));
      assertThat(history(b, roomId).getJsonObject(0)).isEqualTo(live);
      assertThat(restFirst(ann, roomId)).isEqualTo(live);

      ok(a, "message:react", react(roomId, id, "👍"));
      JsonObject last = ok(a, "message:react", react(roomId, id, ":party:"));
      assertThat(last.getJsonObject("message").containsKey("reactions"))
          .as("no reactions left: the field is gone")
          .isFalse();
      assertThat(last.getJsonArray("reactions")).isEmpty();
      assertThat(server.count("SELECT COUNT(*) FROM message_reactions WHERE message_id = ?", id))
          .isZero();
    }
  }

  @Test
  void reactionLimitsAndRefusals() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    String otherRoom = room();
    try (Client a = joined(ann, roomId)) {
      join(a, otherRoom);
      long id = send(a, roomId, "limits").getLong("id");
      long elsewhere = send(a, otherRoom, "elsewhere").getLong("id");
      for (String good :
          new String[] {
            "👍",
            "❤️",
            "👍🏽",
            "👨‍👩‍👧",
            "🇫🇷",
            "1️⃣",
            "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
            ":+1:",
            ":a:",
            "☃",
            "ℹ️"
          }) {
        assertThat(ok(a, "message:react", react(roomId, id, good)).getBoolean("reacted"))
            .as(good)
            .isTrue();
      }
      for (Object bad :
          new Object[] {
            "",
            "a",
            "hello",
            "👍👍",
            "👍 ",
            ":Party:",
            "::",
            ":" + "a".repeat(31) + ":",
            "1",
            "🏽",
            "\u200D",
            "🇫",
            "a\uFE0F",
            "ℹ",
            42,
            new JsonObject()
          }) {
        refused(a, "message:react", react(roomId, id, "x").put("emoji", bad), "BAD_REQUEST");
      }
      refused(a, "message:react", react(roomId, elsewhere, "👍"), "NOT_FOUND");
      refused(a, "message:react", react(roomId, id, "👍").put("messageId", -3), "BAD_REQUEST");
      try (Client b = server.connect(bob.token())) {
        refused(b, "message:react", react(roomId, id, "👍"), "FORBIDDEN");
      }

      // at most MAX_EMOJI_PER_MESSAGE different emoji; an existing one still toggles
      for (int i = 11; i < MessageChanges.MAX_EMOJI_PER_MESSAGE; i++) {
        ok(a, "message:react", react(roomId, id, ":e" + i + ":"));
      }
      refused(a, "message:react", react(roomId, id, ":one-too-many:"), "BAD_REQUEST");
      assertThat(ok(a, "message:react", react(roomId, id, "👍")).getBoolean("reacted")).isFalse();
      assertThat(
              ok(a, "message:react", react(roomId, id, ":one-more:"))
                  .getJsonArray("reactions")
                  .size())
          .isEqualTo(MessageChanges.MAX_EMOJI_PER_MESSAGE);
    }
  }

  @Test
  void reactionSummaryListsTheFirstFewUsersAndHistoryTellsEachTheirOwn() {
    String roomId = room();
    TestUser ann = user("Ann");
    try (Client a = joined(ann, roomId)) {
      long id = send(a, roomId, "popular").getLong("id");
      int people = MessageChanges.REACTION_USERS_SHOWN + 2;
      List<TestUser> fans = new ArrayList<>();
      for (int i = 0; i < people; i++) {
        TestUser fan = user("Fan" + i);
        fans.add(fan);
        try (Client c = joined(fan, roomId)) {
          ok(c, "message:react", react(roomId, id, "🎉"));
          ok(c, "message:react", react(roomId, id, ":" + i + ":"));
        }
      }
      JsonObject seen = history(a, roomId).getJsonObject(0);
      JsonObject entry = seen.getJsonArray("reactions").getJsonObject(0);
      assertThat(entry.getInteger("count")).isEqualTo(people);
      assertThat(entry.getJsonArray("userIds").size())
          .isEqualTo(MessageChanges.REACTION_USERS_SHOWN);
      // the lists cannot tell Ann she has none: history does, for her
      assertThat(seen.getJsonArray("myReactions")).isEmpty();
      JsonObject lastFan = restFirst(fans.get(people - 1), roomId);
      assertThat(lastFan.getJsonArray("myReactions"))
          .containsExactlyInAnyOrder("🎉", ":" + (people - 1) + ":");
      assertThat(restFirst(fans.get(0), roomId).containsKey("myReactions"))
          .as("the first fan is listed: nothing to add")
          .isFalse();
    }
  }

  @Test
  void concurrentTogglesOnOneMessageAreAllCounted() {
    String roomId = room();
    TestUser ann = user("Ann");
    List<Client> clients = new ArrayList<>();
    try (Client a = joined(ann, roomId)) {
      long id = send(a, roomId, "at once").getLong("id");
      int people = 8;
      for (int i = 0; i < people; i++) {
        clients.add(joined(user("Quick" + i), roomId));
      }
      List<java.util.concurrent.CompletableFuture<JsonObject>> acks = new ArrayList<>();
      for (Client c : clients) {
        acks.add(c.callAsync("message:react", react(roomId, id, "🔥")));
        acks.add(c.callAsync("message:react", react(roomId, id, ":fast:")));
      }
      for (var ack : acks) {
        assertThat(chat.nexus.testing.Waits.get(ack, "react").getBoolean("ok")).isTrue();
      }
      JsonArray reactions = history(a, roomId).getJsonObject(0).getJsonArray("reactions");
      assertThat(reactions.stream().map(r -> ((JsonObject) r).getInteger("count")))
          .containsExactly(people, people);
      assertThat(server.count("SELECT COUNT(*) FROM message_reactions WHERE message_id = ?", id))
          .isEqualTo(2L * people);
    } finally {
      clients.forEach(Client::close);
    }
  }
}
