package chat.nexus.roomcompanions;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Bodies;
import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Companions in group rooms through the official client and REST, with the simulated provider:
 * owners add and remove them, a mention streams one reply to the whole room and stores it once as
 * the character's message, turns are fair and bounded, nobody speaks as a character. Run on each
 * storage backend by the subclasses.
 */
abstract class RoomCompanionCases extends ServerCases {

  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Override
  protected Map<String, String> env() {
    return Map.of("LLM_SIMULATED_TOKEN_MS", "30");
  }

  record Scene(String room, String characterId, TestUser owner, TestUser guest) {}

  /** A character named Mira (called @mira) of its own. */
  String mira(String token) {
    return character("Mira " + UUID.randomUUID().toString().substring(0, 6), token);
  }

  String character(String name, String token) {
    JsonObject card =
        new JsonObject()
            .put("spec", "chara_card_v2")
            .put("spec_version", "2.0")
            .put(
                "data",
                new JsonObject()
                    .put("name", name)
                    .put("description", "{{char}} is the ship's cheerful AI.")
                    .put("personality", "warm")
                    .put("scenario", "on a starship")
                    .put("first_mes", "Welcome aboard!")
                    .put("mes_example", ""));
    return rest.post("/api/characters", card, token)
        .assertOk(201)
        .getJsonObject("character")
        .getString("id");
  }

  /** A room created by its owner. */
  String ownedRoom(Client owner) {
    String room = room();
    JsonObject ack = owner.call("room:create", new JsonObject().put("name", room));
    assertThat(ack.getBoolean("ok")).as("create: %s", ack).isTrue();
    join(owner, room);
    return room;
  }

