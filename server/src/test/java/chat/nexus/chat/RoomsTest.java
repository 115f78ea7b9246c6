package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.rooms.RoomIds;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.socket.client.Ack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Rooms, presence, typing, direct rooms and payload validation over the official Java client. */
class RoomsTest extends ServerCases {

  private static final List<String> EVENTS =
      List.of("room:join", "room:leave", "message:send", "history", "typing");

  static JsonObject call(Client client, String event, JsonObject payload) {
    return client.call(event, payload);
  }

  static void leave(Client client, String roomId) {
    JsonObject ack = client.call("room:leave", new JsonObject().put("roomId", roomId));
    assertThat(ack).isEqualTo(new JsonObject().put("ok", true));
  }

  static void assertError(JsonObject ack, String code) {
    Rest.assertErrorShape(ack, code);
  }

  static JsonObject presence(String roomId, String userId, String status) {
    return new JsonObject().put("roomId", roomId).put("userId", userId).put("status", status);
  }

  // ---- join and leave ----

  @Test
  void joinAcksTheRoomAndItsMembers() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = server.connect(ann.token());
        Client b = server.connect(bob.token())) {
      JsonObject first = join(a, roomId);
      assertThat(first.fieldNames())
          .containsExactlyInAnyOrder("ok", "roomId", "members", "memberCount");
      assertThat(first.getInteger("memberCount")).isEqualTo(1);
      assertThat(first.getString("roomId")).isEqualTo(roomId);
      assertThat(first.getJsonArray("members").getList()).containsExactly(ann.id());
      assertThat(join(b, roomId).getJsonArray("members").getList())
          .containsExactlyInAnyOrder(ann.id(), bob.id());
      assertThat(join(a, roomId).getJsonArray("members").getList())
          .as("joining again changes nothing")
          .containsExactlyInAnyOrder(ann.id(), bob.id());
      assertThat(server.count("SELECT COUNT(*) FROM rooms WHERE id = ?", roomId))
          .as("created on first join")
          .isEqualTo(1);
    }
  }

  @Test
  void leave() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      leave(b, roomId);
      leave(b, roomId); // leaving again, or a room never joined, is fine
      leave(b, room());
      assertThat(join(a, roomId).getJsonArray("members").getList()).containsExactly(ann.id());
      // b no longer gets the room's messages: the next one it sees is from a room it is in
      String other = room();
      join(a, other);
      join(b, other);
      MessageCases.send(a, roomId, "not for bob");
      JsonObject marker = MessageCases.send(a, other, "marker");
      assertThat(b.next("message:new")).isEqualTo(marker);
    }
  }

  @Test
  void roomIdValidation() {
    TestUser ann = user("Ann");
    try (Client a = server.connect(ann.token())) {
      join(a, "r".repeat(64));
      join(a, "Az09_-:.x");
      join(a, "x");
      for (Object bad :
          new Object[] {
            "",
            "r".repeat(65),
            "bad room",
            "a/b",
            "caf\u00e9",
            "semi;colon",
            123,
            true,
            new JsonArray().add("x")
          }) {
        for (String event :
            List.of("room:join", "room:leave", "message:send", "history", "typing")) {
          JsonObject payload =
              new JsonObject().put("roomId", bad).put("text", "hi").put("isTyping", true);
          assertError(a.call(event, payload), "BAD_REQUEST");
        }
      }
      for (String event : EVENTS) {
        assertError(a.call(event, new JsonObject()), "BAD_REQUEST");
      }
    }
  }

  @Test
  void aPayloadThatIsNotAnObjectIsABadRequest() {
    TestUser ann = user("Ann");
    try (Client a = server.connect(ann.token())) {
      for (String event : EVENTS) {
        for (Object payload : new Object[] {"lobby", 42, new JsonArray().add("lobby")}) {
          JsonObject ack = a.call(event, payload);
          assertError(ack, "BAD_REQUEST");
          assertThat(ack.getJsonObject("error").getString("message"))
              .as(event + " " + payload)
              .isEqualTo("the payload must be an object");
        }
        // no argument at all, only the ack
        CompletableFuture<JsonObject> bare = new CompletableFuture<>();
        a.socket()
            .emit(
                event,
                new Object[0],
                (Ack) args -> bare.complete(new JsonObject(args[0].toString())));
        JsonObject ack = Waits.get(bare, "the ack of a bare " + event);
        assertError(ack, "BAD_REQUEST");
        assertThat(ack.getJsonObject("error").getString("message"))
            .isEqualTo("the payload must be an object");
      }
    }
  }

  @Test
  void pollingClientsChatToo() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    io.socket.client.IO.Options opts = Client.options(ann.token());
    opts.transports = new String[] {"polling"};
    try (Client a = Client.connect(server.url(), opts, c -> {});
        Client b = server.connect(bob.token())) {
      join(a, roomId);
      join(b, roomId);
      JsonObject m = MessageCases.send(b, roomId, "over polling");
      assertThat(a.next("message:new")).isEqualTo(m);
      assertThat(MessageCases.send(a, roomId, "back").getString("text")).isEqualTo("back");
      assertThat(b.next("message:new").getString("text")).isEqualTo("back");
    }
  }

  // ---- typing ----

  @Test
  void typingReachesTheOthersAndIsNotStored() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      assertThat(a.call("typing", new JsonObject().put("roomId", roomId).put("isTyping", true)))
          .isEqualTo(new JsonObject().put("ok", true));
      assertThat(b.next("typing"))
          .isEqualTo(
              new JsonObject().put("roomId", roomId).put("userId", ann.id()).put("isTyping", true));
      a.call("typing", new JsonObject().put("roomId", roomId).put("isTyping", false));
      assertThat(b.next("typing").getBoolean("isTyping")).isFalse();

      // the typist does not hear itself: the next typing event it gets is bob's
      b.call("typing", new JsonObject().put("roomId", roomId).put("isTyping", true));
      assertThat(a.next("typing").getString("userId")).isEqualTo(bob.id());
      assertThat(a.pending("typing")).isZero();

      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId)).isZero();
      assertThat(a.call("history", new JsonObject().put("roomId", roomId)).getJsonArray("messages"))
          .isEmpty();
    }
  }

  @Test
  void typingErrors() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = server.connect(ann.token())) {
      assertError(
          a.call("typing", new JsonObject().put("roomId", roomId).put("isTyping", true)),
          "FORBIDDEN");
      join(a, roomId);
      for (Object bad : new Object[] {"yes", 1, new JsonObject()}) {
        assertError(
            a.call("typing", new JsonObject().put("roomId", roomId).put("isTyping", bad)),
            "BAD_REQUEST");
      }
      assertError(a.call("typing", new JsonObject().put("roomId", roomId)), "BAD_REQUEST");
    }
  }

  // ---- presence ----

  @Test
  void presenceCountsEverySocketOfAUser() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser cid = user("Cid");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b1 = joined(bob, roomId);
        Client b2 = server.connect(bob.token());
        Client c = server.connect(cid.token())) {
      assertThat(a.next("presence")).isEqualTo(presence(roomId, bob.id(), "online"));

      // bob's second tab: he is online already, nobody hears of it
      join(b2, roomId);
      leave(b2, roomId);
      join(b2, roomId);
      // the second tab goes away: still online
      CompletableFuture<String> b2Gone = server.serverDisconnect(b2.id());
      b2.close();
      Waits.get(b2Gone, "the server to see bob's second tab go");

      // marker: the next presence event ann hears is cid's arrival, and bob is still a member
      JsonObject cidJoin = join(c, roomId);
      assertThat(cidJoin.getJsonArray("members").getList())
          .containsExactlyInAnyOrder(ann.id(), bob.id(), cid.id());
      assertThat(a.next("presence")).isEqualTo(presence(roomId, cid.id(), "online"));

      // bob's last socket disconnects: now he is offline
      b1.close();
      assertThat(a.next("presence")).isEqualTo(presence(roomId, bob.id(), "offline"));
      assertThat(c.next("presence")).isEqualTo(presence(roomId, bob.id(), "offline"));

      // leaving is going offline too
      leave(c, roomId);
      assertThat(a.next("presence")).isEqualTo(presence(roomId, cid.id(), "offline"));
      assertThat(join(a, roomId).getJsonArray("members").getList()).containsExactly(ann.id());
      assertThat(a.pending("presence")).isZero();
    }
  }

  @Test
  void presenceIsPerRoom() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String shared = room();
    String bobsOwn = room();
    try (Client a = joined(ann, shared);
        Client b = joined(bob, bobsOwn)) {
      join(b, shared);
      assertThat(a.next("presence"))
          .as("ann hears of bob in the room they share only")
          .isEqualTo(presence(shared, bob.id(), "online"));
      leave(b, bobsOwn);
      leave(b, shared);
      assertThat(a.next("presence")).isEqualTo(presence(shared, bob.id(), "offline"));
    }
  }

  // ---- direct rooms ----

  @Test
  void directRoomsAreForTheirTwoUsers() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser eve = user("Eve");
    String dm = RoomIds.direct(ann.id(), bob.id());
    assertThat(dm)
        .isEqualTo(
            "dm:"
                + (ann.id().compareTo(bob.id()) < 0
                    ? ann.id() + ":" + bob.id()
                    : bob.id() + ":" + ann.id()));
    try (Client a = joined(ann, dm);
        Client b = joined(bob, dm);
        Client e = server.connect(eve.token())) {
      JsonObject m = MessageCases.send(a, dm, "just between us");
      assertThat(b.next("message:new")).isEqualTo(m);

      assertError(e.call("room:join", new JsonObject().put("roomId", dm)), "FORBIDDEN");
      assertError(e.call("history", new JsonObject().put("roomId", dm)), "FORBIDDEN");
      assertError(
          e.call("message:send", new JsonObject().put("roomId", dm).put("text", "let me in")),
          "FORBIDDEN");
      assertError(
          e.call("typing", new JsonObject().put("roomId", dm).put("isTyping", true)), "FORBIDDEN");
      server
          .rest()
          .get("/api/rooms/" + dm + "/messages", eve.token())
          .assertError(403, "FORBIDDEN");

      assertThat(
              b.call("history", new JsonObject().put("roomId", dm))
                  .getJsonArray("messages")
                  .getJsonObject(0))
          .isEqualTo(m);
      assertThat(server.count("SELECT COUNT(*) FROM rooms WHERE id = ? AND kind = 'direct'", dm))
          .isEqualTo(1);
    }
  }

  @Test
  void aDirectMessageReachesBothUsersSocketsBeforeTheyJoin() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser eve = user("Eve");
    String dm = RoomIds.direct(ann.id(), bob.id());
    try (Client a = joined(ann, dm);
        Client annOtherTab = server.connect(ann.token());
        Client b = server.connect(bob.token());
        Client e = server.connect(eve.token())) {
      JsonObject m = MessageCases.send(a, dm, "are you there?");
      assertThat(b.next("message:new")).as("Bob has not opened the conversation yet").isEqualTo(m);
      assertThat(annOtherTab.next("message:new")).as("Ann's other tab").isEqualTo(m);
      join(b, dm);
      JsonObject reply = MessageCases.send(b, dm, "yes");
      assertThat(a.next("message:new"))
          .as("once, though Ann is in the room and in her inbox")
          .isEqualTo(reply);
      assertThat(annOtherTab.next("message:new")).isEqualTo(reply);
      String shared = room();
      for (Client c : List.of(a, annOtherTab, b, e)) {
        join(c, shared);
      }
      JsonObject marker = MessageCases.send(e, shared, "marker");
      for (Client c : List.of(a, annOtherTab, b)) {
        assertThat(c.next("message:new")).as("nothing twice before the marker").isEqualTo(marker);
      }
      assertThat(e.pending("message:new")).as("Eve heard nothing of the direct room").isZero();
    }
  }

  @Test
  void badDirectRoomForms() {
    TestUser ann = user("Ann");
    String a = ann.id();
    String lower = "0" + a; // sorts before a
    try (Client c = server.connect(ann.token())) {
      for (String bad :
          List.of(
              "dm:" + a + ":" + lower,
              "dm:" + a,
              "dm:" + a + ":" + a,
              "dm::" + a,
              "dm:" + lower + ":",
              "dm:" + lower + ":" + a + ":x",
              "dm:",
              "dm:" + lower + ":b c")) {
        JsonObject ack = c.call("room:join", new JsonObject().put("roomId", bad));
        assertError(ack, "BAD_REQUEST");
        assertThat(ack.getJsonObject("error").getString("message")).as(bad).contains("dm:");
      }
      join(c, "dm:" + lower + ":" + a);
    }
  }

  @Test
  void directRoomsOfLongExternalIds() {
    // UUID subjects make dm ids longer than a public room id may be
    String u1 = UUID.randomUUID().toString();
    String u2 = UUID.randomUUID().toString();
    String dm = RoomIds.direct(u1, u2);
    assertThat(dm.length()).isGreaterThan(64);
    String t1 =
        chat.nexus.testing.Jwt.sign(
            TestServer.SECRET, chat.nexus.testing.Jwt.supabaseClaims(u1, "One", 600));
    String t2 =
        chat.nexus.testing.Jwt.sign(
            TestServer.SECRET, chat.nexus.testing.Jwt.supabaseClaims(u2, "Two", 600));
    try (Client one = server.connect(t1);
        Client two = server.connect(t2)) {
      join(one, dm);
      join(two, dm);
      JsonObject m = MessageCases.send(two, dm, "hi one");
      assertThat(one.next("message:new")).isEqualTo(m);
      assertThat(
              server
                  .rest()
                  .get("/api/rooms/" + dm + "/messages", t1)
                  .assertOk(200)
                  .getJsonArray("messages")
                  .getJsonObject(0))
          .isEqualTo(m);
    }
  }

  @Test
  void eventsWithoutAnAckAreHarmless() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = server.connect(ann.token())) {
      a.socket().emit("room:join", toJson(new JsonObject().put("roomId", roomId)));
      a.socket().emit("message:send", "not an object");
      a.socket().emit("unknown:event", toJson(new JsonObject()));
      // still connected and served, and the ack-less join did happen
      JsonObject m = MessageCases.send(a, roomId, "after ack-less events");
      assertThat(m.getString("roomId")).isEqualTo(roomId);
    }
  }

  private static JSONObject toJson(JsonObject json) {
    try {
      return new JSONObject(json.encode());
    } catch (org.json.JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
