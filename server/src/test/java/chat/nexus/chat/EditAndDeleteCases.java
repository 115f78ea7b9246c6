package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * message:edit and message:delete over the official Java client: the acks, the live message:updated
 * (to a direct room's inboxes too), history (socket and REST) after, idempotence, moderators, and
 * every refusal; run on each storage backend by the subclasses.
 */
abstract class EditAndDeleteCases extends MessageActionCases {

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
}
