package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.redis.ResettingProxy;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Bodies;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing Redis and PostgreSQL: a mute, kick, ban or role change made on node A takes
 * effect at once for a socket on node B (whose membership cache would otherwise hold for minutes),
 * also when A made it while Redis was unreachable from A (as a rename made then reaches B's mention
 * directory), and the directory on either node counts the users online on both.
 */
class RoomsAcrossNodesTest {

  @Test
  void moderationOnOneNodeTakesEffectAtOnceOnTheOther() throws Exception {
    try (TestRedis redis = new TestRedis();
        Backend.Prepared database = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(redis.env());
      env.putAll(database.env());
      try (TestServer a = TestServer.start(Backend.H2, env);
          TestServer b = TestServer.start(Backend.H2, env)) {
        Waits.untilTrue(
            () -> a.chatServer().io().sockets().adapter().serverCount() == 2, "two nodes");
        TestUser ann = TestUser.of(a.guest("Ann"));
        TestUser carl = TestUser.of(a.guest("Carl"));
        try (Client owner = a.connect(ann.token());
            Client member = b.connect(carl.token())) {
          String id = roomWithMemberCached(owner, member);
          JsonObject text = new JsonObject().put("roomId", id).put("text", "hello");

          JsonObject directory =
              Waits.until(
                  () -> {
                    JsonObject room =
                        b.rest()
                            .get("/api/rooms?q=" + id, carl.token())
                            .assertOk(200)
                            .getJsonArray("rooms")
                            .getJsonObject(0);
                    return room.getInteger("onlineCount") == 2 ? room : null;
                  },
                  "both users online in b's directory");
          assertThat(directory.getInteger("memberCount")).isEqualTo(2);

          RoomCases.ok(owner, "room:mute", RoomCases.at(id, carl).put("minutes", 5));
          Rest.assertErrorShape(member.call("message:send", text), "FORBIDDEN");
          RoomCases.ok(owner, "room:unmute", RoomCases.at(id, carl));
          RoomCases.ok(member, "message:send", text);

          RoomCases.ok(owner, "room:role", RoomCases.at(id, carl).put("role", "moderator"));
          RoomCases.ok(member, "room:update", new JsonObject().put("roomId", id).put("topic", "B"));
          RoomCases.ok(owner, "room:role", RoomCases.at(id, carl).put("role", "member"));
          Rest.assertErrorShape(
              member.call("room:update", new JsonObject().put("roomId", id).put("topic", "C")),
              "FORBIDDEN");

          RoomCases.ok(owner, "room:kick", RoomCases.at(id, carl));
          assertThat(member.next("room:removed").getString("reason")).isEqualTo("kicked");
          Rest.assertErrorShape(member.call("message:send", text), "FORBIDDEN");
          Waits.untilTrue(
              () ->
                  b.rest()
                          .get("/api/rooms?q=" + id, carl.token())
                          .assertOk(200)
                          .getJsonArray("rooms")
                          .getJsonObject(0)
                          .getInteger("onlineCount")
                      == 1,
              "the kicked user offline in the room");

          RoomCases.ok(member, "room:join", new JsonObject().put("roomId", id));
          RoomCases.ok(owner, "room:ban", RoomCases.at(id, carl));
          assertThat(member.next("room:removed").getString("reason")).isEqualTo("banned");
          Rest.assertErrorShape(member.call("message:send", text), "FORBIDDEN");
          Rest.assertErrorShape(
              member.call("room:join", new JsonObject().put("roomId", id)), "FORBIDDEN");
        }
      }
    }
  }

  @Test
  void aMuteMadeWhileANodeWasCutOffFromRedisTakesEffectOnTheOtherWhenItIsBack() throws Exception {
    inRoomAcrossNodes(
        t -> {
          JsonObject text = new JsonObject().put("roomId", t.roomId()).put("text", "hello");

          t.cutOff(true);
          RoomCases.ok(
              t.owner(), "room:mute", RoomCases.at(t.roomId(), t.carl()).put("minutes", 5));
          RoomCases.ok(t.member(), "message:send", text); // B never heard of the mute

          t.cutOff(false);
          Waits.untilTrue(
              () -> {
                JsonObject error = t.member().call("message:send", text).getJsonObject("error");
                return error != null && "FORBIDDEN".equals(error.getString("code"));
              },
              "the mute in force on B");
        });
  }

