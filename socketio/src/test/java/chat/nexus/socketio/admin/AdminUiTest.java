package chat.nexus.socketio.admin;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.Handshake;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.testing.RawSocketIoClient;
import chat.nexus.socketio.testing.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin namespace on a bare server, spoken to in raw Socket.IO packets: the credentials check,
 * the features each setting offers, a join when joins are allowed, and what a socket's view leaves
 * out.
 */
class AdminUiTest {

  private Vertx clientVertx;
  private WebSocketClient webSockets;

  @BeforeEach
  void client() {
    clientVertx = Vertx.vertx();
    webSockets = clientVertx.createWebSocketClient();
  }

  @AfterEach
  void close() {
    clientVertx.close();
  }

  private static AdminUiOptions options(boolean development, boolean readonly, boolean allowJoin) {
    AdminUiOptions defaults =
        AdminUiOptions.of((user, pass) -> "admin".equals(user) && "secret".equals(pass), "node-1");
    return new AdminUiOptions(
        defaults.namespace(),
        defaults.credentials(),
        defaults.serverId(),
        defaults.namespaces(),
        development,
        readonly,
        allowJoin,
        defaults.statsIntervalMs(),
        2,
        defaults.addressOf());
  }

  private RawSocketIoClient admin(TestServer server, String auth) throws Exception {
    RawSocketIoClient client = RawSocketIoClient.connect(webSockets, server.port(), false);
    client.sendText("40/admin," + auth);
    return client;
  }

  /** The arguments of the next event packet of the admin namespace named {@code event}. */
  private static JsonArray event(RawSocketIoClient client, String event) throws Exception {
    while (true) {
      String text = client.nextText();
      if (text.startsWith("42/admin,")) {
        JsonArray packet = new JsonArray(text.substring("42/admin,".length()));
        if (event.equals(packet.getString(0))) {
          return packet;
        }
      }
    }
  }

  @Test
  void wrongCredentialsAreRefusedThenTheAddressIsHeldOff() throws Exception {
    try (TestServer server =
        TestServer.start(
            SocketIoOptions.builder().build(),
            io -> AdminUi.install(io, options(true, false, false)))) {
      for (int i = 0; i < 2; i++) {
        assertThat(admin(server, "{\"username\":\"admin\",\"password\":\"nope\"}").nextText())
            .isEqualTo("44/admin,{\"message\":\"invalid credentials\"}");
      }
      assertThat(admin(server, "{\"username\":\"admin\",\"password\":\"secret\"}").nextText())
          .isEqualTo("44/admin,{\"message\":\"" + AdminAuth.TOO_MANY + "\"}");
    }
  }

  @Test
  void aFloodOfOtherAddressesDoesNotLiftAHoldOff() throws Exception {
    AdminUiOptions limited = options(true, false, false);
    // the address a handshake counts against, as its auth says: many addresses over one connection
    AdminUiOptions byAuth = limited.withAddressOf(h -> h.auth().getString("from", h.address()));
    try (TestServer server =
        TestServer.start(SocketIoOptions.builder().build(), io -> AdminUi.install(io, byAuth))) {
      RawSocketIoClient client = RawSocketIoClient.connect(webSockets, server.port(), false);
      for (int i = 0; i < 2; i++) {
        client.sendText(
            "40/admin,{\"from\":\"held\",\"username\":\"admin\",\"password\":\"nope\"}");
        assertThat(client.nextText()).contains("invalid credentials");
      }
      for (int i = 0; i < AdminAuth.MAX_ADDRESSES; i++) {
        client.sendText("40/admin,{\"from\":\"flood-" + i + "\",\"password\":\"nope\"}");
        assertThat(client.nextText()).startsWith("44/admin,");
      }
      client.sendText(
          "40/admin,{\"from\":\"held\",\"username\":\"admin\",\"password\":\"secret\"}");
      assertThat(client.nextText())
          .isEqualTo("44/admin,{\"message\":\"" + AdminAuth.TOO_MANY + "\"}");
    }
  }

