package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import chat.nexus.rooms.RoomIds;
import chat.nexus.testing.Client;
import chat.nexus.testing.LogCapture;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * Sending, storing, delivering and reading messages (socket and REST), and idempotent clientIds;
 * run on each storage backend by the subclasses.
 */
abstract class MessageCases extends ServerCases {

  static JsonObject send(Client client, String roomId, String text) {
    return sendOk(client, new JsonObject().put("roomId", roomId).put("text", text));
  }

  static JsonObject sendOk(Client client, JsonObject payload) {
    JsonObject ack = client.call("message:send", payload);
    assertThat(ack.getBoolean("ok")).as("send %s: %s", payload, ack).isTrue();
    assertThat(ack.fieldNames()).containsExactlyInAnyOrder("ok", "message");
    return ack.getJsonObject("message");
  }

  static void assertAckError(JsonObject ack, String code) {
    Rest.assertErrorShape(ack, code);
  }

  JsonArray history(Client client, JsonObject query) {
    JsonObject ack = client.call("history", query);
    assertThat(ack.getBoolean("ok")).as("history %s: %s", query, ack).isTrue();
    return ack.getJsonArray("messages");
  }

  static List<Long> ids(JsonArray messages) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      ids.add(messages.getJsonObject(i).getLong("id"));
    }
    return ids;
  }

  // ---- send ----

  @Test
  void sendIsAcknowledgedOnceStored() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = joined(ann, roomId)) {
      JsonObject message = send(a, roomId, "hello");
      assertThat(message.fieldNames())
          .containsExactlyInAnyOrder("id", "roomId", "userId", "text", "clientId", "createdAt");
      assertThat(message.getLong("id")).isPositive();
      assertThat(message.getString("roomId")).isEqualTo(roomId);
      assertThat(message.getString("userId")).isEqualTo(ann.id());
      assertThat(message.getString("text")).isEqualTo("hello");
      assertThat(message.getValue("clientId")).isNull();
      assertThat(Instant.parse(message.getString("createdAt")))
          .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
      // the ack came after the commit: the row is there now, from another connection
      assertThat(
              server.query(
                  "SELECT text, room_id, user_id FROM messages WHERE id = ?",
                  message.getLong("id")))
          .containsExactly(
              java.util.Map.of("text", "hello", "room_id", roomId, "user_id", ann.id()));
      assertThat(history(a, new JsonObject().put("roomId", roomId)).getJsonObject(0))
          .isEqualTo(message);
    }
  }

  @Test
  void messageNewReachesTheOthersButNotTheSendingSocket() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a1 = joined(ann, roomId);
        Client a2 = joined(ann, roomId);
        Client b = joined(bob, roomId)) {

      JsonObject m1 = send(a1, roomId, "from tab one");
      assertThat(b.next("message:new")).isEqualTo(m1);
      assertThat(a2.next("message:new")).as("another tab of the sender gets it").isEqualTo(m1);

      JsonObject m2 = send(b, roomId, "marker");
      assertThat(a1.next("message:new")).as("the sending socket got its own message").isEqualTo(m2);
      assertThat(a2.next("message:new")).isEqualTo(m2);
      assertThat(b.pending("message:new")).isZero();
    }
  }

  @Test
  void pipelinedSendsAreAllStoredInOrder() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = joined(ann, roomId)) {
      List<CompletableFuture<JsonObject>> acks = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        acks.add(
            a.callAsync(
                "message:send",
                new JsonObject()
                    .put("roomId", roomId)
                    .put("text", "m" + i)
                    .put("clientId", "p-" + i)));
      }
      List<Long> sent = new ArrayList<>();
      for (int i = 0; i < acks.size(); i++) {
        JsonObject ack = Waits.get(acks.get(i), "ack " + i);
        assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
        assertThat(ack.getJsonObject("message").getString("text")).isEqualTo("m" + i);
        sent.add(ack.getJsonObject("message").getLong("id"));
      }
      assertThat(sent).as("ids follow the sending order").isSorted().doesNotHaveDuplicates();
      // default limit 50, newest first
      JsonArray page = history(a, new JsonObject().put("roomId", roomId));
      List<Long> newest = new ArrayList<>(sent.subList(10, 60));
      java.util.Collections.reverse(newest);
      assertThat(ids(page)).containsExactlyElementsOf(newest);
      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
          .isEqualTo(60);
    }
  }

  @Test
  void textLimits() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = joined(ann, roomId)) {
      String longest = "x".repeat(ClientInput.MAX_TEXT_LENGTH - 1) + "é";
      JsonObject stored = send(a, roomId, longest);
      assertThat(stored.getString("text")).isEqualTo(longest);
      assertThat(
              history(a, new JsonObject().put("roomId", roomId).put("limit", 1))
                  .getJsonObject(0)
                  .getString("text"))
          .isEqualTo(longest);

      JsonObject tooLong =
          a.call(
              "message:send", new JsonObject().put("roomId", roomId).put("text", "x".repeat(4001)));
      assertAckError(tooLong, "BAD_REQUEST");
      assertThat(tooLong.getJsonObject("error").getString("message")).contains("4000");
      for (Object bad :
          new Object[] {"", "   ", " \n\t ", 42, true, new JsonObject().put("t", "x")}) {
        assertAckError(
            a.call("message:send", new JsonObject().put("roomId", roomId).put("text", bad)),
            "BAD_REQUEST");
      }
      assertAckError(a.call("message:send", new JsonObject().put("roomId", roomId)), "BAD_REQUEST");
      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
          .isEqualTo(1);
    }
  }

  @Test
  void unicodeSurvivesStorage() {
    TestUser ann = user("Ann");
    String roomId = room();
    String text = "héllo 👋 世界 — \"quotes\" \\ back\\slash <b>tags</b>";
    try (Client a = joined(ann, roomId)) {
      JsonObject stored = send(a, roomId, text);
      assertThat(stored.getString("text")).isEqualTo(text);
      assertThat(
              history(a, new JsonObject().put("roomId", roomId)).getJsonObject(0).getString("text"))
          .isEqualTo(text);
      assertThat(
              rest.get("/api/rooms/" + roomId + "/messages", ann.token())
                  .assertOk(200)
                  .getJsonArray("messages")
                  .getJsonObject(0)
                  .getString("text"))
          .isEqualTo(text);
    }
  }

  @Test
  void sendingRequiresJoining() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = server.connect(ann.token())) {
      assertAckError(
          a.call("message:send", new JsonObject().put("roomId", roomId).put("text", "hi")),
          "FORBIDDEN");
      join(a, roomId);
      send(a, roomId, "now I may");
      assertThat(a.call("room:leave", new JsonObject().put("roomId", roomId)).getBoolean("ok"))
          .isTrue();
      assertAckError(
          a.call("message:send", new JsonObject().put("roomId", roomId).put("text", "left")),
          "FORBIDDEN");
      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
          .isEqualTo(1);
    }
  }

  // ---- history over the socket ----

  @Test
  void historyIsNewestFirstWithKeysetPages() {
    TestUser ann = user("Ann");
    String roomId = room();
    String otherRoom = room();
    try (Client a = joined(ann, roomId)) {
      join(a, otherRoom);
      List<Long> sent = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sent.add(send(a, roomId, "m" + i).getLong("id"));
        send(a, otherRoom, "noise " + i);
      }
      assertThat(ids(history(a, new JsonObject().put("roomId", roomId))))
          .containsExactly(sent.get(4), sent.get(3), sent.get(2), sent.get(1), sent.get(0));
      JsonArray first = history(a, new JsonObject().put("roomId", roomId).put("limit", 2));
      assertThat(ids(first)).containsExactly(sent.get(4), sent.get(3));
      assertThat(first.getJsonObject(0).getString("text")).isEqualTo("m4");
      JsonArray second =
          history(
              a, new JsonObject().put("roomId", roomId).put("limit", 2).put("before", sent.get(3)));
      assertThat(ids(second)).containsExactly(sent.get(2), sent.get(1));
      JsonArray third =
          history(
              a, new JsonObject().put("roomId", roomId).put("limit", 2).put("before", sent.get(1)));
      assertThat(ids(third)).containsExactly(sent.get(0));
      assertThat(history(a, new JsonObject().put("roomId", roomId).put("before", sent.get(0))))
          .isEmpty();
      // before as a string, as JavaScript clients may send it
      assertThat(
              ids(
                  history(
                      a,
                      new JsonObject()
                          .put("roomId", roomId)
                          .put("before", String.valueOf(sent.get(1))))))
          .containsExactly(sent.get(0));
      assertThat(history(a, new JsonObject().put("roomId", room())))
          .as("an unknown room has no history")
          .isEmpty();
      assertThat(history(a, new JsonObject().put("roomId", roomId).put("limit", 100))).hasSize(5);
    }
  }

  @Test
  void historyNeedsNoJoinForPublicRooms() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = server.connect(bob.token())) {
      long id = send(a, roomId, "visible").getLong("id");
      assertThat(ids(history(b, new JsonObject().put("roomId", roomId)))).containsExactly(id);
    }
  }

  @Test
  void historyBadQueries() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = server.connect(ann.token())) {
      for (Object limit : new Object[] {0, -1, 101, 2.5, "abc", true}) {
        assertAckError(
            a.call("history", new JsonObject().put("roomId", roomId).put("limit", limit)),
            "BAD_REQUEST");
      }
      for (Object before : new Object[] {0, -3, "x", 1.5, false}) {
        assertAckError(
            a.call("history", new JsonObject().put("roomId", roomId).put("before", before)),
            "BAD_REQUEST");
      }
      assertAckError(a.call("history", new JsonObject().put("roomId", "bad room")), "BAD_REQUEST");
      assertAckError(a.call("history", new JsonObject()), "BAD_REQUEST");
      assertAckError(
          a.call("history", new JsonObject().put("roomId", "dm:other1:other2")), "FORBIDDEN");
    }
  }

  // ---- history over REST ----

  @Test
  void restHistoryPages() {
    TestUser ann = user("Ann");
    String roomId = room();
    List<Long> sent = new ArrayList<>();
    try (Client a = joined(ann, roomId)) {
      for (int i = 0; i < 5; i++) {
        sent.add(send(a, roomId, "m" + i).getLong("id"));
      }
    }
    String path = "/api/rooms/" + roomId + "/messages";
    assertThat(ids(rest.get(path, ann.token()).assertOk(200).getJsonArray("messages")))
        .containsExactly(sent.get(4), sent.get(3), sent.get(2), sent.get(1), sent.get(0));
    assertThat(ids(rest.get(path + "?limit=2", ann.token()).assertOk(200).getJsonArray("messages")))
        .containsExactly(sent.get(4), sent.get(3));
    assertThat(
            ids(
                rest.get(path + "?limit=2&before=" + sent.get(3), ann.token())
                    .assertOk(200)
                    .getJsonArray("messages")))
        .containsExactly(sent.get(2), sent.get(1));
    assertThat(
            ids(
                rest.get(path + "?before=" + sent.get(1), ann.token())
                    .assertOk(200)
                    .getJsonArray("messages")))
        .containsExactly(sent.get(0));
    assertThat(
            rest.get(path + "?before=" + sent.get(0), ann.token())
                .assertOk(200)
                .getJsonArray("messages"))
        .isEmpty();
    JsonObject first =
        rest.get(path + "?limit=1", ann.token())
            .assertOk(200)
            .getJsonArray("messages")
            .getJsonObject(0);
    assertThat(first.getString("text")).isEqualTo("m4");
    assertThat(first.getString("userId")).isEqualTo(ann.id());
    assertThat(rest.get(path + "?limit=100", ann.token()).assertOk(200).getJsonArray("messages"))
        .hasSize(5);
  }

  @Test
  void restHistoryErrors() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    String path = "/api/rooms/" + roomId + "/messages";
    rest.get(path).assertError(401, "UNAUTHORIZED");
    rest.get(path, "bad-token").assertError(401, "UNAUTHORIZED");
    for (String limit : List.of("0", "101", "-1", "abc", "2.5")) {
      rest.get(path + "?limit=" + limit, ann.token()).assertError(400, "BAD_REQUEST");
    }
    for (String before : List.of("0", "-5", "abc")) {
      rest.get(path + "?before=" + before, ann.token()).assertError(400, "BAD_REQUEST");
    }
    rest.get("/api/rooms/bad%20room/messages", ann.token()).assertError(400, "BAD_REQUEST");
    rest.get("/api/rooms/" + "r".repeat(65) + "/messages", ann.token())
        .assertError(400, "BAD_REQUEST");
    rest.get("/api/rooms/dm:zzz:aaa/messages", ann.token()).assertError(400, "BAD_REQUEST");
    rest.get("/api/rooms/" + RoomIds.direct("someone1", "someone2") + "/messages", ann.token())
        .assertError(403, "FORBIDDEN");
    String dm = RoomIds.direct(ann.id(), bob.id());
    rest.get("/api/rooms/" + dm + "/messages", ann.token()).assertOk(200);
    rest.get("/api/rooms/" + dm + "/messages", bob.token()).assertOk(200);
  }

  // ---- idempotent clientId ----

  @Test
  void sameClientIdTwiceIsOneMessage() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      JsonObject first =
          sendOk(
              a, new JsonObject().put("roomId", roomId).put("text", "once").put("clientId", "c-1"));
      assertThat(first.getString("clientId")).isEqualTo("c-1");
      JsonObject again =
          sendOk(
              a, new JsonObject().put("roomId", roomId).put("text", "once").put("clientId", "c-1"));
      assertThat(again).as("the same message is acknowledged again").isEqualTo(first);
      JsonObject changed =
          sendOk(
              a,
              new JsonObject()
                  .put("roomId", roomId)
                  .put("text", "retry with other text")
                  .put("clientId", "c-1"));
      assertThat(changed.getLong("id")).isEqualTo(first.getLong("id"));
      assertThat(changed.getString("text")).as("the stored text wins").isEqualTo("once");

      assertThat(b.next("message:new")).isEqualTo(first);
      JsonObject marker = send(a, roomId, "marker");
      assertThat(b.next("message:new")).as("message:new was broadcast once").isEqualTo(marker);
      assertThat(
              server.count(
                  "SELECT COUNT(*) FROM messages WHERE user_id = ? AND client_id = ?",
                  ann.id(),
                  "c-1"))
          .isEqualTo(1);
      assertThat(ids(history(a, new JsonObject().put("roomId", roomId))))
          .containsExactly(marker.getLong("id"), first.getLong("id"));
    }
  }

  @Test
  void aRetryOfACommittedButUnannouncedSendIsDeliveredLive() throws Exception {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      // The first attempt was committed by a node that died before its ack and its broadcast went
      // out (or
      // its ack was an error): the row is there, and nobody in the room heard of it.
      long id = insertMessage(roomId, ann.id(), "lost on the way", "lost-1");
      JsonObject retry =
          sendOk(
              a,
              new JsonObject()
                  .put("roomId", roomId)
                  .put("text", "lost on the way")
                  .put("clientId", "lost-1"));
      assertThat(retry.getLong("id")).as("the retry resolves to the stored row").isEqualTo(id);
      assertThat(b.next("message:new")).as("the other member receives it live").isEqualTo(retry);

      JsonObject again =
          sendOk(
              a,
              new JsonObject()
                  .put("roomId", roomId)
                  .put("text", "lost on the way")
                  .put("clientId", "lost-1"));
      assertThat(again).isEqualTo(retry);
      JsonObject marker = send(a, roomId, "marker");
      assertThat(b.next("message:new"))
          .as("announced once: a further retry is not broadcast again")
          .isEqualTo(marker);
      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
          .isEqualTo(2);
    }
  }

  /**
   * A row written straight into the server's database, as a node that committed it and died would
   * leave it.
   */
  private long insertMessage(String roomId, String userId, String text, String clientId)
      throws java.sql.SQLException {
    try (java.sql.Connection c = server.chatServer().database().connection();
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO messages (room_id, user_id, text, client_id, created_at) VALUES (?, ?, ?, ?, ?)",
                new String[] {"id"})) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      ps.setString(3, text);
      ps.setString(4, clientId);
      ps.setObject(5, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
      ps.executeUpdate();
      try (java.sql.ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  @Test
  void sameClientIdConcurrentlyIsOneMessage() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client a2 = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      JsonObject payload =
          new JsonObject().put("roomId", roomId).put("text", "racing").put("clientId", "race-1");
      List<CompletableFuture<JsonObject>> acks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        acks.add((i % 2 == 0 ? a : a2).callAsync("message:send", payload));
      }
      List<Long> ids = new ArrayList<>();
      for (CompletableFuture<JsonObject> ack : acks) {
        JsonObject result = Waits.get(ack, "a racing send");
        assertThat(result.getBoolean("ok")).as(result.encode()).isTrue();
        ids.add(result.getJsonObject("message").getLong("id"));
      }
      assertThat(ids)
          .as("every racing send acknowledges the same message")
          .containsOnly(ids.get(0));
      assertThat(b.next("message:new").getLong("id")).isEqualTo(ids.get(0));
      JsonObject marker = send(b, roomId, "marker");
      assertThat(a.next("message:new").getLong("id")).isIn(ids.get(0), marker.getLong("id"));
      assertThat(
              server.count(
                  "SELECT COUNT(*) FROM messages WHERE user_id = ? AND client_id = ?",
                  ann.id(),
                  "race-1"))
          .isEqualTo(1);
      JsonObject bobMarker = send(a, roomId, "marker 2");
      assertThat(b.next("message:new")).as("no second copy reached bob").isEqualTo(bobMarker);
    }
  }

  @Test
  void clientIdsAreScopedToTheUser() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      JsonObject fromAnn =
          sendOk(
              a,
              new JsonObject().put("roomId", roomId).put("text", "ann").put("clientId", "shared"));
      JsonObject fromBob =
          sendOk(
              b,
              new JsonObject().put("roomId", roomId).put("text", "bob").put("clientId", "shared"));
      assertThat(fromBob.getLong("id")).isNotEqualTo(fromAnn.getLong("id"));
      assertThat(fromBob.getString("userId")).isEqualTo(bob.id());
    }
  }

  @Test
  void clientIdValidation() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = joined(ann, roomId)) {
      sendOk(
          a,
          new JsonObject().put("roomId", roomId).put("text", "ok").put("clientId", "c".repeat(64)));
      for (Object bad : new Object[] {"c".repeat(65), "", 5, new JsonObject()}) {
        assertAckError(
            a.call(
                "message:send",
                new JsonObject().put("roomId", roomId).put("text", "x").put("clientId", bad)),
            "BAD_REQUEST");
      }
    }
  }

  @Test
  void clientIdsAreScopedToTheRoom() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomA = room();
    String roomB = room();
    try (Client a = joined(ann, roomA);
        Client b = server.connect(bob.token())) {
      join(a, roomB);
      join(b, roomB);
      JsonObject inA =
          sendOk(
              a,
              new JsonObject().put("roomId", roomA).put("text", "one in a").put("clientId", "1"));
      JsonObject inB =
          sendOk(
              a,
              new JsonObject().put("roomId", roomB).put("text", "one in b").put("clientId", "1"));
      assertThat(inB.getLong("id"))
          .as("a clientId reused in another room is another message")
          .isNotEqualTo(inA.getLong("id"));
      assertThat(inB.getString("roomId")).isEqualTo(roomB);
      assertThat(inB.getString("text")).isEqualTo("one in b");
      assertThat(b.next("message:new")).isEqualTo(inB);
      assertThat(ids(history(a, new JsonObject().put("roomId", roomB))))
          .containsExactly(inB.getLong("id"));
      JsonObject againInB =
          sendOk(
              a,
              new JsonObject().put("roomId", roomB).put("text", "one in b").put("clientId", "1"));
      assertThat(againInB).as("within one room the clientId still deduplicates").isEqualTo(inB);
    }
  }

  @Test
  void controlCharactersInTextsAreRefused() {
    TestUser ann = user("Ann");
    String roomId = room();
    try (Client a = server.connect(ann.token());
        LogCapture log = LogCapture.atLeast(Level.WARN)) {
      join(a, roomId);
      for (String bad :
          List.of(
              "a\u0000b",
              "\u0000",
              "bell\u0007",
              "\u001b[31mred",
              "del\u007f",
              "next line\u0085",
              "x\u0008y")) {
        JsonObject ack =
            a.call("message:send", new JsonObject().put("roomId", roomId).put("text", bad));
        assertAckError(ack, "BAD_REQUEST");
        assertThat(ack.getJsonObject("error").getString("message"))
            .as(ack.encode())
            .contains("control characters");
      }
      assertAckError(
          a.call(
              "message:send",
              new JsonObject().put("roomId", roomId).put("text", "ok").put("clientId", "c\u0000")),
          "BAD_REQUEST");
      String lines = "line one\nline two\ttabbed\r\nwindows line";
      assertThat(send(a, roomId, lines).getString("text")).isEqualTo(lines);
      String joined =
          "family \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \u05E9\u05DC\u05D5\u05DD\u200F";
      assertThat(send(a, roomId, joined).getString("text"))
          .as("format characters (ZWJ, RLM) are kept")
          .isEqualTo(joined);

      // A NUL among pipelined sends is refused on its own; the rest are stored as one batch,
      // without an error line.
      List<CompletableFuture<JsonObject>> acks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String text = i == 10 ? "nul \u0000 here" : "m" + i;
        acks.add(
            a.callAsync(
                "message:send",
                new JsonObject()
                    .put("roomId", roomId)
                    .put("text", text)
                    .put("clientId", "nul-" + i)));
      }
      for (int i = 0; i < acks.size(); i++) {
        JsonObject ack = Waits.get(acks.get(i), "ack " + i);
        if (i == 10) {
          assertAckError(ack, "BAD_REQUEST");
        } else {
          assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
        }
      }
      assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
          .isEqualTo(2 + 19);
      assertThat(log.lines()).as("bad texts are the client's problem, not the log's").isEmpty();
    }
  }

  @Test
  void loneSurrogatesAreRefused() {
    TestUser ann = user("Ann");
    String roomId = room();
    JsonArray payloads =
        new JsonArray()
            .add(new JsonObject().put("roomId", roomId).put("text", "high \uD800 alone"))
            .add(new JsonObject().put("roomId", roomId).put("text", "low \uDC00 alone"))
            .add(new JsonObject().put("roomId", roomId).put("text", "ends high \uD83D"))
            .add(new JsonObject().put("roomId", roomId).put("text", "a pair \uD83D\uDC4B is fine"));
    JsonArray acks = NodeSends.send(server.url(), ann.token(), roomId, payloads);
    for (int i = 0; i < 3; i++) {
      assertAckError(acks.getJsonObject(i), "BAD_REQUEST");
      assertThat(acks.getJsonObject(i).getJsonObject("error").getString("message"))
          .contains("not valid Unicode");
    }
    assertThat(acks.getJsonObject(3).getJsonObject("message").getString("text"))
        .isEqualTo("a pair \uD83D\uDC4B is fine");
    assertThat(server.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId))
        .isEqualTo(1);
  }

  @Test
  void theTextLimitCountsCharactersNotUtf16Units() {
    TestUser ann = user("Ann");
    String roomId = room();
    String wave = "\uD83D\uDC4B"; // one character, two UTF-16 units
    try (Client a = joined(ann, roomId)) {
      String longest = wave.repeat(ClientInput.MAX_TEXT_LENGTH);
      JsonObject stored = send(a, roomId, longest);
      assertThat(stored.getString("text")).isEqualTo(longest);
      assertThat(
              history(a, new JsonObject().put("roomId", roomId).put("limit", 1))
                  .getJsonObject(0)
                  .getString("text"))
          .isEqualTo(longest);
      JsonObject tooLong =
          a.call(
              "message:send", new JsonObject().put("roomId", roomId).put("text", longest + wave));
      assertAckError(tooLong, "BAD_REQUEST");
      assertThat(tooLong.getJsonObject("error").getString("message")).contains("4000 characters");
    }
  }

  /**
   * The chat takes no binary: a packet announcing an attachment closes its connection before
   * anything is buffered, so a binary roomId, text or clientId never passes as its base64 text and
   * nothing is stored.
   */
  @Test
  void binaryWhereAStringBelongsIsRefused() throws Exception {
    TestUser ann = user("Ann");
    String roomId = room();
    for (String field : List.of("roomId", "text", "clientId")) {
      try (Client a = joined(ann, roomId)) {
        CompletableFuture<String> closed = server.serverDisconnect(a.socket().id());
        JSONObject payload =
            new JSONObject()
                .put("roomId", roomId)
                .put("text", "hello")
                .put("clientId", "bin-" + field);
        payload.put(field, roomId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CompletableFuture<JsonObject> ack = emitRaw(a, "message:send", payload);
        assertThat(Waits.get(closed, "the server to refuse a binary " + field))
            .isEqualTo("parse error");
        assertThat(ack).as("no ack for a refused packet").isNotDone();
      }
    }
    assertThat(server.count("SELECT COUNT(*) FROM messages WHERE user_id = ?", ann.id())).isZero();
  }

  /**
   * Emits an org.json payload as it is (byte[] values go as binary attachments); the ack, when one
   * comes.
   */
  private static CompletableFuture<JsonObject> emitRaw(
      Client client, String event, JSONObject payload) {
    CompletableFuture<JsonObject> ack = new CompletableFuture<>();
    client
        .socket()
        .emit(
            event,
            new Object[] {payload},
            (io.socket.client.Ack) args -> ack.complete(new JsonObject(args[0].toString())));
    return ack;
  }
}
