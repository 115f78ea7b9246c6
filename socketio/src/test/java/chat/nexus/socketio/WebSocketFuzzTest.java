package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.testing.RawSocketIoClient;
import chat.nexus.socketio.testing.TestServer;
import chat.nexus.socketio.testing.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10,000 random byte strings sent as websocket messages (text and binary) by a few concurrent lanes
 * of connected Socket.IO clients. After each message the lane sends an echo: the connection must
 * either be closed by the server or still answer. The server must survive, keep serving a healthy
 * client that was connected all along, and leak no session. The seed is printed; rerun one with
 * -Dfuzz.seed=N.
 */
class WebSocketFuzzTest {

  private static final int MESSAGES = 10_000;
  private static final int LANES = 8;
  private static final long PROBE_TIMEOUT_MS = 3_000;

  @Test
  void randomMessages() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println(
        "WebSocketFuzzTest seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    SocketIoOptions.Builder options = SocketIoOptions.builder().connectTimeoutMs(5_000);
    options.engine().maxPayload(BadInputTest.MAX_PAYLOAD);
    Vertx clientVertx = Vertx.vertx();
    ExecutorService lanes = Executors.newFixedThreadPool(LANES);
    try (TestServer server = TestServer.start(options.build(), BadInputTest::echoApp)) {
      WebSocketClient client =
          clientVertx.createWebSocketClient(
              new WebSocketClientOptions().setMaxMessageSize(1_000_000));
      try (RawSocketIoClient healthy = RawSocketIoClient.connect(client, server.port(), true)) {
        healthy.assertEchoes("before");
        AtomicInteger remaining = new AtomicInteger(MESSAGES);
        AtomicInteger closedByServer = new AtomicInteger();
        AtomicInteger survived = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int lane = 0; lane < LANES; lane++) {
          Random random = new Random(seed + lane);
          running.add(
              lanes.submit(
                  () -> {
                    RawSocketIoClient raw = null;
                    try {
                      int n;
                      while ((n = remaining.getAndDecrement()) > 0) {
                        if (raw == null) {
                          raw = RawSocketIoClient.connect(client, server.port(), true);
                        }
                        sendRandom(raw, random);
                        if (raw.echoes("probe-" + n, PROBE_TIMEOUT_MS)) {
                          survived.incrementAndGet();
                        } else {
                          if (raw.awaitClose(PROBE_TIMEOUT_MS)) {
                            closedByServer.incrementAndGet();
                          } else {
                            unanswered
                                .incrementAndGet(); // e.g. a random "41": the namespace was left,
                            // the echo is ignored
                          }
                          raw.close();
                          raw = null;
                        }
                      }
                    } finally {
                      if (raw != null) {
                        raw.close();
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> lane : running) {
          lane.get(5, TimeUnit.MINUTES);
        }
        System.out.printf(
            "  closed by server: %d, survived: %d, unanswered: %d%n",
            closedByServer.get(), survived.get(), unanswered.get());
        assertThat(closedByServer.get() + survived.get() + unanswered.get()).isEqualTo(MESSAGES);
        assertThat(unanswered.get())
            .as("seed %d: connections neither answering nor closed", seed)
            .isLessThan(MESSAGES / 100);

        assertThat(healthy.isClosed()).isFalse();
        healthy.assertEchoes("after");
        // every fuzzing session is gone; only the healthy one is left
        Waits.until(
            () -> server.io().engine().clientsCount() <= 1, "the fuzzing sessions to be gone");
        assertThat(server.io().engine().clientsCount()).as("open engine sessions").isEqualTo(1);
        assertThat(server.io().sockets().sockets()).hasSize(1);
      }
    } finally {
      lanes.shutdownNow();
      clientVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Random bytes: half as binary messages, half decoded as UTF-8 text, a quarter of those behind
   * "4".
   */
  private static void sendRandom(RawSocketIoClient raw, Random random) {
    byte[] bytes = new byte[random.nextInt(64)];
    random.nextBytes(bytes);
    if (random.nextBoolean()) {
      raw.sendBinary(Buffer.buffer(bytes));
    } else {
      String text = new String(bytes, StandardCharsets.UTF_8);
      raw.sendText(random.nextInt(4) == 0 ? "4" + text : text);
    }
  }
}