  @Test
  void featuresFollowTheSettings() throws Exception {
    Map<List<Boolean>, List<String>> expected =
        Map.of(
            List.of(true, true, false), List.of("AGGREGATED_EVENTS", "ALL_EVENTS"),
            List.of(false, false, false),
                List.of("LEAVE", "DISCONNECT", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS"),
            List.of(true, false, true),
                List.of(
                    "LEAVE",
                    "DISCONNECT",
                    "MLEAVE",
                    "MDISCONNECT",
                    "JOIN",
                    "MJOIN",
                    "AGGREGATED_EVENTS",
                    "ALL_EVENTS"));
    for (Map.Entry<List<Boolean>, List<String>> each : expected.entrySet()) {
      List<Boolean> s = each.getKey();
      try (TestServer server =
          TestServer.start(
              SocketIoOptions.builder().build(),
              io -> AdminUi.install(io, options(s.get(0), s.get(1), s.get(2))))) {
        RawSocketIoClient client =
            admin(server, "{\"username\":\"admin\",\"password\":\"secret\"}");
        String session = event(client, "session").getString(1);
        assertThat(session).hasSizeGreaterThanOrEqualTo(20);
        assertThat(event(client, "config").getJsonObject(1).getJsonArray("supportedFeatures"))
            .as("development, readonly, allowJoin = %s", s)
            .isEqualTo(new JsonArray(each.getValue()));
        RawSocketIoClient again = admin(server, "{\"sessionId\":\"" + session + "\"}");
        assertThat(event(again, "config")).isNotNull();
      }
    }
  }

  @Test
  void aJoinAskedByTheAdminPutsTheSocketInTheRoom() throws Exception {
    try (TestServer server =
        TestServer.start(
            SocketIoOptions.builder().build(),
            io -> AdminUi.install(io, options(true, false, true)))) {
      RawSocketIoClient.connect(webSockets, server.port(), true);
      String id = server.io().sockets().sockets().keySet().iterator().next();
      RawSocketIoClient client = admin(server, "{\"username\":\"admin\",\"password\":\"secret\"}");
      JsonArray all = event(client, "all_sockets").getJsonArray(1);
      assertThat(all.stream().map(s -> ((JsonObject) s).getString("id"))).contains(id);
      client.sendText("42/admin," + new JsonArray(List.of("join", "/", "team", id)).encode());
      JsonArray joined = event(client, "room_joined");
      assertThat(joined.getList().subList(1, 4)).containsExactly("/", "team", id);
      assertThat(server.io().sockets().socket(id).rooms()).contains("team");
    }
  }

  @Test
  void aClientEventsArgumentsReachTheAdminsOnlyWhenSmall() throws Exception {
    try (TestServer server =
        TestServer.start(
            SocketIoOptions.builder().build(),
            io -> AdminUi.install(io, options(true, false, false)))) {
      RawSocketIoClient client = admin(server, "{\"username\":\"admin\",\"password\":\"secret\"}");
      event(client, "all_sockets");
      RawSocketIoClient user = RawSocketIoClient.connect(webSockets, server.port(), true);
      String big = "x".repeat(SocketWatch.MAX_SHOWN_ARGS_CHARS + 1);
      user.sendText("42" + new JsonArray(List.of("big", big)).encode());
      user.sendText("42" + new JsonArray(List.of("small", "hello")).encode());
      JsonArray bigShown = event(client, "event_received").getJsonArray(3);
      assertThat(bigShown.getString(0)).isEqualTo("big");
      assertThat(bigShown.encode()).hasSizeLessThan(200).doesNotContain("xxx");
      assertThat(event(client, "event_received").getJsonArray(3))
          .isEqualTo(new JsonArray(List.of("small", "hello")));
    }
  }

  @Test
  void aSocketsViewLeavesOutCredentialsAndApplicationObjects() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Authorization", "Bearer secret-token")
            .add("Cookie", "session=secret")
            .add("User-Agent", "test")
            .add("X-Forwarded-For", "203.0.113.7");
    Handshake handshake =
        new Handshake(
            headers,
            new JsonObject().put("token", "secret-token"),
            "10.0.0.1",
            0,
            "/socket.io/?EIO=4&transport=websocket",
            false);
    RemoteSocket socket =
        new RemoteSocket() {
          @Override
          public String id() {
            return "abc~";
          }

          @Override
          public Handshake handshake() {
            return handshake;
          }

          @Override
          public Set<String> rooms() {
            return Set.of("abc~", "lobby");
          }

          @Override
          public Map<String, Object> data() {
            return Map.of(
                "userId",
                "u1",
                "session",
                new Object(),
                SocketView.ADMIN_DATA,
                Map.of("clientId", "0123456789ab", "transport", "polling"));
          }

          @Override
          public void emit(String event, Object... args) {}

          @Override
          public void join(String... rooms) {}

          @Override
          public void leave(String room) {}

          @Override
          public void disconnect(boolean close) {}
        };
    JsonObject view = SocketView.of(socket, "/");
    assertThat(view.getString("clientId")).isEqualTo("0123456789ab");
    assertThat(view.getString("transport")).isEqualTo("polling");
    assertThat(view.getJsonObject("data")).isEqualTo(new JsonObject().put("userId", "u1"));
    JsonObject shown = view.getJsonObject("handshake");
    assertThat(shown.getJsonObject("headers").fieldNames())
        .containsExactlyInAnyOrder("user-agent", "x-forwarded-for");
    assertThat(shown.getString("address")).isEqualTo("203.0.113.7");
    assertThat(shown.containsKey("auth")).isFalse();
    assertThat(shown.getJsonObject("query").getString("EIO")).isEqualTo("4");
    assertThat(view.encode()).doesNotContain("secret");
  }
}
