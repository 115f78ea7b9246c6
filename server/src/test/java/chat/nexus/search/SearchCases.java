package chat.nexus.search;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.rooms.RoomIds;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Searching messages over REST, and history around a message (socket and REST), with every refusal;
 * run on each storage backend by the subclasses. Each case says words no other case says, so cases
 * sharing the server do not see each other's messages.
 */
abstract class SearchCases extends ServerCases {

  /** A word nobody else has written: lower-case letters only, so that it is one word anywhere. */
  static String word() {
    StringBuilder w = new StringBuilder("w");
    for (char c : UUID.randomUUID().toString().replace("-", "").substring(0, 10).toCharArray()) {
      w.append((char) ('a' + Character.digit(c, 16)));
    }
    return w.toString();
  }

  static JsonObject send(Client client, String roomId, String text) {
    JsonObject ack =
        client.call("message:send", new JsonObject().put("roomId", roomId).put("text", text));
    assertThat(ack.getBoolean("ok")).as("send: %s", ack).isTrue();
    return ack.getJsonObject("message");
  }

  Rest.Response search(TestUser user, String query) {
    return rest.get("/api/search?" + query, user.token());
  }

  JsonObject found(TestUser user, String q) {
    return search(user, "q=" + encode(q)).assertOk(200);
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static List<Long> ids(JsonArray messages) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      ids.add(messages.getJsonObject(i).getLong("id"));
    }
    return ids;
  }

  @Test
  void findsAMessageInARoomTheUserBelongsTo() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    String word = word();
    try (Client a = joined(ann, roomId);
        Client b = joined(bob, roomId)) {
      JsonObject sent = send(a, roomId, "Did you see the " + word + " by the river?");
      send(a, roomId, "something else entirely");

      JsonObject answer = found(bob, word.toUpperCase());
      assertThat(answer.fieldNames()).containsExactlyInAnyOrder("ok", "messages", "nextBefore");
      assertThat(answer.getValue("nextBefore")).isNull();
      JsonArray messages = answer.getJsonArray("messages");
      assertThat(messages).hasSize(1);
      JsonObject hit = messages.getJsonObject(0);
      assertThat(hit.fieldNames())
          .containsExactlyInAnyOrder(
              "id",
              "roomId",
              "userId",
              "text",
              "clientId",
              "createdAt",
              "snippet",
              "userName",
              "roomName");
      for (String field : sent.fieldNames()) {
        assertThat(hit.getValue(field)).as(field).isEqualTo(sent.getValue(field));
      }
      assertThat(hit.getString("userName")).isEqualTo("Ann");
      assertThat(hit.getString("snippet"))
          .contains(Snippets.START + word + Snippets.STOP)
          .contains("river");
      assertThat(Instant.parse(hit.getString("createdAt"))).isBefore(Instant.now().plusSeconds(1));
    }
  }

  @Test
  void everyWordMustAppear() {
    TestUser ann = user("Ann");
    String roomId = room();
    String one = word();
    String two = word();
    try (Client a = joined(ann, roomId)) {
      long both = send(a, roomId, one + " and then " + two).getLong("id");
      send(a, roomId, one + " alone");
      assertThat(ids(found(ann, two + " " + one).getJsonArray("messages"))).containsExactly(both);
      assertThat(ids(found(ann, one).getJsonArray("messages"))).hasSize(2);
    }
  }

  @Test
  void publicRoomsTheUserIsNotInAreSearchedOnlyByName() {
    TestUser ann = user("Ann");
    TestUser carl = user("Carl");
    String roomId = room();
    String word = word();
    try (Client a = joined(ann, roomId)) {
      long id = send(a, roomId, "public " + word).getLong("id");
      assertThat(found(carl, word).getJsonArray("messages")).isEmpty();
      JsonObject named = search(carl, "q=" + word + "&roomId=" + roomId).assertOk(200);
      assertThat(ids(named.getJsonArray("messages"))).containsExactly(id);
    }
  }

  @Test
  void aDirectRoomOfOthersNeverShowsUp() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    String dm = RoomIds.direct(ann.id(), bob.id());
    String word = word();
    try (Client a = joined(ann, dm);
        Client b = joined(bob, dm)) {
      long id = send(a, dm, "secret " + word).getLong("id");
      assertThat(ids(found(bob, word).getJsonArray("messages"))).containsExactly(id);
      assertThat(found(carl, word).getJsonArray("messages")).isEmpty();
      search(carl, "q=" + word + "&roomId=" + encode(dm)).assertError(403, "FORBIDDEN");
    }
  }

  @Test
  void aPrivateRoomIsSearchedByItsMembersOnly() {
    TestUser ann = user("Ann");
    TestUser carl = user("Carl");
    String roomId = room();
    String word = word();
    server.update(
        "INSERT INTO rooms (id, kind, created_at, visibility) VALUES (?, 'public', ?, 'private')",
        roomId,
        java.time.OffsetDateTime.now());
    server.update(
        "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?, ?, 'owner', ?)",
        roomId,
        ann.id(),
        java.time.OffsetDateTime.now());
    try (Client a = joined(ann, roomId)) {
      long id = send(a, roomId, "members only " + word).getLong("id");
      assertThat(ids(found(ann, word).getJsonArray("messages"))).containsExactly(id);
      assertThat(found(carl, word).getJsonArray("messages")).isEmpty();
      search(carl, "q=" + word + "&roomId=" + roomId).assertError(403, "FORBIDDEN");
    }
  }

  @Test
  void pagesGoNewestFirstByKeyset() {
    TestUser ann = user("Ann");
    String roomId = room();
    String word = word();
    List<Long> sent = new ArrayList<>();
    try (Client a = joined(ann, roomId)) {
      for (int i = 0; i < 5; i++) {
        sent.add(send(a, roomId, word + " number " + i).getLong("id"));
      }
    }
    List<Long> seen = new ArrayList<>();
    String before = "";
    for (int page = 0; page < 3; page++) {
      JsonObject answer = search(ann, "q=" + word + "&limit=2" + before).assertOk(200);
      seen.addAll(ids(answer.getJsonArray("messages")));
      Object next = answer.getValue("nextBefore");
      if (page < 2) {
        assertThat(next).as("page %s", page).isNotNull();
        before = "&before=" + next;
      } else {
        assertThat(next).isNull();
      }
    }
    java.util.Collections.reverse(sent);
    assertThat(seen).containsExactlyElementsOf(sent);
  }

  @Test
  void likeWildcardsAreTakenLiterally() {
    TestUser ann = user("Ann");
    String roomId = room();
    String x = word();
    String y = word();
    try (Client a = joined(ann, roomId)) {
      long percent = send(a, roomId, "see " + x + "%" + y + " here").getLong("id");
      long any = send(a, roomId, "see " + x + "abc" + y + " here").getLong("id");
      long underscore = send(a, roomId, "and " + x + "_" + y).getLong("id");
      long one = send(a, roomId, "and " + x + "q" + y).getLong("id");
      // PostgreSQL reads % and _ as word breaks (and finds both), H2 as the characters themselves:
      // neither as a wildcard
      assertThat(ids(found(ann, x + "%" + y).getJsonArray("messages")))
          .contains(percent)
          .doesNotContain(any, one);
      assertThat(ids(found(ann, x + "_" + y).getJsonArray("messages")))
          .contains(underscore)
          .doesNotContain(any, one);
    }
  }

  @Test
  void sqlLikeInputIsJustText() {
    TestUser ann = user("Ann");
    String roomId = room();
    String word = word();
    try (Client a = joined(ann, roomId)) {
      long id = send(a, roomId, word + " survives").getLong("id");
      for (String q :
          List.of(
              "'; DROP TABLE messages; --",
              "\" OR 1=1 --",
              "' OR '1'='1",
              "\\",
              "%",
              "_",
              "!!! & | <-> :*",
              "<b>bold</b> &amp;",
              word + "' OR 'x'='x")) {
        JsonObject answer = found(ann, q);
        for (Object m : answer.getJsonArray("messages")) {
          assertThat(((JsonObject) m).getString("userId")).as(q).isEqualTo(ann.id());
        }
      }
      assertThat(ids(found(ann, word).getJsonArray("messages"))).containsExactly(id);
    }
  }

  @Test
  void snippetsCarryNoMarkupFromTheText() {
    TestUser ann = user("Ann");
    String roomId = room();
    String word = word();
    try (Client a = joined(ann, roomId)) {
      send(
          a,
          roomId,
          "<img src=x onerror=alert(1)> " + word + " " + Snippets.START + "fake" + Snippets.STOP);
      String snippet =
          found(ann, word).getJsonArray("messages").getJsonObject(0).getString("snippet");
      assertThat(snippet).contains("alert(1)>").doesNotContain("&lt;", "&gt;"); // text, as written
      assertThat(snippet.chars().filter(c -> c == Snippets.START).count()).isEqualTo(1);
      assertThat(snippet)
          .contains(Snippets.START + word + Snippets.STOP)
          .doesNotContain("fake" + Snippets.STOP);
    }
  }

  @Test
  void badRequestsAreRefused() {
    TestUser ann = user("Ann");
    for (String query :
        List.of(
            "",
            "q=",
            "q=%20%20",
            "q=" + "a".repeat(SearchRequest.MAX_QUERY_LENGTH + 1),
            "q=x%01y",
            "q=hello&limit=0",
            "q=hello&limit=51",
            "q=hello&limit=ten",
            "q=hello&before=-3",
            "q=hello&before=abc",
            "q=hello&roomId=" + encode("no spaces allowed"))) {
      search(ann, query).assertError(400, "BAD_REQUEST");
    }
    search(ann, "q=" + "a".repeat(SearchRequest.MAX_QUERY_LENGTH)).assertOk(200);
    search(ann, "q=hello&limit=50").assertOk(200);
  }

  @Test
  void theSearchEventAnswersAsTheRoute() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String roomId = room();
    String dm = RoomIds.direct(ann.id(), bob.id());
    String word = word();
    try (Client a = joined(ann, roomId)) {
      long id = send(a, roomId, "over the socket " + word).getLong("id");
      JsonObject ack = a.call("search", new JsonObject().put("q", word).put("limit", 5));
      assertThat(ack.getBoolean("ok")).as("%s", ack).isTrue();
      assertThat(ids(ack.getJsonArray("messages"))).containsExactly(id);
      JsonObject byRest = found(ann, word);
      assertThat(ack.getJsonArray("messages")).isEqualTo(byRest.getJsonArray("messages"));

      Rest.assertErrorShape(a.call("search", new JsonObject()), "BAD_REQUEST");
      Rest.assertErrorShape(
          a.call("search", new JsonObject().put("q", word).put("limit", 500)), "BAD_REQUEST");
      Rest.assertErrorShape(a.call("search", "not an object"), "BAD_REQUEST");
      try (Client c = server.connect(user("Carl").token())) {
        Rest.assertErrorShape(
            c.call("search", new JsonObject().put("q", word).put("roomId", dm)), "FORBIDDEN");
        JsonObject none = c.call("search", new JsonObject().put("q", word));
        assertThat(none.getJsonArray("messages")).isEmpty();
      }
    }
  }

  @Test
  void signedOutCallersAreRefused() {
    rest.get("/api/search?q=hello").assertError(401, "UNAUTHORIZED");
  }

  // ---- history around a message ----

  @Test
  void historyAroundAMessageHasBothSides() {
    TestUser ann = user("Ann");
    String roomId = room();
    List<Long> sent = new ArrayList<>();
    try (Client a = joined(ann, roomId)) {
      for (int i = 0; i < 11; i++) {
        sent.add(send(a, roomId, "m" + i).getLong("id"));
      }
      long middle = sent.get(5);
      JsonObject ack =
          a.call(
              "history",
              new JsonObject().put("roomId", roomId).put("around", middle).put("limit", 5));
      assertThat(ack.getBoolean("ok")).as("%s", ack).isTrue();
      assertThat(ids(ack.getJsonArray("messages")))
          .containsExactly(sent.get(7), sent.get(6), sent.get(5), sent.get(4), sent.get(3));

      JsonObject rest5 =
          rest.get("/api/rooms/" + roomId + "/messages?around=" + middle + "&limit=5", ann.token())
              .assertOk(200);
      assertThat(rest5.getJsonArray("messages")).isEqualTo(ack.getJsonArray("messages"));

      // near the newest message: fewer newer ones, the page is what there is
      JsonObject last =
          a.call(
              "history",
              new JsonObject().put("roomId", roomId).put("around", sent.get(10)).put("limit", 5));
      assertThat(ids(last.getJsonArray("messages")))
          .containsExactly(sent.get(10), sent.get(9), sent.get(8));
    }
  }

  @Test
  void historyAroundRefusals() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser carl = user("Carl");
    String roomId = room();
    String other = room();
    String dm = RoomIds.direct(ann.id(), bob.id());
    try (Client a = joined(ann, roomId);
        Client c = joined(carl, other)) {
      join(a, dm);
      long inDm = send(a, dm, "between us").getLong("id");
      long elsewhere = send(c, other, "elsewhere").getLong("id");
      send(a, roomId, "here");

      JsonObject notHere =
          a.call("history", new JsonObject().put("roomId", roomId).put("around", elsewhere));
      Rest.assertErrorShape(notHere, "NOT_FOUND");
      rest.get("/api/rooms/" + roomId + "/messages?around=" + elsewhere, ann.token())
          .assertError(404, "NOT_FOUND");

      Rest.assertErrorShape(
          c.call("history", new JsonObject().put("roomId", dm).put("around", inDm)), "FORBIDDEN");
      rest.get("/api/rooms/" + encode(dm) + "/messages?around=" + inDm, carl.token())
          .assertError(403, "FORBIDDEN");

      Rest.assertErrorShape(
          a.call("history", new JsonObject().put("roomId", roomId).put("around", "x")),
          "BAD_REQUEST");
      Rest.assertErrorShape(
          a.call(
              "history",
              new JsonObject()
                  .put("roomId", roomId)
                  .put("around", elsewhere)
                  .put("before", elsewhere)),
          "BAD_REQUEST");
      rest.get("/api/rooms/" + roomId + "/messages?around=0", ann.token())
          .assertError(400, "BAD_REQUEST");
    }
  }
}
