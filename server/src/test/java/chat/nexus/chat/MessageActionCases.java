package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.store.MessageChanges;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Editing, deleting, replying to and reacting to messages over the official Java client: the acks,
 * the live message:updated, what history (socket and REST) shows after, and every refusal; run on
 * each storage backend by the subclasses.
 */
abstract class MessageActionCases extends ServerCases {

  static JsonObject send(Client client, String roomId, String text) {
    return ok(client, "message:send", new JsonObject().put("roomId", roomId).put("text", text))
        .getJsonObject("message");
  }

  static JsonObject ok(Client client, String event, JsonObject payload) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s %s: %s", event, payload, ack).isTrue();
    return ack;
  }

  static JsonObject edit(String roomId, long id, String text) {
    return new JsonObject().put("roomId", roomId).put("messageId", id).put("text", text);
  }

  static JsonObject delete(String roomId, long id) {
    return new JsonObject().put("roomId", roomId).put("messageId", id);
  }

  static JsonObject react(String roomId, long id, String emoji) {
    return new JsonObject().put("roomId", roomId).put("messageId", id).put("emoji", emoji);
  }

  static void refused(Client client, String event, JsonObject payload, String code) {
    Rest.assertErrorShape(client.call(event, payload), code);
  }

  JsonArray history(Client client, String roomId) {
    return ok(client, "history", new JsonObject().put("roomId", roomId)).getJsonArray("messages");
  }

  JsonObject restFirst(TestUser user, String roomId) {
    return rest.get("/api/rooms/" + roomId + "/messages", user.token())
        .assertOk(200)
        .getJsonArray("messages")
        .getJsonObject(0);
  }

  // ---- edit ----

  @Test
  void editIsStoredAnnouncedAndShownInHistory() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      JsonObject sent = send(a, roomId, "helo");
      b.next("message:new");
      long id = sent.getLong("id");

      JsonObject edited = ok(a, "message:edit", edit(roomId, id, "hello")).getJsonObject("message");
      assertThat(edited.getString("text")).isEqualTo("hello");
      assertThat(edited.getLong("id")).isEqualTo(id);
      assertThat(edited.getString("createdAt")).isEqualTo(sent.getString("createdAt"));
      assertThat(Instant.parse(edited.getString("editedAt")))
          .isAfterOrEqualTo(Instant.parse(sent.getString("createdAt")));
      assertThat(edited.containsKey("deletedAt")).isFalse();
      assertThat(b.next("message:updated")).isEqualTo(edited);

      // the same text again: ok, the same message, no second announcement
      JsonObject again = ok(a, "message:edit", edit(roomId, id, "hello")).getJsonObject("message");
      assertThat(again).isEqualTo(edited);

      assertThat(history(b, roomId).getJsonObject(0)).isEqualTo(edited);
      assertThat(restFirst(bob, roomId)).isEqualTo(edited);
      send(a, roomId, "marker");
      b.next("message:new");
      assertThat(b.pending("message:updated")).isZero();
    }
  }

  @Test
  void plainMessagesKeepTheContractShape() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = joined(ann, roomId)) {
      JsonObject sent = send(a, roomId, "plain");
      assertThat(sent.fieldNames())
          .containsExactlyInAnyOrder("id", "roomId", "userId", "text", "clientId", "createdAt");
      assertThat(history(a, roomId).getJsonObject(0)).isEqualTo(sent);
    }
  }

  @Test
  void editRefusals() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    String otherRoom = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      join(a, otherRoom);
      long id = send(a, roomId, "mine").getLong("id");
      long elsewhere = send(a, otherRoom, "elsewhere").getLong("id");

      refused(b, "message:edit", edit(roomId, id, "hijacked"), "FORBIDDEN");
      refused(a, "message:edit", edit(roomId, elsewhere, "x"), "NOT_FOUND");
      refused(a, "message:edit", edit(roomId, Long.MAX_VALUE, "x"), "NOT_FOUND");
      for (Object bad : new Object[] {"", "  ", 42, "x".repeat(ClientInput.MAX_TEXT_LENGTH + 1)}) {
        refused(a, "message:edit", edit(roomId, id, "x").put("text", bad), "BAD_REQUEST");
      }
      for (Object badId : new Object[] {0, -1, 1.5, "abc", true}) {
        refused(a, "message:edit", edit(roomId, id, "x").put("messageId", badId), "BAD_REQUEST");
      }
      refused(a, "message:edit", new JsonObject().put("roomId", roomId), "BAD_REQUEST");
      refused(a, "message:edit", edit("bad room!", id, "x"), "BAD_REQUEST");
      // not joined: refused before any lookup
      refused(b, "message:edit", edit(otherRoom, elsewhere, "x"), "FORBIDDEN");

      ok(a, "message:delete", delete(roomId, id));
      refused(a, "message:edit", edit(roomId, id, "back from the dead"), "BAD_REQUEST");
      assertThat(history(a, roomId).getJsonObject(0).getString("text")).isEmpty();
      assertThat(
              server.query("SELECT text FROM messages WHERE id = ?", elsewhere).get(0).get("text"))
          .isEqualTo("elsewhere");
    }
  }

  // ---- delete ----

  @Test
  void deleteEmptiesTheTextAnnouncesOnceAndShowsInHistory() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      long id = send(a, roomId, "regrettable").getLong("id");
      b.next("message:new");
      ok(b, "message:react", react(roomId, id, "👍"));
      a.next("message:updated");

      JsonObject deleted = ok(a, "message:delete", delete(roomId, id)).getJsonObject("message");
      assertThat(deleted.getString("text")).isEmpty();
      assertThat(deleted.getString("deletedAt")).isNotNull();
      assertThat(deleted.containsKey("reactions")).as("reactions go with it").isFalse();
      assertThat(b.next("message:updated")).isEqualTo(deleted);
      assertThat(server.query("SELECT text FROM messages WHERE id = ?", id).get(0).get("text"))
          .as("the content is gone from storage")
          .isEqualTo("");
      assertThat(server.count("SELECT COUNT(*) FROM message_reactions WHERE message_id = ?", id))
          .isZero();

      // twice: ok, the same message, not announced again
      assertThat(ok(a, "message:delete", delete(roomId, id)).getJsonObject("message"))
          .isEqualTo(deleted);
      assertThat(history(b, roomId).getJsonObject(0)).isEqualTo(deleted);
      assertThat(restFirst(bob, roomId)).isEqualTo(deleted);
      refused(b, "message:react", react(roomId, id, "👍"), "BAD_REQUEST");
      send(a, roomId, "marker");
      b.next("message:new");
      assertThat(b.pending("message:updated")).isZero();
    }
  }

  @Test
  void deleteRefusals() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    String otherRoom = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      join(a, otherRoom);
      long id = send(a, roomId, "mine").getLong("id");
      long elsewhere = send(a, otherRoom, "elsewhere").getLong("id");
      refused(b, "message:delete", delete(roomId, id), "FORBIDDEN");
      refused(a, "message:delete", delete(roomId, elsewhere), "NOT_FOUND");
      refused(a, "message:delete", delete(roomId, 999_999_999L), "NOT_FOUND");
      refused(a, "message:delete", delete(roomId, id).put("messageId", "x"), "BAD_REQUEST");
      refused(b, "message:delete", delete(otherRoom, elsewhere), "FORBIDDEN");
      assertThat(history(a, roomId).getJsonObject(0).getString("text")).isEqualTo("mine");
    }
  }

  @Test
  void moderatorsDeleteAnyonesMessageButEditOnlyTheirOwn() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser mod = user("Mod");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      server.update(
          "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
          roomId,
          mod.id(),
          "moderator",
          java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
      try (Client m = joined(mod, roomId)) {
        long id = send(a, roomId, "spam").getLong("id");
        b.next("message:new");
        m.next("message:new");
        refused(b, "message:delete", delete(roomId, id), "FORBIDDEN");
        refused(m, "message:edit", edit(roomId, id, "tidied"), "FORBIDDEN");
        JsonObject deleted = ok(m, "message:delete", delete(roomId, id)).getJsonObject("message");
        assertThat(deleted.getString("deletedAt")).isNotNull();
        assertThat(deleted.getString("userId")).as("still the author's").isEqualTo(ann.id());
        assertThat(a.next("message:updated")).isEqualTo(deleted);
        assertThat(b.next("message:updated")).isEqualTo(deleted);
      }
    }
  }

  // ---- direct rooms ----

  @Test
  void directRoomUpdatesReachBothInboxes() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String dm =
        "dm:"
            + (ann.id().compareTo(bob.id()) < 0
                ? ann.id() + ":" + bob.id()
                : bob.id() + ":" + ann.id());
    try (Client a = joined(ann, dm);
        Client a2 = server.connect(ann.token());
        Client b = server.connect(bob.token())) {
      long id = send(a, dm, "hi bob").getLong("id");
      b.next("message:new");
      a2.next("message:new");
      JsonObject edited = ok(a, "message:edit", edit(dm, id, "hi Bob")).getJsonObject("message");
      assertThat(b.next("message:updated")).as("bob has not joined: his inbox").isEqualTo(edited);
      assertThat(a2.next("message:updated")).as("ann's other tab").isEqualTo(edited);
      assertThat(a.pending("message:updated")).isZero();
    }
  }

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
