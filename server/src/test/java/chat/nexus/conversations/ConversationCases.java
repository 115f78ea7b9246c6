package chat.nexus.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.companion.DemoCharacter;
import chat.nexus.rooms.RoomIds;
import chat.nexus.testing.Bodies;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The conversation list, read markers and receipts, mentions and notifications, through the
 * official client and REST; run on each storage backend by the subclasses.
 */
abstract class ConversationCases extends ServerCases {

  /** A guest with a name of its own (mentions resolve names). */
  record Person(TestUser user, String name) {
    String id() {
      return user.id();
    }

    String token() {
      return user.token();
    }
  }

  Person person(String name) {
    String unique = name + UUID.randomUUID().toString().substring(0, 6);
    return new Person(user(unique), unique);
  }

  static JsonObject send(Client client, String roomId, String text) {
    JsonObject ack =
        client.call("message:send", new JsonObject().put("roomId", roomId).put("text", text));
    assertThat(ack.getBoolean("ok")).as("send: %s", ack).isTrue();
    return ack.getJsonObject("message");
  }

  static JsonObject read(Client client, String roomId, Object messageId) {
    return client.call("read", new JsonObject().put("roomId", roomId).put("messageId", messageId));
  }

  JsonArray conversations(Person person) {
    JsonObject body = rest.get("/api/me/conversations", person.token()).assertOk(200);
    return body.getJsonArray("conversations");
  }

  JsonObject conversation(Person person, String id) {
    for (Object o : conversations(person)) {
      JsonObject c = (JsonObject) o;
      if (c.getString("id").equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no conversation " + id + " in " + conversations(person).encode());
  }

  @Test
  void listHasRoomsWithLastMessageAndUnreadCounts() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client b = joined(bob.user(), room)) {
      send(b, room, "one");
      JsonObject two = send(b, room, "x".repeat(300));
      send(a, room, "mine, not unread");
      JsonObject entry = conversation(ann, room);
      assertThat(entry.getString("kind")).isEqualTo("room");
      assertThat(entry.getString("name")).isEqualTo(room);
      assertThat(entry.getInteger("unreadCount")).isEqualTo(2);
      assertThat(entry.getBoolean("unreadMore")).isFalse();
      assertThat(entry.getInteger("mentionCount")).isZero();
      JsonObject last = entry.getJsonObject("lastMessage");
      assertThat(last.getString("text")).isEqualTo("mine, not unread");
      assertThat(last.getString("userId")).isEqualTo(ann.id());
      assertThat(last.getLong("id")).isGreaterThan(two.getLong("id"));

      // the newest activity first
      String other = room();
      join(a, other);
      send(a, other, "newer");
      assertThat(conversations(ann).getJsonObject(0).getString("id")).isEqualTo(other);
      JsonObject bobs = conversation(bob, room);
      assertThat(bobs.getInteger("unreadCount")).isEqualTo(1);
    }
  }

