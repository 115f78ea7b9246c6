package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.rooms.RoomIds;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rooms with owners over the official Java client: case-insensitive names, the directory, private
 * rooms and invitations, roles, kicks, bans, mutes, blocks and reports, with every refusal; run on
 * each storage backend by the subclasses.
 */
abstract class RoomCases extends ServerCases {

  static JsonObject ok(Client client, String event, JsonObject payload) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s %s: %s", event, payload, ack).isTrue();
    return ack;
  }

  static void refused(Client client, String event, JsonObject payload, String code) {
    Rest.assertErrorShape(client.call(event, payload), code);
  }

  static JsonObject at(String roomId, TestUser user) {
    return new JsonObject().put("roomId", roomId).put("userId", user.id());
  }

  static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates a room owned by {@code owner}'s client and joins it; the canonical id. */
  static String create(Client owner, String name, String visibility) {
    JsonObject room =
        ok(owner, "room:create", new JsonObject().put("name", name).put("visibility", visibility))
            .getJsonObject("room");
    join(owner, room.getString("id"));
    return room.getString("id");
  }

  @Test
  void namesDifferingInCaseAreOneRoom() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String name = name("Lobby");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token())) {
      JsonObject room =
          ok(a, "room:create", new JsonObject().put("name", name).put("topic", "hello"))
              .getJsonObject("room");
      assertThat(room.getString("id")).isEqualTo(name.toLowerCase());
      assertThat(room.getString("name")).isEqualTo(name);
      assertThat(room.getString("ownerId")).isEqualTo(ann.id());
      refused(a, "room:create", new JsonObject().put("name", name.toUpperCase()), "CONFLICT");
      refused(b, "room:create", new JsonObject(), "BAD_REQUEST");
      refused(b, "room:create", new JsonObject().put("name", "dm:a:b"), "BAD_REQUEST");
      refused(b, "room:create", new JsonObject().put("name", "x y"), "BAD_REQUEST");
      refused(
          b,
          "room:create",
          new JsonObject().put("name", name("v")).put("visibility", "secret"),
          "BAD_REQUEST");

      assertThat(join(a, name).getString("roomId")).isEqualTo(room.getString("id"));
      assertThat(join(b, name.toUpperCase()).getString("roomId")).isEqualTo(room.getString("id"));
      MessageCases.send(a, name, "one room");
      assertThat(b.next("message:new").getString("roomId")).isEqualTo(room.getString("id"));
    }
  }

  @Test
  void theDirectoryListsPublicRoomsWithCountsAndSearches() {
    TestUser ann = user("Ann");
    String prefix = "dir" + UUID.randomUUID().toString().substring(0, 6);
    try (Client a = server.connect(ann.token())) {
      String first = create(a, prefix + "-Alpha", "public");
      create(a, prefix + "-Beta", "public");
      create(a, prefix + "-Hidden", "private");
      JsonObject page =
          rest.get("/api/rooms?q=" + prefix.toUpperCase() + "&limit=1", ann.token()).assertOk(200);
      JsonArray rooms = page.getJsonArray("rooms");
      assertThat(rooms).hasSize(1);
      JsonObject alpha = rooms.getJsonObject(0);
      assertThat(alpha.getString("id")).isEqualTo(first);
      assertThat(alpha.getString("name")).isEqualTo(prefix + "-Alpha");
      assertThat(alpha.getInteger("memberCount")).isEqualTo(1);
      assertThat(alpha.getInteger("onlineCount")).isEqualTo(1);
      JsonObject next =
          rest.get(
                  "/api/rooms?q=" + prefix + "&limit=5&cursor=" + page.getString("nextCursor"),
                  ann.token())
              .assertOk(200);
      assertThat(next.getJsonArray("rooms")).hasSize(1);
      assertThat(next.getJsonArray("rooms").getJsonObject(0).getString("name")).endsWith("-Beta");
      assertThat(next.containsKey("nextCursor")).isFalse();
      rest.get("/api/rooms?limit=0", ann.token()).assertError(400, "BAD_REQUEST");
      rest.get("/api/rooms?q=" + "x".repeat(65), ann.token()).assertError(400, "BAD_REQUEST");
      rest.get("/api/rooms?cursor=a%20b", ann.token()).assertError(400, "BAD_REQUEST");
      rest.get("/api/rooms", null).assertError(401, "UNAUTHORIZED");

      JsonObject details = rest.get("/api/rooms/" + first.toUpperCase(), ann.token()).assertOk(200);
      assertThat(details.getJsonObject("room").getString("id")).isEqualTo(first);
      assertThat(details.getString("myRole")).isEqualTo("owner");
      assertThat(details.getJsonArray("members").getJsonObject(0).getString("userId"))
          .isEqualTo(ann.id());
      rest.get("/api/rooms/" + name("none"), ann.token()).assertError(404, "NOT_FOUND");
    }
  }

  @Test
  void privateRoomsAreForInvitedUsersOnly() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token());
        Client c = server.connect(carl.token())) {
      String id = create(a, name("Secret"), "private");
      JsonObject byId = new JsonObject().put("roomId", id);
      refused(c, "room:join", byId, "FORBIDDEN");
      refused(c, "history", byId, "FORBIDDEN");
      refused(c, "message:send", byId.copy().put("text", "hi"), "FORBIDDEN");
      rest.get("/api/rooms/" + id, carl.token()).assertError(403, "FORBIDDEN");
      rest.get("/api/rooms/" + id + "/messages", carl.token()).assertError(403, "FORBIDDEN");
      assertThat(rest.get("/api/rooms?q=" + id, carl.token()).assertOk(200).getJsonArray("rooms"))
          .isEmpty();

      refused(c, "room:invite", at(id, bob), "FORBIDDEN");
      refused(a, "room:invite", at(id, ann), "BAD_REQUEST");
      refused(
          a,
          "room:invite",
          new JsonObject().put("roomId", id).put("userId", "nobody-x"),
          "NOT_FOUND");
      refused(a, "room:invite", new JsonObject().put("roomId", id), "BAD_REQUEST");
      assertThat(ok(a, "room:invite", at(id, bob)).getBoolean("alreadyMember")).isFalse();
      JsonObject invited = b.next("room:invited");
      assertThat(invited.getString("roomId")).isEqualTo(id);
      assertThat(invited.getString("invitedBy")).isEqualTo(ann.id());
      join(b, id);
      assertThat(ok(a, "room:invite", at(id, bob)).getBoolean("alreadyMember")).isTrue();
      MessageCases.send(b, id, "thanks for the invitation");
      refused(c, "room:join", byId, "FORBIDDEN");
    }
  }

  @Test
  void ownersGiveRolesAndModeratorsMuteKickAndBanMembers() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    TestUser dora = user("Dora");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token());
        Client c = server.connect(carl.token());
        Client d = server.connect(dora.token())) {
      String id = create(a, name("Mods"), "public");
      join(b, id);
      join(c, id);
      join(d, id);
      ok(a, "room:role", at(id, bob).put("role", "moderator"));
      assertThat(b.next("room:role").getString("role")).isEqualTo("moderator");
      refused(a, "room:role", at(id, bob).put("role", "king"), "BAD_REQUEST");
      refused(a, "room:role", at(id, ann).put("role", "member"), "BAD_REQUEST");
      refused(b, "room:role", at(id, carl).put("role", "moderator"), "FORBIDDEN");
      refused(c, "room:kick", at(id, dora), "FORBIDDEN");
      refused(b, "room:kick", at(id, ann), "FORBIDDEN");
      refused(b, "room:kick", at(id, bob), "BAD_REQUEST");
      ok(a, "room:role", at(id, dora).put("role", "moderator"));
      refused(b, "room:mute", at(id, dora).put("minutes", 5), "FORBIDDEN");
      ok(a, "room:role", at(id, dora).put("role", "member"));

      // mute: Carl reads but may not send until unmuted
      refused(b, "room:mute", at(id, carl), "BAD_REQUEST");
      refused(b, "room:mute", at(id, carl).put("minutes", 0), "BAD_REQUEST");
      ok(b, "room:mute", at(id, carl).put("minutes", 10));
      assertThat(c.next("room:muted").getString("until")).isNotNull();
      JsonObject muted =
          c.call("message:send", new JsonObject().put("roomId", id).put("text", "x"));
      Rest.assertErrorShape(muted, "FORBIDDEN");
      assertThat(muted.getJsonObject("error").getString("message")).contains("muted");
      ok(b, "room:unmute", at(id, carl));
      MessageCases.send(c, id, "back");

      // kick: out of the room at once, may come back
      ok(b, "room:kick", at(id, carl));
      JsonObject removed = c.next("room:removed");
      assertThat(removed.getString("roomId")).isEqualTo(id);
      assertThat(removed.getString("reason")).isEqualTo("kicked");
      refused(c, "message:send", new JsonObject().put("roomId", id).put("text", "x"), "FORBIDDEN");
      refused(b, "room:kick", at(id, carl), "NOT_FOUND");
      join(c, id);
      MessageCases.send(c, id, "rejoined");

      // ban: out, and not back until unbanned
      refused(b, "room:ban", at(id, carl).put("minutes", -1), "BAD_REQUEST");
      ok(b, "room:ban", at(id, carl));
      assertThat(c.next("room:removed").getString("reason")).isEqualTo("banned");
      refused(c, "room:join", new JsonObject().put("roomId", id), "FORBIDDEN");
      ok(b, "room:unban", at(id, carl));
      refused(b, "room:unban", at(id, carl), "NOT_FOUND");
      join(c, id);
      long seen = MessageCases.send(c, id, "seen").getLong("id");
      JsonObject read = new JsonObject().put("roomId", id).put("messageId", seen);
      ok(c, "read", read);
      ok(b, "room:ban", at(id, carl).put("minutes", 60));
      c.next("room:removed");
      refused(c, "room:join", new JsonObject().put("roomId", id), "FORBIDDEN");
      // the node still holds Carl's read marker: a read is refused all the same
      refused(c, "read", read, "FORBIDDEN");

      JsonObject members = rest.get("/api/rooms/" + id, ann.token()).assertOk(200);
      assertThat(members.getJsonArray("members").getJsonObject(0).getString("role"))
          .isEqualTo("owner");
      assertThat(members.getJsonArray("members").getJsonObject(1).getString("role"))
          .isEqualTo("moderator");
    }
  }

  @Test
  void ownersAndModeratorsChangeTheRoom() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token());
        Client c = server.connect(carl.token())) {
      String name = name("Topics");
      String id = create(a, name, "public");
      join(b, id);
      join(c, id);
      ok(a, "room:role", at(id, bob).put("role", "moderator"));
      ok(b, "room:update", new JsonObject().put("roomId", id).put("topic", "new topic"));
      assertThat(c.next("room:updated").getJsonObject("room").getString("topic"))
          .isEqualTo("new topic");
      refused(
          c, "room:update", new JsonObject().put("roomId", id).put("topic", "mine"), "FORBIDDEN");
      refused(
          b,
          "room:update",
          new JsonObject().put("roomId", id).put("visibility", "private"),
          "FORBIDDEN");
      refused(
          a, "room:update", new JsonObject().put("roomId", id).put("name", "other"), "BAD_REQUEST");
      refused(a, "room:update", new JsonObject().put("roomId", id), "BAD_REQUEST");
      refused(
          a,
          "room:update",
          new JsonObject().put("roomId", id).put("topic", "x".repeat(301)),
          "BAD_REQUEST");
      refused(
          a,
          "room:update",
          new JsonObject().put("roomId", name("gone")).put("topic", "x"),
          "NOT_FOUND");
      JsonObject room =
          ok(
                  a,
                  "room:update",
                  new JsonObject()
                      .put("roomId", id)
                      .put("name", name.toUpperCase())
                      .put("visibility", "private"))
              .getJsonObject("room");
      assertThat(room.getString("name")).isEqualTo(name.toUpperCase());
      assertThat(room.getString("visibility")).isEqualTo("private");
      TestUser dora = user("Dora");
      try (Client d = server.connect(dora.token())) {
        refused(d, "room:join", new JsonObject().put("roomId", id), "FORBIDDEN");
      }
      // the last owner stays an owner
      ok(a, "room:role", at(id, bob).put("role", "owner"));
      ok(b, "room:role", at(id, ann).put("role", "member"));
      refused(a, "room:role", at(id, bob).put("role", "member"), "FORBIDDEN");
    }
  }

  @Test
  void aBlockedUserCannotSendTheBlockerDirectMessages() {
    TestUser dana = user("Dana");
    TestUser eve = user("Eve");
    String dm = RoomIds.direct(dana.id(), eve.id());
    try (Client d = joined(dana, dm);
        Client e = joined(eve, dm)) {
      ok(d, "user:block", new JsonObject().put("userId", eve.id()));
      JsonObject refusedSend =
          e.call("message:send", new JsonObject().put("roomId", dm).put("text", "hi"));
      Rest.assertErrorShape(refusedSend, "FORBIDDEN");
      assertThat(refusedSend.getJsonObject("error").getString("message")).doesNotContain("block");
      MessageCases.send(d, dm, "I can still write");
      JsonArray blocks =
          rest.get("/api/me/blocks", dana.token()).assertOk(200).getJsonArray("blocks");
      assertThat(blocks.getJsonObject(0).getString("userId")).isEqualTo(eve.id());
      refused(d, "user:block", new JsonObject().put("userId", dana.id()), "BAD_REQUEST");
      refused(d, "user:block", new JsonObject().put("userId", "nobody-y"), "NOT_FOUND");
      refused(d, "user:block", new JsonObject(), "BAD_REQUEST");
      ok(d, "user:unblock", new JsonObject().put("userId", eve.id()));
      MessageCases.send(e, dm, "thanks");
      assertThat(rest.get("/api/me/blocks", dana.token()).assertOk(200).getJsonArray("blocks"))
          .isEmpty();
    }
  }

  @Test
  void membersReportMessagesToTheRoomsModerators() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token())) {
      String id = create(a, name("Reports"), "public");
      join(b, id);
      long first = MessageCases.send(a, id, "first").getLong("id");
      long second = MessageCases.send(a, id, "second").getLong("id");
      JsonObject report = new JsonObject().put("roomId", id).put("reason", "rude");
      ok(b, "message:report", report.copy().put("messageId", first));
      ok(b, "message:report", report.copy().put("messageId", second));
      refused(a, "message:report", report.copy().put("messageId", first), "BAD_REQUEST");
      refused(b, "message:report", report.copy().put("messageId", 999_999_999L), "NOT_FOUND");
      refused(
          b,
          "message:report",
          report.copy().put("messageId", first).put("reason", " "),
          "BAD_REQUEST");
      refused(
          b,
          "message:report",
          report.copy().put("messageId", first).put("reason", "x".repeat(501)),
          "BAD_REQUEST");
      JsonArray reports =
          rest.get("/api/rooms/" + id + "/reports", ann.token())
              .assertOk(200)
              .getJsonArray("reports");
      assertThat(reports).hasSize(2);
      assertThat(reports.getJsonObject(0).getLong("messageId")).isEqualTo(second);
      assertThat(reports.getJsonObject(0).getString("reason")).isEqualTo("rude");
      assertThat(reports.getJsonObject(0).getString("reporterId")).isEqualTo(bob.id());
      rest.get("/api/rooms/" + id + "/reports", bob.token()).assertError(403, "FORBIDDEN");
      rest.get("/api/rooms/" + id + "/reports?limit=1000", ann.token())
          .assertError(400, "BAD_REQUEST");
    }
  }

  @Test
  void mutedOrBlockedUsersNeitherEditNorReact() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token());
        Client c = server.connect(carl.token())) {
      String id = create(a, name("Hush"), "public");
      join(c, id);
      long carls = MessageCases.send(c, id, "fine words").getLong("id");
      long anns = MessageCases.send(a, id, "hello").getLong("id");
      ok(a, "room:mute", at(id, carl).put("minutes", 10));
      refused(
          c,
          "message:edit",
          new JsonObject().put("roomId", id).put("messageId", carls).put("text", "spam"),
          "FORBIDDEN");
      refused(
          c,
          "message:react",
          new JsonObject().put("roomId", id).put("messageId", anns).put("emoji", "👍"),
          "FORBIDDEN");

      String dm = RoomIds.direct(ann.id(), bob.id());
      join(a, dm);
      long dmMessage = MessageCases.send(a, dm, "hi Bob").getLong("id");
      ok(b, "user:block", new JsonObject().put("userId", ann.id()));
      refused(
          a,
          "message:edit",
          new JsonObject().put("roomId", dm).put("messageId", dmMessage).put("text", "changed"),
          "FORBIDDEN");
    }
  }

  @Test
  void invitationsFromABlockedUserAreNotDelivered() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token());
        Client c = server.connect(carl.token())) {
      ok(b, "user:block", new JsonObject().put("userId", ann.id()));
      String annsRoom = create(a, name("Spam"), "private");
      // the same answer as for anyone: it does not tell Ann she is blocked
      assertThat(ok(a, "room:invite", at(annsRoom, bob)).getBoolean("alreadyMember")).isFalse();
      ok(a, "room:invite", at(annsRoom, bob));
      String carlsRoom = create(c, name("Real"), "private");
      ok(c, "room:invite", at(carlsRoom, bob));
      assertThat(b.next("room:invited").getString("roomId")).isEqualTo(carlsRoom);
      assertThat(b.pending("room:invited")).isZero();
    }
  }

  @Test
  void everyOtherRefusalHasItsCode() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token());
        Client c = server.connect(carl.token())) {
      String id = create(a, name("Refusals"), "private");
      String dm = RoomIds.direct(ann.id(), bob.id());
      ok(a, "room:invite", at(id, bob));
      join(b, id);
      // members act on nobody
      for (String event : new String[] {"room:ban", "room:unban", "room:unmute", "room:invite"}) {
        refused(b, event, at(id, carl), "FORBIDDEN");
      }
      refused(b, "room:mute", at(id, ann).put("minutes", 5), "FORBIDDEN");
      refused(b, "room:update", new JsonObject().put("roomId", id).put("topic", "x"), "FORBIDDEN");
      refused(c, "room:update", new JsonObject().put("roomId", id).put("topic", "x"), "FORBIDDEN");
      // targets that are not members, or not users
      refused(a, "room:role", at(id, carl).put("role", "moderator"), "NOT_FOUND");
      refused(a, "room:mute", at(id, carl).put("minutes", 5), "NOT_FOUND");
      refused(a, "room:unmute", at(id, carl), "NOT_FOUND");
      refused(
          a,
          "room:kick",
          new JsonObject().put("roomId", id).put("userId", "nobody-z"),
          "NOT_FOUND");
      refused(
          a,
          "room:ban",
          new JsonObject().put("roomId", id).put("userId", "bad id!"),
          "BAD_REQUEST");
      refused(a, "room:kick", at(dm, bob), "BAD_REQUEST");
      // a banned user is not invited; an outsider reports nothing in a private room
      ok(a, "room:ban", at(id, carl).put("minutes", 5));
      refused(a, "room:invite", at(id, carl), "FORBIDDEN");
      long message = MessageCases.send(a, id, "private words").getLong("id");
      JsonObject report =
          new JsonObject().put("roomId", id).put("messageId", message).put("reason", "why");
      refused(c, "message:report", report, "FORBIDDEN");
      refused(b, "message:report", report.copy().put("messageId", "one"), "BAD_REQUEST");
      refused(b, "user:unblock", new JsonObject().put("userId", "nobody-z"), "NOT_FOUND");
      rest.get("/api/rooms/" + id + "/reports", null).assertError(401, "UNAUTHORIZED");
      rest.get("/api/me/blocks", null).assertError(401, "UNAUTHORIZED");
      // a mute says for how long
      ok(a, "room:mute", at(id, bob).put("minutes", 2));
      JsonObject muted =
          b.call("message:send", new JsonObject().put("roomId", id).put("text", "let me"));
      Rest.assertErrorShape(muted, "FORBIDDEN");
      assertThat(muted.getJsonObject("error").getLong("retryAfter")).isBetween(60L, 120L);
    }
  }
}