  static JsonObject ok(Client client, String event, JsonObject payload) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s %s: %s", event, payload, ack).isTrue();
    return ack;
  }

  static void refused(Client client, String event, JsonObject payload, String code) {
    JsonObject ack = client.call(event, payload);
    assertThat(ack.getBoolean("ok")).as("%s: %s", event, ack).isFalse();
    assertThat(ack.getJsonObject("error").getString("code")).as("%s", ack).isEqualTo(code);
  }

  static JsonObject send(Client client, String room, String text) {
    return ok(client, "message:send", new JsonObject().put("roomId", room).put("text", text))
        .getJsonObject("message");
  }

  static JsonObject add(String room, String characterId) {
    return new JsonObject().put("roomId", room).put("characterId", characterId);
  }

  /** The reply to {@code mentionId} as one client saw it: its tokens joined, and the message. */
  record Reply(String streamed, JsonObject message) {}

  /** Tokens and replies a client received for mentions not asked about yet, by mention id. */
  private static final Map<Client, Map<Long, StringBuilder>> STREAMED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static final Map<Client, Map<Long, JsonObject>> REPLIED =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Waits for the reply to {@code mentionId}; tokens and replies of other mentions that arrive
   * meanwhile are kept for their own call (the client's queues are per event).
   */
  static Reply reply(Client client, long mentionId) {
    Map<Long, StringBuilder> streamed = STREAMED.computeIfAbsent(client, c -> new HashMap<>());
    Map<Long, JsonObject> replied = REPLIED.computeIfAbsent(client, c -> new HashMap<>());
    while (true) {
      takeTokens(client, streamed);
      while (client.pending("message:new") > 0) {
        JsonObject message = client.next("message:new");
        if (message.getString("userId").startsWith("character:")) {
          replied.put(message.getJsonObject("replyTo").getLong("id"), message);
        }
      }
      if (replied.containsKey(mentionId)) {
        takeTokens(client, streamed); // sent before the reply: here by now
        StringBuilder text = streamed.remove(mentionId);
        return new Reply(text == null ? "" : text.toString(), replied.remove(mentionId));
      }
      if (client.pending("room:companion:error") > 0) {
        throw new AssertionError("reply broke: " + client.next("room:companion:error"));
      }
      client.awaitAny("room:companion:token", "message:new", "room:companion:error");
    }
  }

  private static void takeTokens(Client client, Map<Long, StringBuilder> streamed) {
    while (client.pending("room:companion:token") > 0) {
      JsonObject token = client.next("room:companion:token");
      streamed
          .computeIfAbsent(token.getLong("messageId"), id -> new StringBuilder())
          .append(token.getString("delta"));
    }
  }

  HttpResponse<String> delete(String path, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("authorization", "Bearer " + token)
            .DELETE()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ownersAddListAndRemoveCompanions() throws Exception {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String mira = mira(ann.token());
    try (Client owner = server.connect(ann.token());
        Client other = server.connect(bob.token())) {
      String room = ownedRoom(owner);
      join(other, room);

      JsonObject added = ok(owner, "room:companion:add", add(room, mira));
      assertThat(added.getBoolean("added")).isTrue();
      assertThat(added.getJsonObject("companion").getString("handle")).isEqualTo("mira");
      assertThat(added.getJsonObject("companion").getString("userId"))
          .isEqualTo("character:" + mira);
      JsonObject told = other.next("room:companions");
      assertThat(told.getJsonArray("companions").getJsonObject(0).getString("characterId"))
          .isEqualTo(mira);

      // adding again changes only who pays
      JsonObject again = ok(owner, "room:companion:add", add(room, mira).put("sponsored", true));
      assertThat(again.getBoolean("added")).isFalse();
      assertThat(again.getJsonObject("companion").getBoolean("sponsored")).isTrue();

      JsonObject details = rest.get("/api/rooms/" + room, bob.token()).assertOk(200);
      JsonArray listed = details.getJsonArray("companions");
      assertThat(listed).hasSize(1);
      assertThat(listed.getJsonObject(0).getString("name")).startsWith("Mira ");

      // refusals: not an owner, no such character, a direct room, bad input, another @mira
      refused(other, "room:companion:add", add(room, mira), "FORBIDDEN");
      refused(other, "room:companion:remove", add(room, mira), "FORBIDDEN");
      refused(owner, "room:companion:add", add(room, "no-such-character"), "NOT_FOUND");
      refused(owner, "room:companion:add", add("dm:a:b", mira), "BAD_REQUEST");
      refused(owner, "room:companion:add", new JsonObject().put("roomId", room), "BAD_REQUEST");
      refused(owner, "room:companion:add", add(room, mira).put("sponsored", "yes"), "BAD_REQUEST");
      refused(owner, "room:companion:add", add(room, mira(ann.token())), "CONFLICT");

      // at most MAX_PER_ROOM
      for (int i = 1; i < RoomCompanions.MAX_PER_ROOM; i++) {
        ok(owner, "room:companion:add", add(room, character("Extra" + i, ann.token())));
      }
      refused(
          owner, "room:companion:add", add(room, character("Onemore", ann.token())), "CONFLICT");

      // REST: remove, remove again, add
      assertThat(delete("/api/rooms/" + room + "/companions/" + mira, bob.token()).statusCode())
          .isEqualTo(403);
      assertThat(delete("/api/rooms/" + room + "/companions/" + mira, ann.token()).statusCode())
          .isEqualTo(200);
      HttpResponse<String> gone = delete("/api/rooms/" + room + "/companions/" + mira, ann.token());
      assertThat(gone.statusCode()).isEqualTo(404);
      Rest.assertErrorShape(new JsonObject(gone.body()), "NOT_FOUND");
      JsonObject posted =
          rest.post(
                  "/api/rooms/" + room + "/companions",
                  new JsonObject().put("characterId", mira),
                  ann.token())
              .assertOk(200);
      assertThat(posted.getBoolean("added")).isTrue();
      rest.post(
              "/api/rooms/" + room + "/companions",
              new JsonObject().put("characterId", mira),
              bob.token())
          .assertError(403, "FORBIDDEN");
    }
  }

  @Test
  void aMentionStreamsOneReplyToTheWholeRoom() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String mira = mira(ann.token());
    try (Client owner = server.connect(ann.token());
        Client other = server.connect(bob.token())) {
      String room = ownedRoom(owner);
      join(other, room);
      ok(owner, "room:companion:add", add(room, mira));
      other.next("room:companions");

      JsonObject plain = send(other, room, "no call here, mira");
      JsonObject mention = send(other, room, "hello @Mira, where are we going?");
      long id = mention.getLong("id");
      assertThat(owner.next("message:new").getLong("id")).isEqualTo(plain.getLong("id"));
      assertThat(owner.next("message:new").getLong("id")).isEqualTo(id);

      Reply seenByOwner = reply(owner, id);
      Reply seenByAsker = reply(other, id);
      for (Reply r : new Reply[] {seenByOwner, seenByAsker}) {
        assertThat(r.message().getString("userId")).isEqualTo("character:" + mira);
        assertThat(r.message().getJsonObject("replyTo").getLong("id")).isEqualTo(id);
        assertThat(r.streamed()).isEqualTo(r.message().getString("text")).isNotEmpty();
      }
      JsonObject queue = owner.next("room:companion:queue");
      assertThat(queue.getJsonObject("answering").getString("userId")).isEqualTo(bob.id());
      assertThat(queue.getJsonObject("answering").getString("name")).isEqualTo("Bob");
      Waits.untilTrue(
          () -> owner.pending("room:companion:queue") > 0, "the queue to say the turn is over");
      assertThat(owner.next("room:companion:queue").getValue("answering")).isNull();

      assertThat(
              server.count(
                  "SELECT COUNT(*) FROM messages WHERE room_id = ? AND user_id = ?",
                  room,
                  "character:" + mira))
          .isEqualTo(1);
      JsonArray history =
          ok(owner, "history", new JsonObject().put("roomId", room)).getJsonArray("messages");
      assertThat(history.getJsonObject(0).getString("userId")).isEqualTo("character:" + mira);
      assertThat(rest.get("/metrics").body())
          .contains("nexus_room_companion_mentions_total{outcome=\"answered\"}");
    }
  }

  @Test
  void aCardMadePrivateOrDeletedByItsOwnerAnswersNoMore() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carol = user("Carol");
    Bodies bodies = new Bodies(server.url());
    String mira = mira(carol.token());
    String card = "/api/characters/" + mira;
    JsonObject open = new JsonObject().put("visibility", "public");
    bodies.patch(card, open, carol.token()).assertOk(200);
    try (Client owner = server.connect(ann.token());
        Client asker = server.connect(bob.token())) {
      String room = ownedRoom(owner);
      join(asker, room);
      ok(owner, "room:companion:add", add(room, mira));

      bodies
          .patch(card, new JsonObject().put("visibility", "private"), carol.token())
          .assertOk(200);
      long id = send(asker, room, "@mira what is your secret?").getLong("id");
      JsonObject refused = asker.next("room:companion:refused");
      assertThat(refused.getLong("messageId")).isEqualTo(id);
      assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("NOT_FOUND");

      bodies.patch(card, open, carol.token()).assertOk(200);
      bodies.delete(card, carol.token()).assertOk(200);
      long again = send(asker, room, "@mira still there?").getLong("id");
      assertThat(asker.next("room:companion:refused").getLong("messageId")).isEqualTo(again);
      assertThat(
              server.count(
                  "SELECT COUNT(*) FROM messages WHERE room_id = ? AND user_id = ?",
                  room,
                  "character:" + mira))
          .isZero();
    }
  }

  @Test
  void whoAddsACompanionAgainBecomesItsPayer() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String mira = mira(ann.token());
    try (Client owner = server.connect(ann.token());
        Client coOwner = server.connect(bob.token())) {
      String room = ownedRoom(owner);
      join(coOwner, room);
      ok(owner, "room:companion:add", add(room, mira));
      ok(
          owner,
          "room:role",
          new JsonObject().put("roomId", room).put("userId", bob.id()).put("role", "owner"));
      new Bodies(server.url())
          .patch(
              "/api/characters/" + mira, new JsonObject().put("visibility", "public"), ann.token())
          .assertOk(200);
      ok(coOwner, "room:companion:add", add(room, mira).put("sponsored", true));
      assertThat(
              server.count(
                  "SELECT COUNT(*) FROM room_companions WHERE room_id = ? AND added_by = ?"
                      + " AND sponsored = TRUE",
                  room,
                  bob.id()))
          .as("a sponsored room spends the budget of who sponsored it")
          .isEqualTo(1);
    }
  }

  @Test
  void turnsAreFairAndBounded() {
    TestUser ann = user("Ann");
    String mira = mira(ann.token());
    try (Client owner = server.connect(ann.token())) {
      String room = ownedRoom(owner);
      ok(owner, "room:companion:add", add(room, mira));
      // the first answer waits while its asker types, so the others queue behind it
      ok(owner, "typing", new JsonObject().put("roomId", room).put("isTyping", true));
      long first = send(owner, room, "@mira tell me a long story").getLong("id");
      // one question per person at a time
      long second = send(owner, room, "@mira and another").getLong("id");
      JsonObject refusal = owner.next("room:companion:refused");
      assertThat(refusal.getLong("messageId")).isEqualTo(second);
      assertThat(refusal.getJsonObject("error").getString("code")).isEqualTo("CONFLICT");

      // others queue behind, up to the cap
      Client[] others = new Client[Lanes.MAX_WAITING + 1];
      long[] asked = new long[others.length];
      for (int i = 0; i < others.length; i++) {
        others[i] = joined(user("P" + i), room);
        asked[i] = send(others[i], room, "@mira me too").getLong("id");
      }
      JsonObject full = others[Lanes.MAX_WAITING].next("room:companion:refused");
      assertThat(full.getLong("messageId")).isEqualTo(asked[Lanes.MAX_WAITING]);
      assertThat(full.getJsonObject("error").getString("code")).isEqualTo("RATE_LIMITED");
      assertThat(full.getJsonObject("error").getLong("retryAfter")).isPositive();

      JsonObject queued = null;
      for (int i = 0; i <= Lanes.MAX_WAITING; i++) {
        queued = owner.next("room:companion:queue");
      }
      assertThat(queued.getJsonObject("answering").getLong("messageId")).isEqualTo(first);
      assertThat(queued.getJsonArray("queue")).hasSize(Lanes.MAX_WAITING);
      assertThat(queued.getJsonArray("queue").getJsonObject(0).getLong("messageId"))
          .isEqualTo(asked[0]);

      // every queued question is answered, in order
      ok(owner, "typing", new JsonObject().put("roomId", room).put("isTyping", false));
      assertThat(reply(owner, first).message().getJsonObject("replyTo").getLong("id"))
          .isEqualTo(first);
      for (int i = 0; i < Lanes.MAX_WAITING; i++) {
        assertThat(reply(owner, asked[i]).message().getJsonObject("replyTo").getLong("id"))
            .isEqualTo(asked[i]);
      }
      for (Client c : others) {
        c.close();
      }
    }
  }

  @Test
  void aReplyWaitsWhileItsAskerTypes() throws Exception {
    TestUser ann = user("Ann");
    String mira = mira(ann.token());
    try (Client owner = server.connect(ann.token())) {
      String room = ownedRoom(owner);
      ok(owner, "room:companion:add", add(room, mira));
      ok(owner, "typing", new JsonObject().put("roomId", room).put("isTyping", true));
      long id = send(owner, room, "@mira wait, I am still typing").getLong("id");
      owner.next("room:companion:queue");
      TimeUnit.MILLISECONDS.sleep(TypingWatch.MAX_HOLD_MS / 3);
      assertThat(owner.pending("room:companion:token")).isZero();
      ok(owner, "typing", new JsonObject().put("roomId", room).put("isTyping", false));
      assertThat(reply(owner, id).streamed()).isNotEmpty();
    }
  }

  @Test
  void nobodySignsInAsACharacter() {
    String token =
        Jwt.sign(
            TestServer.SECRET,
            Jwt.supabaseClaims("character:demo-mira", "Mira", TimeUnit.HOURS.toSeconds(1)));
    JsonObject error = Client.connectError(server.url(), Map.of("token", token));
    assertThat(error.getString("message")).isEqualTo("unauthorized");
    rest.get("/api/me/conversations", token).assertError(401, "UNAUTHORIZED");
  }
}
