package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.testing.RawSocketIoClient;
import chat.nexus.socketio.testing.TestServer;
import chat.nexus.socketio.testing.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery keeps missed packets within a byte budget, not only a packet count:
 * over real websockets, a client that missed a few small messages gets them back, one that missed
 * more bytes than the budget is not recovered (a new session, nothing replayed, no gap).
 */
class RecoveryLogBytesTest {

  private static final long BUDGET = 200_000;

  /** Each is estimated at about 120 KB (two bytes a character), so the budget holds one at most. */
  private static final int BIG = 60_000;

  private static final long TIMEOUT_MS = 10_000;

  private static TestServer server;
  private static Vertx clientVertx;
  private static WebSocketClient webSockets;
  private final List<RawSocketIoClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    SocketIoOptions options =
        SocketIoOptions.builder()
            .maxDisconnectionDurationMs(SocketIoOptions.RECOMMENDED_MAX_DISCONNECTION_DURATION_MS)
            .maxRecoveryLogBytes(BUDGET)
            .build();
    server =
        TestServer.start(
            options,
            io ->
                io.onConnection(
                    socket -> {
                      socket.on(
                          "join",
                          event -> {
                            socket.join(event.args().getString(0));
                            event.ack("joined");
                          });
                      socket.on(
                          "shout",
                          event -> {
                            io.to(event.args().getString(0)).emit("msg", event.args().getString(1));
                            event.ack("shouted");
                          });
                    }));
    clientVertx = Vertx.vertx();
    webSockets =
        clientVertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxMessageSize(1_000_000).setMaxFrameSize(1_000_000));
  }

  @AfterAll
  static void stop() throws Exception {
    if (clientVertx != null) {
      clientVertx.close().await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void missedPacketsWithinTheBudgetAreReplayedBeyondItTheSessionStartsAfresh() throws Exception {
    RawSocketIoClient shouter = open(null);
    shouter.nextText(); // its CONNECT ack

    Session small = joinAndLeave("small", shouter);
    for (int i = 0; i < 3; i++) {
      shout(shouter, "small", "hello " + i);
    }
    RawSocketIoClient back = open(small);
    assertThat(sid(back.nextText())).as("recovered with the same id").isEqualTo(small.sid());
    for (int i = 0; i < 3; i++) {
      assertThat(new JsonArray(back.nextText().substring(2)).getString(1)).isEqualTo("hello " + i);
    }

    Session big = joinAndLeave("big", shouter);
    for (int i = 0; i < 4; i++) {
      shout(shouter, "big", String.valueOf(i).repeat(BIG));
    }
    RawSocketIoClient fresh = open(big);
    assertThat(sid(fresh.nextText()))
        .as("a new session: its offset fell out of the log")
        .isNotEqualTo(big.sid());
    assertThat(fresh.next(500)).as("nothing replayed").isNull();
  }

  private record Session(String sid, String pid, String offset) {}

  /** A client joins the room, learns its pid and the offset of one message, then disconnects. */
  private Session joinAndLeave(String room, RawSocketIoClient shouter) throws Exception {
    RawSocketIoClient client = open(null);
    JsonObject connected = new JsonObject(client.nextText().substring(2));
    client.sendText("420[\"join\",\"" + room + "\"]");
    assertThat(client.nextText()).isEqualTo("430[\"joined\"]");
    shout(shouter, room, "marker");
    JsonArray marker = new JsonArray(client.nextText().substring(2));
    String offset = marker.getString(marker.size() - 1);
    int before = server.io().sockets().sockets().size();
    client.close();
    Waits.until(
        () -> server.io().sockets().sockets().size() < before, "the server to see the socket go");
    return new Session(connected.getString("sid"), connected.getString("pid"), offset);
  }

  private static void shout(RawSocketIoClient shouter, String room, String text) throws Exception {
    shouter.sendText("421" + new JsonArray().add("shout").add(room).add(text).encode());
    assertThat(shouter.nextText()).isEqualTo("431[\"shouted\"]");
  }

  /**
   * A websocket session that sends CONNECT, with the recovery pair when {@code previous} is given.
   */
  private RawSocketIoClient open(Session previous) throws Exception {
    RawSocketIoClient client = RawSocketIoClient.connect(webSockets, server.port(), false);
    clients.add(client);
    if (previous == null) {
      client.sendText("40");
    } else {
      client.sendText(
          "40"
              + new JsonObject()
                  .put("pid", previous.pid())
                  .put("offset", previous.offset())
                  .encode());
    }
    return client;
  }

  private static String sid(String connectAck) {
    assertThat(connectAck).startsWith("40{");
    return new JsonObject(connectAck.substring(2)).getString("sid");
  }

  @org.junit.jupiter.api.AfterEach
  void closeClients() {
    clients.forEach(RawSocketIoClient::close);
  }
}
