package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.ServerProcess;
import chat.nexus.testing.Waits;
import io.socket.client.Ack;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash loses nothing acknowledged: a client sends messages one after the other, each as soon as
 * the previous one's ack is in; the server process gets SIGKILL in the callback of the last ack (no
 * shutdown hook runs, nothing is flushed); started again on the same data, every acknowledged
 * message is in the room's history with the id and text it was acknowledged with. On the embedded
 * H2 file and on PostgreSQL.
 */
class SigkillTest {

  private static final int MESSAGES = 300;
  private static final long SENDS_TIMEOUT_S = 120;

  @TempDir Path dataDir;

  @TempDir Path workDir;

  @Test
  void everyAckedMessageSurvivesSigkillOnH2() {
    sigkillRightAfterTheLastAck(Backend.H2);
  }

  @Test
  void everyAckedMessageSurvivesSigkillOnPostgres() {
    sigkillRightAfterTheLastAck(Backend.POSTGRES);
  }

  private void sigkillRightAfterTheLastAck(Backend backend) {
    String roomId = "crash-room";
    try (Backend.Prepared database = backend.prepare()) {
      Map<String, String> env = ServerProcess.env(dataDir, database.env());
      Map<String, JsonObject> acked = new ConcurrentHashMap<>(); // clientId -> acknowledged message
      String token;
      try (ServerProcess first = ServerProcess.start(workDir, env)) {
        token =
            first
                .rest()
                .post("/api/auth/guest", new JsonObject().put("name", "Crash"))
                .assertOk(201)
                .getString("token");
        try (Client client = Client.connect(first.url(), token)) {
          assertThat(
                  client.call("room:join", new JsonObject().put("roomId", roomId)).getBoolean("ok"))
              .isTrue();
          CompletableFuture<Void> killed = new CompletableFuture<>();
          AtomicInteger next = new AtomicInteger();
          Runnable[] sendNext = new Runnable[1];
          sendNext[0] =
              () -> {
                int i = next.getAndIncrement();
                String clientId = "k-" + i;
                JSONObject payload =
                    new JSONObject(
                        Map.of("roomId", roomId, "text", "crash " + i, "clientId", clientId));
                client
                    .socket()
                    .emit(
                        "message:send",
                        new Object[] {payload},
                        (Ack)
                            args -> {
                              JsonObject ack = new JsonObject(args[0].toString());
                              if (!Boolean.TRUE.equals(ack.getBoolean("ok"))) {
                                killed.completeExceptionally(
                                    new AssertionError("send " + i + " refused: " + ack));
                                return;
                              }
                              acked.put(clientId, ack.getJsonObject("message"));
                              if (i == MESSAGES - 1) {
                                first
                                    .process()
                                    .kill(); // SIGKILL, from the ack callback: nothing runs in
                                // between
                                killed.complete(null);
                              } else {
                                sendNext[0].run();
                              }
                            });
              };
          sendNext[0].run();
          Waits.get(killed, SENDS_TIMEOUT_S, MESSAGES + " acknowledged sends");
          assertThat(first.process().waitFor(30)).as("the exit status of SIGKILL").isEqualTo(137);
        }
      }
      assertThat(acked).hasSize(MESSAGES);

      try (ServerProcess second = ServerProcess.start(workDir, env)) {
        List<JsonObject> history = second.history(roomId, token);
        Map<String, JsonObject> stored = new HashMap<>();
        for (JsonObject m : history) {
          assertThat(stored.put(m.getString("clientId"), m)).as("stored twice: %s", m).isNull();
        }
        long missing = acked.keySet().stream().filter(id -> !stored.containsKey(id)).count();
        System.out.printf(
            "%s: %d acknowledged before SIGKILL, %d in history after the restart, %d missing%n",
            backend, acked.size(), stored.size(), missing);
        assertThat(missing)
            .as("acknowledged messages missing after SIGKILL and restart on %s", backend)
            .isZero();
        acked.forEach(
            (clientId, message) ->
                assertThat(stored.get(clientId)).as(clientId).isEqualTo(message));
      }
    }
  }
}
