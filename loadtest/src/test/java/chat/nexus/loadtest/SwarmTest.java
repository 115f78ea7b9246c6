package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the swarm against a minimal in-test Engine.IO/Socket.IO room fan-out server. */
class SwarmTest {
  private static final Pattern ROOM = Pattern.compile("\"room\":\"(r\\d+)\"");
  private Vertx vertx;
  private HttpServer server;
  private final Map<String, List<ServerWebSocket>> rooms = new HashMap<>();
  private int pongs;

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    server = vertx.createHttpServer().webSocketHandler(this::accept).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get();
  }

  @AfterEach
  void stopServer() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private void accept(ServerWebSocket ws) {
    ws.writeTextMessage("0{\"sid\":\"s\",\"upgrades\":[],\"pingInterval\":100,\"pingTimeout\":1000,\"maxPayload\":1000000}");
    long ping = vertx.setPeriodic(100, id -> ws.writeTextMessage("2"));
    ws.closeHandler(v -> vertx.cancelTimer(ping));
    ws.textMessageHandler(text -> {
      if (text.equals("3")) {
        pongs++;
      } else if (text.startsWith("40")) {
        Matcher m = ROOM.matcher(text);
        if (m.find()) rooms.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(ws);
        ws.writeTextMessage("40{\"sid\":\"x\"}");
      } else if (text.startsWith("42[\"send\",")) {
        String data = text.substring("42[\"send\",".length(), text.length() - 1);
        Matcher m = ROOM.matcher(data);
        m.find();
        for (ServerWebSocket member : rooms.getOrDefault(m.group(1), List.of())) {
          member.writeTextMessage("42[\"msg\"," + data + "]");
        }
      }
    });
  }

  @Test
  void everyMessageReachesItsWholeRoomAndPingsAreAnswered() throws Exception {
    Spec spec = new Spec("127.0.0.1", server.actualPort(), "/socket.io/", 60, 0, 6, 1000,
        List.of(), 2, 100, 5000, 200, 100);
    Swarm swarm = new Swarm(spec);
    try {
      swarm.start();
      long deadline = System.currentTimeMillis() + 10_000;
      while (!swarm.snapshot(false).ready && System.currentTimeMillis() < deadline) Thread.sleep(20);
      Stats ready = swarm.snapshot(false);
      assertThat(ready.ready).isTrue();
      assertThat(ready.connected).isEqualTo(60);
      assertThat(ready.members).containsOnly(10);

      long start = Time.nowMicros() + 200_000;
      swarm.go(start, start + 1_000_000);
      Thread.sleep(1_300);
      Stats s = swarm.snapshot(false);
      for (int i = 0; i < 100 && s.delivered < s.expected(); i++) { // allow a slow machine to catch up
        Thread.sleep(100);
        s = swarm.snapshot(false);
      }
      assertThat(s.sent).isBetween(150L, 250L);
      assertThat(s.expected()).isEqualTo(s.sent * 10);
      assertThat(s.delivered).isEqualTo(s.expected());
      assertThat(s.hist.getTotalCount()).isEqualTo(s.delivered);
      assertThat(s.sentAll).isGreaterThan(s.sent); // warm-up messages were sent but not measured
      assertThat(s.pongs).isPositive();
      assertThat(s.failed).isZero();
    } finally {
      swarm.close();
    }
  }
}
