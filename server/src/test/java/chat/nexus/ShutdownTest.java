package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerProcess;
import chat.nexus.testing.Waits;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown of the real process: SIGTERM while a client sends as fast as its acks come
 * back; after a restart on the same data, every acknowledged message is stored, once, with the id
 * it was acknowledged with; and the clients were disconnected in a way that makes them reconnect.
 *
 * <p>Both official clients are on websocket: the Java one sends, the JavaScript one
 * (src/test/js/reconnects.mjs) only watches. engine.io-client-java 2.1.0 never answers a close
 * frame (its OkHttp listener has no onClosing) and would only notice a shutdown at its ping timeout
 * (45 s), so on shutdown the server ends websockets without one; this test holds it to that.
 */
class ShutdownTest {

  private static final int MESSAGES = 300;
  private static final int SIGTERM_AFTER = 100;
  private static final Path RECONNECTS = Path.of("src", "test", "js", "reconnects.mjs");

  @TempDir Path dataDir;

  @TempDir Path workDir;

  private ServerProcess startServer() {
    return ServerProcess.start(workDir, ServerProcess.env(dataDir, Map.of()));
  }

  @Test
  void sigtermLosesNoAcknowledgedMessage() {
    String roomId = "shutdown-room";
    Map<String, Long> acked = new ConcurrentHashMap<>(); // clientId -> id
    List<JsonObject> refused = new CopyOnWriteArrayList<>();
    String token;
    String javaReason;
    JsonObject nodeSaw;
    try (ServerProcess first = startServer()) {
      token =
          new Rest(first.url())
              .post("/api/auth/guest", new JsonObject().put("name", "Steady"))
              .assertOk(201)
              .getString("token");

      IO.Options opts = Client.options(token);
      opts.transports = new String[] {"websocket"};
      opts.reconnection =
          true; // as browsers do: the point is whether the disconnect lets it reconnect
      opts.reconnectionDelay = 100;
      opts.reconnectionDelayMax = 200;
      CompletableFuture<String> reconnecting = new CompletableFuture<>();
      try (Client client =
              Client.connect(
                  first.url(),
                  opts,
                  c ->
                      c.socket()
                          .io()
                          .on(
                              Manager.EVENT_RECONNECT_ATTEMPT,
                              args -> reconnecting.complete("reconnect_attempt")));
          ChildProcess node =
              ChildProcess.node(
                  workDir, Map.of("NEXUS_URL", first.url(), "NEXUS_TOKEN", token), RECONNECTS)) {
        Waits.get(
            node.line(l -> l.contains("\"connected\"")),
            30,
            "the node websocket client to connect");
        assertThat(
                client.call("room:join", new JsonObject().put("roomId", roomId)).getBoolean("ok"))
            .isTrue();

        CompletableFuture<Integer> halfway = new CompletableFuture<>();
        CompletableFuture<Integer> allSent = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        Runnable[] sendNext = new Runnable[1];
        sendNext[0] =
            () -> {
              int i = next.getAndIncrement();
              if (i >= MESSAGES) {
                allSent.complete(i);
                return;
              }
              String clientId = "s-" + i;
              JSONObject payload =
                  json(
                      new JsonObject()
                          .put("roomId", roomId)
                          .put("text", "m" + i)
                          .put("clientId", clientId));
              client
                  .socket()
                  .emit(
                      "message:send",
                      new Object[] {payload},
                      (Ack)
                          args -> {
                            JsonObject ack = new JsonObject(args[0].toString());
                            if (Boolean.TRUE.equals(ack.getBoolean("ok"))) {
                              acked.put(clientId, ack.getJsonObject("message").getLong("id"));
                              if (acked.size() == SIGTERM_AFTER) {
                                halfway.complete(i);
                              }
                            } else {
                              refused.add(ack);
                            }
                            sendNext[0]
                                .run(); // from the ack callback: the next send leaves as soon as
                            // this ack is in
                          });
            };
        sendNext[0].run();

        Waits.get(halfway, 60, SIGTERM_AFTER + " acks");
        first.process().terminate(); // SIGTERM
        int exitCode = first.process().waitFor(60);
        String output = first.process().output();
        System.out.println("---- first server's output ----\n" + output + "\n----");
        assertThat(exitCode).as("exit code after SIGTERM:\n%s", output).isIn(0, 143);
        assertThat(output).contains("stopping: storing queued messages").contains("stopped");
        assertThat(allSent).as("SIGTERM came in the middle of the sends").isNotDone();

        javaReason = Waits.get(client.disconnected(), 30, "the Java client to be disconnected");
        Waits.get(reconnecting, "the Java client to try to reconnect");
        String nodeLine =
            Waits.get(
                node.line(l -> l.contains("reconnectAttempt") || l.contains("error")),
                30,
                "the node client to report its disconnection");
        nodeSaw = new JsonObject(nodeLine);
      }
    }
    System.out.printf(
        "shutdown: %d acknowledged, %d refused while stopping; java client: %s; node client: %s%n",
        acked.size(), refused.size(), javaReason, nodeSaw.encode());
    assertThat(javaReason)
        .as("a disconnect the client recovers from by reconnecting")
        .isNotEqualTo("io server disconnect")
        .isIn("transport close", "transport error");
    assertThat(nodeSaw.getString("reason"))
        .as("websocket client: %s", nodeSaw)
        .isNotEqualTo("io server disconnect")
        .isIn("transport close", "transport error");
    assertThat(nodeSaw.getBoolean("active"))
        .as("the node client stays active (reconnecting)")
        .isTrue();
    assertThat(acked).hasSizeGreaterThanOrEqualTo(SIGTERM_AFTER);
    for (JsonObject error : refused) {
      Rest.assertErrorShape(error, "UNAVAILABLE");
      assertThat(error.getJsonObject("error").getLong("retryAfter")).isPositive();
    }

    try (ServerProcess second = startServer()) {
      Rest rest = new Rest(second.url());
      Map<String, Long> stored = new HashMap<>(); // clientId -> id
      Long before = null;
      while (true) {
        JsonArray page =
            rest.get(
                    "/api/rooms/"
                        + roomId
                        + "/messages?limit=100"
                        + (before == null ? "" : "&before=" + before),
                    token)
                .assertOk(200)
                .getJsonArray("messages");
        if (page.isEmpty()) {
          break;
        }
        for (int i = 0; i < page.size(); i++) {
          JsonObject m = page.getJsonObject(i);
          String clientId = m.getString("clientId");
          assertThat(m.getString("text")).isEqualTo("m" + clientId.substring(2));
          assertThat(stored.put(clientId, m.getLong("id")))
              .as("stored twice: %s", clientId)
              .isNull();
          before = m.getLong("id");
        }
      }
      assertThat(stored)
          .as("every acknowledged message survived the restart, with its id")
          .containsAllEntriesOf(acked);
      System.out.printf("after restart: %d stored%n", stored.size());
      assertThat(stored.size())
          .as("stored but not acknowledged: at most the one in flight")
          .isLessThanOrEqualTo(acked.size() + 1);
      second.process().terminate();
      assertThat(second.process().waitFor(60)).isIn(0, 143);
    }
  }

  private static JSONObject json(JsonObject json) {
    try {
      return new JSONObject(json.encode());
    } catch (org.json.JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
