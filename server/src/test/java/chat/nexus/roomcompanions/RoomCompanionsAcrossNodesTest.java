package chat.nexus.roomcompanions;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over the real Redis and one PostgreSQL schema: a companion added on one node is called
 * from the other (whose cached list of the room's companions the change dropped), exactly one node
 * answers the mention, the reply is stored once, and clients on both nodes see each token once;
 * called from both nodes at once, the companion answers one after the other.
 */
class RoomCompanionsAcrossNodesTest {

  static final String REDIS_URL = System.getProperty("nexus.redis.url", "redis://127.0.0.1:6379");

  @Test
  void oneNodeAnswersAndBothSeeTheReplyOnce() throws Exception {
    String key = "nexus-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.put("REDIS_URL", REDIS_URL);
      env.put("REDIS_ADAPTER_KEY", key);
      env.put("LLM_SIMULATED_TOKEN_MS", "10");
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env)) {
        waitForNodes(one);
        waitForNodes(two);
        String suffix = key.substring(11);
        String ann = token("ann-" + key, "Ann" + suffix);
        String bob = token("bob-" + key, "Bob" + suffix);
        String mira =
            one.rest()
                .post("/api/characters", card("Mira " + suffix), ann)
                .assertOk(201)
                .getJsonObject("character")
                .getString("id");
        String room = "crew-" + suffix;
        try (Client annOnOne = one.connect(ann);
            Client bobOnTwo = two.connect(bob)) {
          RoomCompanionCases.ok(annOnOne, "room:create", new JsonObject().put("name", room));
          RoomCompanionCases.ok(annOnOne, "room:join", new JsonObject().put("roomId", room));
          RoomCompanionCases.ok(bobOnTwo, "room:join", new JsonObject().put("roomId", room));

          // node two learns the room has no companion yet
          RoomCompanionCases.send(bobOnTwo, room, "hi @everyone");
          RoomCompanionCases.ok(annOnOne, "room:companion:add", RoomCompanionCases.add(room, mira));
          assertThat(bobOnTwo.next("room:companions").getJsonArray("companions")).hasSize(1);

          long id =
              RoomCompanionCases.send(bobOnTwo, room, "@mira what is our course?").getLong("id");
          RoomCompanionCases.Reply onOne = RoomCompanionCases.reply(annOnOne, id);
          RoomCompanionCases.Reply onTwo = RoomCompanionCases.reply(bobOnTwo, id);
          assertThat(onOne.message().getLong("id")).isEqualTo(onTwo.message().getLong("id"));
          for (RoomCompanionCases.Reply r : new RoomCompanionCases.Reply[] {onOne, onTwo}) {
            assertThat(r.streamed()).isEqualTo(r.message().getString("text")).isNotEmpty();
            assertThat(r.message().getString("userId")).isEqualTo("character:" + mira);
          }
          Waits.untilTrue(() -> idle(annOnOne), "node one's client to hear the turn is over");
          Waits.untilTrue(() -> idle(bobOnTwo), "node two's client to hear the turn is over");
          assertThat(annOnOne.pending("room:companion:token")).isZero();
          assertThat(bobOnTwo.pending("room:companion:token")).isZero();
          assertThat(annOnOne.pending("message:new")).isZero();
          assertThat(bobOnTwo.pending("message:new")).isZero();
          assertThat(
                  one.count(
                      "SELECT COUNT(*) FROM messages WHERE room_id = ? AND user_id = ?",
                      room,
                      "character:" + mira))
              .isEqualTo(1);

          // called at once from both nodes, the companion still answers one at a time
          List<String> seen = Collections.synchronizedList(new ArrayList<>());
          annOnOne.socket().onAnyIncoming(args -> seen.add(arrival(args)));
          long first = RoomCompanionCases.send(annOnOne, room, "@mira first").getLong("id");
          long second = RoomCompanionCases.send(bobOnTwo, room, "@mira second").getLong("id");
          RoomCompanionCases.reply(annOnOne, first);
          RoomCompanionCases.reply(annOnOne, second);
          List<String> order;
          synchronized (seen) {
            order = List.copyOf(seen);
          }
          int firstDone = order.indexOf("reply " + first);
          assertThat(firstDone).as("%s", order).isPositive();
          assertThat(order.subList(0, firstDone)).as("%s", order).doesNotContain("token " + second);
          assertThat(order.subList(firstDone, order.size()))
              .as("%s", order)
              .doesNotContain("token " + first)
              .contains("token " + second);
        }
      }
    }
  }

  /** "token <mention id>" or "reply <mention id>" for a companion's events, else the event name. */
  private static String arrival(Object[] args) {
    String event = String.valueOf(args[0]);
    if (args.length < 2 || !(args[1] instanceof JSONObject payload)) {
      return event;
    }
    if (event.equals("room:companion:token")) {
      return "token " + payload.optLong("messageId");
    }
    JSONObject replyTo = payload.optJSONObject("replyTo");
    if (event.equals("message:new") && replyTo != null) {
      return "reply " + replyTo.optLong("id");
    }
    return event;
  }

  /** Reads queue events until one says nobody is being answered. */
  private static boolean idle(Client client) {
    while (client.pending("room:companion:queue") > 0) {
      if (client.next("room:companion:queue").getValue("answering") == null) {
        return true;
      }
    }
    return false;
  }

  static JsonObject card(String name) {
    return new JsonObject()
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
  }

  static String token(String userId, String name) {
    return Jwt.sign(
        TestServer.SECRET, Jwt.supabaseClaims(userId, name, TimeUnit.HOURS.toSeconds(1)));
  }

  static void waitForNodes(TestServer server) {
    Waits.untilTrue(
        () -> server.chatServer().io().sockets().adapter().serverCount() == 2,
        "the node to see 2 nodes");
  }
}