  @Test
  void aRenameMadeWhileANodeWasCutOffFromRedisIsMentionableOnTheOtherWhenItIsBack()
      throws Exception {
    inRoomAcrossNodes(
        t -> {
          String ann = t.ann().id();
          assertThat(mentioned(t.member(), t.roomId(), "@ann")).containsExactly(ann); // B knows it

          t.cutOff(true);
          String name = "Zoe" + UUID.randomUUID().toString().substring(0, 8);
          new Bodies(t.a().url())
              .patch("/api/me", new JsonObject().put("name", name), t.ann().token())
              .assertOk(200);

          t.cutOff(false);
          Waits.untilTrue(
              () -> mentioned(t.member(), t.roomId(), "@" + name).contains(ann),
              "the new name on B");
        });
  }

  /**
   * Ann (the owner, on node A) and Carl (a member, on node B) in a room B has cached Carl's
   * membership of; node A reaches Redis through a proxy that can cut it off.
   */
  private record AcrossNodes(
      TestServer a,
      ResettingProxy toRedis,
      TestUser ann,
      TestUser carl,
      Client owner,
      Client member,
      String roomId) {

    /** Cuts node A off from Redis, or lets it back, and waits until A sees it. */
    void cutOff(boolean off) {
      toRedis.refuse(off);
      if (off) {
        toRedis.resetAll();
      }
      String up = off ? "0.0" : "1.0";
      Waits.untilTrue(() -> redisUp(a).equals(up), off ? "Redis down for A" : "Redis back for A");
    }
  }

  private interface AcrossNodesTest {
    void run(AcrossNodes nodes) throws Exception;
  }

  private static void inRoomAcrossNodes(AcrossNodesTest test) throws Exception {
    try (TestRedis redis = new TestRedis();
        ResettingProxy toRedis = new ResettingProxy(6379);
        Backend.Prepared database = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(redis.env());
      env.putAll(database.env());
      Map<String, String> cutOff = new HashMap<>(env);
      cutOff.put("REDIS_URL", toRedis.url());
      try (TestServer a = TestServer.start(Backend.H2, cutOff);
          TestServer b = TestServer.start(Backend.H2, env)) {
        Waits.untilTrue(
            () -> a.chatServer().io().sockets().adapter().serverCount() == 2, "two nodes");
        TestUser ann = TestUser.of(a.guest("Ann"));
        TestUser carl = TestUser.of(a.guest("Carl"));
        try (Client owner = a.connect(ann.token());
            Client member = b.connect(carl.token())) {
          String id = roomWithMemberCached(owner, member);
          test.run(new AcrossNodes(a, toRedis, ann, carl, owner, member, id));
        }
      }
    }
  }

  /** The users a message the client sends to the room mentions. */
  private static List<String> mentioned(Client client, String roomId, String text) {
    JsonArray ids =
        RoomCases.ok(
                client, "message:send", new JsonObject().put("roomId", roomId).put("text", text))
            .getJsonObject("message")
            .getJsonArray("mentions", new JsonArray());
    return ids.stream().map(String::valueOf).toList();
  }

  /**
   * A room the owner (node A) created and both joined, where the member (node B) sent a message: B
   * now caches the member's membership.
   */
  private static String roomWithMemberCached(Client owner, Client member) {
    String name = "Across-" + UUID.randomUUID().toString().substring(0, 8);
    String id =
        RoomCases.ok(owner, "room:create", new JsonObject().put("name", name))
            .getJsonObject("room")
            .getString("id");
    RoomCases.ok(owner, "room:join", new JsonObject().put("roomId", id));
    RoomCases.ok(member, "room:join", new JsonObject().put("roomId", id));
    RoomCases.ok(member, "message:send", new JsonObject().put("roomId", id).put("text", "hello"));
    return id;
  }

  private static String redisUp(TestServer server) {
    return server.metric("nexus_redis_up");
  }
}
