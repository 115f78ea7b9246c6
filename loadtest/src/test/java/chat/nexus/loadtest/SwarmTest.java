package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the swarm against a minimal in-test Engine.IO/Socket.IO server that speaks both the bare
 * fan-out events and the chat contract (JWT auth, room:join, message:send acks, message:new to the
 * others).
 */
class SwarmTest {
  private static final Pattern ROOM = Pattern.compile("\"room\":\"(r\\d+)\"");
  private static final Pattern ROOM_ID = Pattern.compile("\"roomId\":\"(r\\d+)\"");
  private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
  private static final Pattern SEND =
      Pattern.compile("^42(\\d+)\\[\"message:send\",(\\{.*\\})\\]$");
  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

  /** The chat server fails every 5th message:send with UNAVAILABLE and delivers nothing for it. */
  private static final int FAIL_EVERY = 5;

  /** Sending before the measured window, and the window. */
  private static final long WARMUP_MS = 200;

  private static final long WINDOW_MS = 1_000;

  /** After the window, for the sends of its last tick to be counted. */
  private static final long SETTLE_MS = 100;

  /** The longest a test waits for the swarm's counts, and how often it looks. */
  private static final long WAIT_S = 10;

  private static final long POLL_MS = 20;

  private Vertx vertx;
  private HttpServer server;
  private final Map<String, List<ServerWebSocket>> rooms = new HashMap<>();
  private int pongs;
  private int chatSends;

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    server =
        vertx
            .createHttpServer()
            .webSocketHandler(this::accept)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get();
  }

  @AfterEach
  void stopServer() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private void accept(ServerWebSocket ws) {
    ws.writeTextMessage(
        "0{\"sid\":\"s\",\"upgrades\":[],\"pingInterval\":100,\"pingTimeout\":1000,\"maxPayload\":1000000}");
    long ping = vertx.setPeriodic(100, id -> ws.writeTextMessage("2"));
    ws.closeHandler(v -> vertx.cancelTimer(ping));
    ws.textMessageHandler(
        text -> {
          if (text.equals("3")) {
            pongs++;
          } else if (text.startsWith("40")) {
            Matcher token = TOKEN.matcher(text);
            if (token.find() && !validToken(token.group(1))) {
              ws.writeTextMessage("44{\"message\":\"unauthorized\"}");
              return;
            }
            Matcher m = ROOM.matcher(text);
            if (m.find()) join(m.group(1), ws);
            ws.writeTextMessage("40{\"sid\":\"x\"}");
          } else if (text.startsWith("42[\"send\",")) {
            String data = text.substring("42[\"send\",".length(), text.length() - 1);
            Matcher m = ROOM.matcher(data);
            m.find();
            for (ServerWebSocket member : rooms.getOrDefault(m.group(1), List.of())) {
              member.writeTextMessage("42[\"msg\"," + data + "]");
            }
          } else if (text.startsWith("420[\"room:join\",")) {
            Matcher m = ROOM_ID.matcher(text);
            m.find();
            join(m.group(1), ws);
            ws.writeTextMessage(
                "430[{\"ok\":true,\"roomId\":\"" + m.group(1) + "\",\"members\":[]}]");
          } else if (SEND.matcher(text).matches()) {
            Matcher s = SEND.matcher(text);
            s.matches();
            if (++chatSends % FAIL_EVERY == 0) {
              ws.writeTextMessage(
                  "43"
                      + s.group(1)
                      + "[{\"ok\":false,\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"busy\",\"retryAfter\":1}}]");
              return;
            }
            Matcher m = ROOM_ID.matcher(s.group(2));
            m.find();
            String message = "{\"id\":" + chatSends + "," + s.group(2).substring(1);
            ws.writeTextMessage("43" + s.group(1) + "[{\"message\":" + message + ",\"ok\":true}]");
            for (ServerWebSocket member : rooms.getOrDefault(m.group(1), List.of())) {
              if (member != ws)
                member.writeTextMessage(
                    "42[\"message:new\"," + message + ",\"" + chatSends + "-0\"]");
            }
          }
        });
  }

  private void join(String room, ServerWebSocket ws) {
    rooms.computeIfAbsent(room, k -> new ArrayList<>()).add(ws);
  }

  private static boolean validToken(String token) {
    try {
      String[] p = token.split("\\.");
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sig = mac.doFinal((p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII));
      return p[2].equals(Base64.getUrlEncoder().withoutPadding().encodeToString(sig));
    } catch (Exception e) {
      return false;
    }
  }

  private Spec spec(int clients, int rooms, double rate, Protocol protocol) {
    return new Spec(
        "127.0.0.1",
        server.actualPort(),
        "/socket.io/",
        clients,
        0,
        1,
        rooms,
        1000,
        List.of(),
        2,
        100,
        5000,
        rate,
        100,
        protocol,
        null,
        false);
  }

  /** The first snapshot that says every connection is ready or failed; at most 10 s. */
  private static Stats awaitReady(Swarm swarm) throws InterruptedException {
    return snapshotWhen(swarm, s -> s.ready);
  }

  /**
   * Sends for {@link #WINDOW_MS} after {@link #WARMUP_MS} of warm-up, then waits until {@code done}
   * (what was sent has arrived) or 10 s more.
   */
  private static Stats runOneSecond(Swarm swarm, Predicate<Stats> done)
      throws InterruptedException {
    long start = Time.nowMicros() + WARMUP_MS * 1000;
    swarm.go(start, start + WINDOW_MS * 1000);
    // the point: the warm-up and the measured window run their course before anything is read
    Thread.sleep(WARMUP_MS + WINDOW_MS + SETTLE_MS);
    return snapshotWhen(swarm, done);
  }

  /**
   * The first snapshot that {@code done} accepts, or the last one after 10 s (a slow machine may
   * need them), for the assertions to tell what is missing.
   */
  private static Stats snapshotWhen(Swarm swarm, Predicate<Stats> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    Stats s = swarm.snapshot(false);
    while (!done.test(s) && System.nanoTime() < deadline) {
      Thread.sleep(POLL_MS);
      s = swarm.snapshot(false);
    }
    return s;
  }

  @Test
  void everyMessageReachesItsWholeRoomAndPingsAreAnswered() throws Exception {
    Swarm swarm = new Swarm(spec(60, 6, 200, new BareProtocol(6, 100)));
    try {
      swarm.start();
      Stats ready = awaitReady(swarm);
      assertThat(ready.ready).isTrue();
      assertThat(ready.connected).isEqualTo(60);
      assertThat(ready.members).containsOnly(10);

      Stats s = runOneSecond(swarm, st -> st.delivered >= st.expected(true));
      assertThat(s.sent).isBetween(150L, 250L);
      assertThat(s.expected(true)).isEqualTo(s.sent * 10);
      assertThat(s.delivered).isEqualTo(s.expected(true));
      assertThat(s.hist.getTotalCount()).isEqualTo(s.delivered);
      assertThat(s.sentAll).isGreaterThan(s.sent); // warm-up messages were sent but not measured
      assertThat(s.pongs).isPositive();
      assertThat(s.failed).isZero();
      assertThat(s.acksAll).isZero();
    } finally {
      swarm.close();
    }
  }

  @Test
  void chatClientsJoinAckedAndMessagesReachTheOtherMembers() throws Exception {
    Swarm swarm = new Swarm(spec(60, 6, 200, new ChatProtocol(SECRET, 0, 6, 100)));
    try {
      swarm.start();
      Stats ready = awaitReady(swarm);
      assertThat(ready.ready).isTrue();
      assertThat(ready.connected).isEqualTo(60);
      assertThat(ready.members).containsOnly(10); // ready only once room:join was acked

      Stats s =
          runOneSecond(
              swarm, st -> st.acksOk + st.ackErrors >= st.sent && st.delivered >= 9 * st.acksOk);
      assertThat(s.sent).isBetween(150L, 250L);
      assertThat(s.acksOk + s.ackErrors).isEqualTo(s.sent);
      assertThat(s.acksMissing()).isZero();
      assertThat(s.ackErrors).isPositive();
      assertThat(s.ackCodes)
          .containsOnlyKeys("UNAVAILABLE")
          .containsEntry("UNAVAILABLE", s.ackErrors);
      assertThat(s.ackHist.getTotalCount()).isEqualTo(s.acksOk);
      assertThat(s.expected(false)).isEqualTo(s.sent * 9); // everyone in the room but the sender
      assertThat(s.delivered).isEqualTo(9 * s.acksOk); // failed sends are not delivered
      assertThat(s.hist.getTotalCount()).isEqualTo(s.delivered);
      assertThat(s.bad).isZero();
      assertThat(s.failed).isZero();
    } finally {
      swarm.close();
    }
  }

  @Test
  void aWrongSecretIsAConnectError() throws Exception {
    Swarm swarm = new Swarm(spec(5, 1, 0, new ChatProtocol("not-the-secret", 0, 1, 100)));
    try {
      swarm.start();
      Stats s = awaitReady(swarm);
      assertThat(s.ready).isTrue();
      assertThat(s.connected).isZero();
      assertThat(s.failed).isEqualTo(5);
      assertThat(s.connectErrors).containsExactly(Map.entry("connect:unauthorized", 5L));
    } finally {
      swarm.close();
    }
  }
}