  @Test
  void previewsAreBoundedAndCountsCapped() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client b = joined(bob.user(), room)) {
      for (int i = 0; i < 101; i++) {
        b.callAsync("message:send", new JsonObject().put("roomId", room).put("text", "m" + i));
      }
      send(b, room, "y".repeat(400));
      JsonObject entry = conversation(ann, room);
      assertThat(entry.getInteger("unreadCount")).isEqualTo(99);
      assertThat(entry.getBoolean("unreadMore")).isTrue();
      assertThat(entry.getJsonObject("lastMessage").getString("text")).hasSize(200);
      assertThat(entry.getJsonObject("lastMessage").getBoolean("truncated")).isTrue();
    }
  }

  @Test
  void directMessageListsForBothUsersAndNotifiesThePeer() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    String dm = RoomIds.direct(ann.id(), bob.id());
    try (Client a = joined(ann.user(), dm);
        Client b = server.connect(bob.token())) {
      JsonObject sent = send(a, dm, "psst");
      JsonObject note = b.next("notification");
      assertThat(note.getString("kind")).isEqualTo("direct");
      assertThat(note.getString("roomId")).isEqualTo(dm);
      assertThat(note.getJsonObject("message").getLong("id")).isEqualTo(sent.getLong("id"));
      assertThat(server.count("SELECT COUNT(*) FROM room_members WHERE room_id = ?", dm))
          .isEqualTo(2);

      JsonObject bobs = conversation(bob, dm); // never joined: the first message made him a member
      assertThat(bobs.getString("kind")).isEqualTo("direct");
      assertThat(bobs.getJsonObject("peer").getString("id")).isEqualTo(ann.id());
      assertThat(bobs.getJsonObject("peer").getString("name")).isEqualTo(ann.name());
      assertThat(bobs.getInteger("unreadCount")).isEqualTo(1);
      assertThat(bobs.getLong("peerLastReadId")).isZero();

      // receipts: Bob reads, Ann hears it and sees it in her list
      JsonObject ack = read(b, dm, sent.getLong("id"));
      assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
      JsonObject receipt = a.next("receipt");
      assertThat(receipt.getString("roomId")).isEqualTo(dm);
      assertThat(receipt.getString("userId")).isEqualTo(bob.id());
      assertThat(receipt.getLong("lastReadId")).isEqualTo(sent.getLong("id"));
      assertThat(conversation(ann, dm).getLong("peerLastReadId")).isEqualTo(sent.getLong("id"));
      assertThat(conversation(bob, dm).getInteger("unreadCount")).isZero();
    }
  }

  @Test
  void companionConversationsAreListed() {
    Person ann = person("Ann");
    try (Client a = server.connect(ann.token())) {
      JsonObject open =
          a.call("companion:open", new JsonObject().put("characterId", DemoCharacter.ID));
      assertThat(open.getBoolean("ok")).as(open.encode()).isTrue();
      JsonObject entry = conversation(ann, DemoCharacter.ID);
      assertThat(entry.getString("kind")).isEqualTo("companion");
      assertThat(entry.getJsonObject("character").getString("name")).isNotBlank();
      assertThat(entry.getJsonObject("lastMessage").getString("role")).isEqualTo("assistant");
    }
  }

  @Test
  void readMovesTheMarkerForwardOnlyAndTellsTheOtherTabs() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client other = joined(ann.user(), room);
        Client b = joined(bob.user(), room)) {
      long first = send(b, room, "one").getLong("id");
      long second = send(b, room, "two").getLong("id");
      JsonObject ack = read(a, room, second);
      assertThat(ack.fieldNames()).containsExactlyInAnyOrder("ok", "roomId", "lastReadId");
      assertThat(ack.getLong("lastReadId")).isEqualTo(second);
      JsonObject pushed = other.next("conversation:read");
      assertThat(pushed.getString("roomId")).isEqualTo(room);
      assertThat(pushed.getLong("lastReadId")).isEqualTo(second);
      assertThat(a.pending("conversation:read")).isZero(); // the reading socket has its ack

      // never back
      assertThat(read(a, room, first).getLong("lastReadId")).isEqualTo(second);
      // never past the room's newest message
      assertThat(read(a, room, second + 1_000_000).getLong("lastReadId")).isEqualTo(second);
      // as a string, as JavaScript clients may send big ids
      assertThat(read(a, room, String.valueOf(second)).getBoolean("ok")).isTrue();
      assertThat(conversation(ann, room).getInteger("unreadCount")).isZero();
      assertThat(conversation(ann, room).getLong("lastReadId")).isEqualTo(second);
      assertThat(
              server.count(
                  "SELECT last_read_id FROM room_members WHERE room_id = ? AND user_id = ?",
                  room,
                  ann.id()))
          .isEqualTo(second);
    }
  }

  @Test
  void manyReadsAreWrittenOnceWithTheHighest() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client b = joined(bob.user(), room)) {
      long last = 0;
      for (int i = 0; i < 20; i++) {
        last = send(b, room, "m" + i).getLong("id");
      }
      for (long id = last - 19; id <= last; id++) {
        a.callAsync("read", new JsonObject().put("roomId", room).put("messageId", id));
      }
      long expected = last;
      // Asking for the list writes the user's waiting markers first.
      Waits.untilTrue(
          () ->
              conversation(ann, room).getLong("lastReadId") == expected
                  && server.count(
                          "SELECT last_read_id FROM room_members WHERE room_id = ? AND user_id = ?",
                          room,
                          ann.id())
                      == expected,
          "the highest marker written");
    }
  }

  @Test
  void readRefusals() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    Person eve = person("Eve");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client e = server.connect(eve.token())) {
      long id = send(a, room, "hi").getLong("id");
      Rest.assertErrorShape(read(a, "bad room!", id), "BAD_REQUEST");
      Rest.assertErrorShape(a.call("read", new JsonObject().put("roomId", room)), "BAD_REQUEST");
      Rest.assertErrorShape(read(a, room, -1), "BAD_REQUEST");
      Rest.assertErrorShape(read(a, room, 1.5), "BAD_REQUEST");
      Rest.assertErrorShape(read(a, room, "abc"), "BAD_REQUEST");
      // a public room Eve never joined
      Rest.assertErrorShape(read(e, room, id), "FORBIDDEN");
      // a direct room of others
      Rest.assertErrorShape(read(e, RoomIds.direct(ann.id(), bob.id()), id), "FORBIDDEN");
      // a private room Eve is not a member of
      String secret = room();
      server.update(
          "INSERT INTO rooms (id, kind, created_at, visibility) VALUES (?, 'public', ?, 'private')",
          secret,
          OffsetDateTime.now());
      Rest.assertErrorShape(read(e, secret, id), "FORBIDDEN");
      // the list needs a user
      rest.get("/api/me/conversations").assertError(401, "UNAUTHORIZED");
    }
  }

  @Test
  void mentionsResolveToMembersAndNotify() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    Person eve = person("Eve");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client b = joined(bob.user(), room);
        Client bobsPhone = server.connect(bob.token());
        Client e = server.connect(eve.token())) {
      JsonObject plain = send(a, room, "no one here, mail me at ann@example.com");
      assertThat(plain.containsKey("mentions")).isFalse();

      JsonObject sent =
          send(
              a,
              room,
              "hey @"
                  + bob.name().toUpperCase()
                  + ", @"
                  + eve.name()
                  + " and @"
                  + ann.name()
                  + ".");
      assertThat(sent.getJsonArray("mentions")).containsExactly(bob.id()); // Eve is not in the room
      JsonObject heard = b.next("message:new");
      assertThat(heard.getString("text")).startsWith("no one");
      assertThat(b.next("message:new").getJsonArray("mentions")).containsExactly(bob.id());
      for (Client device : new Client[] {b, bobsPhone}) {
        JsonObject note = device.next("notification");
        assertThat(note.getString("kind")).isEqualTo("mention");
        assertThat(note.getString("roomId")).isEqualTo(room);
        assertThat(note.getJsonObject("message").getLong("id")).isEqualTo(sent.getLong("id"));
      }
      assertThat(e.pending("notification")).isZero();
      assertThat(a.pending("notification")).isZero();

      Waits.untilTrue(
          () -> conversation(bob, room).getInteger("mentionCount") == 1, "a mention counted");
      // history has the mentions too (REST and socket)
      JsonArray page =
          rest.get("/api/rooms/" + room + "/messages", bob.token())
              .assertOk(200)
              .getJsonArray("messages");
      assertThat(page.getJsonObject(0).getJsonArray("mentions")).containsExactly(bob.id());
      assertThat(page.getJsonObject(1).containsKey("mentions")).isFalse();
      assertThat(
              b.call("history", new JsonObject().put("roomId", room))
                  .getJsonArray("messages")
                  .getJsonObject(0)
                  .getJsonArray("mentions"))
          .containsExactly(bob.id());
      assertThat(conversation(ann, room).getInteger("mentionCount")).isZero();
      read(b, room, sent.getLong("id"));
      assertThat(conversation(bob, room).getInteger("mentionCount")).isZero();
    }
  }

  @Test
  void mentionsFollowJoinsRenamesAndHandles() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    Person eve = person("Eve");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client b = joined(bob.user(), room)) {
      assertThat(send(a, room, "@" + bob.name()).getJsonArray("mentions"))
          .containsExactly(bob.id());
      assertThat(send(a, room, "@" + eve.name()).containsKey("mentions")).isFalse();
      try (Client e = joined(eve.user(), room)) {
        assertThat(send(a, room, "@" + eve.name()).getJsonArray("mentions"))
            .as("a member who joined since")
            .containsExactly(eve.id());
      }
      String handle =
          rest.get("/api/me", bob.token()).assertOk(200).getJsonObject("user").getString("handle");
      assertThat(send(a, room, "hi @" + handle).getJsonArray("mentions"))
          .as("by handle")
          .containsExactly(bob.id());
      String renamed = "Robert" + UUID.randomUUID().toString().substring(0, 6);
      new Bodies(server.url())
          .patch("/api/me", new JsonObject().put("name", renamed), bob.token())
          .assertOk(200);
      assertThat(send(a, room, "@" + renamed).getJsonArray("mentions"))
          .as("by the new name")
          .containsExactly(bob.id());
    }
  }

  @Test
  void mentionsFromABlockedUserNotifyNobody() {
    Person ann = person("Ann");
    Person bob = person("Bob");
    Person carl = person("Carl");
    String room = room();
    try (Client a = joined(ann.user(), room);
        Client b = joined(bob.user(), room);
        Client c = joined(carl.user(), room)) {
      JsonObject blocked = b.call("user:block", new JsonObject().put("userId", ann.id()));
      assertThat(blocked.getBoolean("ok")).as("%s", blocked).isTrue();
      // the message is the same for everyone: its mentions do not tell Ann she is blocked
      JsonObject anns = send(a, room, "hey @" + bob.name());
      assertThat(anns.getJsonArray("mentions")).containsExactly(bob.id());
      JsonObject carls = send(c, room, "hi @" + bob.name());
      JsonObject note = b.next("notification");
      assertThat(note.getJsonObject("message").getLong("id")).isEqualTo(carls.getLong("id"));
      assertThat(b.pending("notification")).isZero();
    }
  }

  @Test
  void mentionsAreBoundedPerMessage() {
    Person ann = person("Ann");
    String room = room();
    try (Client a = joined(ann.user(), room)) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 25; i++) {
        Person p = person("P" + i);
        joined(p.user(), room).close();
        text.append('@').append(p.name()).append(' ');
      }
      assertThat(send(a, room, text.toString()).getJsonArray("mentions"))
          .hasSize(MentionNames.MAX_MENTIONS);
    }
  }
}
