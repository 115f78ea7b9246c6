package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.PostgresProcess;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerProcess;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped and started again under a server process while two users chat (a PostgreSQL of
 * the test's own on a free port: the shared one on 5432 is never touched). While it is down: every
 * send is answered UNAVAILABLE with retryAfter, quickly; history reads (socket and REST) too;
 * /ready says 503 quickly; a new user's handshake is refused "unavailable" (try again), never
 * "unauthorized". The log has one line for the outage and one for the recovery, and no stack trace.
 * When it is back, sends succeed again without a restart; no acknowledged message is missing, and
 * the refused sends, retried with their clientIds as the web client does, are stored once each and
 * reach the other user live.
 *
 * <p>The product answers within a second (pool wait 500 ms at most, then at once); the assertions
 * allow {@value #ANSWER_BOUND_MS} ms, a margin for a loaded 2-core box.
 */
class DatabaseOutageTest {

  /**
   * The bound asserted for acks and /ready during the outage: the 1 s promise with a margin for the
   * box.
   */
  static final long ANSWER_BOUND_MS = 2_000;

  /** The pace of each chatter's sends. */
  private static final long SEND_INTERVAL_MS = 25;

  /**
   * The phases of the traffic: before PostgreSQL stops, while it is down, after it is back. The
   * test sleeps through them on purpose: they are how long the traffic runs, not waits.
   */
  private static final long BEFORE_MS = 1_500;

  private static final long OUTAGE_MS = 4_000;
  private static final long AFTER_MS = 1_500;

  /**
   * Probe every 250 ms, then new connections: sends work again well within this of PostgreSQL's
   * return.
   */
  private static final long RECOVERY_BOUND_S = 10;

  /**
   * Longer than HikariCP's window (500 ms) in which a just-used connection is lent without a check.
   */
  private static final long IDLE_CHECK_MS = 1_000;

  @TempDir Path dataDir;

  @TempDir Path workDir;

  /** One send: when it left, when (and how) it was answered. */
  private record Sent(
      String clientId, long sentNanos, CompletableFuture<JsonObject> ack, long[] ackedNanos) {
    long ackMs() {
      return TimeUnit.NANOSECONDS.toMillis(ackedNanos[0] - sentNanos);
    }
  }

  /** A client sending every SEND_INTERVAL_MS, and what it heard from the other. */
  private static final class Chatter {
    final String name;
    final Client client;
    final String roomId;
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final Set<Long> heard = ConcurrentHashMap.newKeySet();
    final AtomicInteger next = new AtomicInteger();
    final AtomicBoolean sending = new AtomicBoolean(true);
    final Thread thread;

    Chatter(String name, Client client, String roomId) {
      this.name = name;
      this.client = client;
      this.roomId = roomId;
      client
          .socket()
          .on("message:new", args -> heard.add(new JsonObject(args[0].toString()).getLong("id")));
      thread = new Thread(this::run, "sender-" + name);
    }

    void run() {
      while (sending.get()) {
        send(name + "-" + next.getAndIncrement());
        try {
          Thread.sleep(SEND_INTERVAL_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    Sent send(String clientId) {
      long[] acked = new long[1];
      long now = System.nanoTime();
      CompletableFuture<JsonObject> ack =
          client
              .callAsync(
                  "message:send",
                  new JsonObject()
                      .put("roomId", roomId)
                      .put("text", "text of " + clientId)
                      .put("clientId", clientId))
              .whenComplete((a, e) -> acked[0] = System.nanoTime());
      Sent s = new Sent(clientId, now, ack, acked);
      sent.add(s);
      return s;
    }

    void stop() throws InterruptedException {
      sending.set(false);
      thread.join();
    }
  }

  @Test
  void postgresStoppedAndStartedMidTraffic() throws Exception {
    try (PostgresProcess pg = PostgresProcess.create()) {
      pg.start();
      Map<String, String> env =
          ServerProcess.env(dataDir, Map.of("DATABASE_URL", pg.jdbcUrl(), "DB_POOL_SIZE", "8"));
      try (ServerProcess server = ServerProcess.start(workDir, env)) {
        Rest rest = server.rest();
        String roomId = "outage-room";
        JsonObject ann =
            rest.post("/api/auth/guest", new JsonObject().put("name", "Ann")).assertOk(201);
        JsonObject bob =
            rest.post("/api/auth/guest", new JsonObject().put("name", "Bob")).assertOk(201);
        try (Client a = Client.connect(server.url(), ann.getString("token"));
            Client b = Client.connect(server.url(), bob.getString("token"))) {
          Chatter annChat = new Chatter("ann", a, roomId);
          Chatter bobChat = new Chatter("bob", b, roomId);
          for (Chatter c : List.of(annChat, bobChat)) {
            assertThat(
                    c.client
                        .call("room:join", new JsonObject().put("roomId", roomId))
                        .getBoolean("ok"))
                .isTrue();
          }
          annChat.thread.start();
          bobChat.thread.start();
          Thread.sleep(BEFORE_MS);

          int outageLines = count(server.process().output(), "database unreachable");
          pg.stop();
          long stoppedNanos = System.nanoTime();
          Thread.sleep(OUTAGE_MS / 4);

          // While it is down: /ready, history over the socket and over REST answer at once.
          long t0 = System.nanoTime();
          Rest.Response ready = rest.get("/ready");
          long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          t0 = System.nanoTime();
          JsonObject history = a.call("history", new JsonObject().put("roomId", roomId));
          long historyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          t0 = System.nanoTime();
          Rest.Response restHistory =
              rest.get("/api/rooms/" + roomId + "/messages", ann.getString("token"));
          long restHistoryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          // A user the node has not seen yet cannot be checked: "unavailable" (try again), not
          // "unauthorized".
          JsonObject handshake =
              Client.connectError(
                  server.url(),
                  Map.of(
                      "token",
                      Jwt.sign(
                          TestServer.SECRET,
                          Jwt.supabaseClaims("outage-newcomer", "Newcomer", 600))));
          Thread.sleep(OUTAGE_MS * 3 / 4);

          // Down until pg.start() begins: it returns once PostgreSQL answers, and a send made while
          // it waits for that may rightly be stored.
          long startingNanos = System.nanoTime();
          pg.start();
          long restartedNanos = System.nanoTime();
          // Sends work again by themselves.
          Sent probe =
              Waits.until(
                  () -> {
                    Sent s = annChat.sent.get(annChat.sent.size() - 1);
                    JsonObject ack = s.ack().getNow(null);
                    return s.sentNanos() > restartedNanos
                            && ack != null
                            && Boolean.TRUE.equals(ack.getBoolean("ok"))
                        ? s
                        : null;
                  },
                  "a send to succeed after PostgreSQL is back");
          long recoveredMs = TimeUnit.NANOSECONDS.toMillis(probe.sentNanos() - restartedNanos);
          Thread.sleep(AFTER_MS);
          annChat.stop();
          bobChat.stop();

          // Every send answered, none INTERNAL; those sent while it was down refused quickly, with
          // retryAfter.
          List<Sent> all = new ArrayList<>(annChat.sent);
          all.addAll(bobChat.sent);
          int refused = 0;
          long slowest = 0;
          for (Sent s : all) {
            JsonObject ack = Waits.get(s.ack(), "the ack of " + s.clientId());
            if (!Boolean.TRUE.equals(ack.getBoolean("ok"))) {
              refused++;
              Rest.assertErrorShape(ack, "UNAVAILABLE");
              assertThat(ack.getJsonObject("error").getLong("retryAfter"))
                  .as(ack.encode())
                  .isPositive();
            }
            if (s.sentNanos() > stoppedNanos && s.sentNanos() < startingNanos) {
              assertThat(ack.getBoolean("ok"))
                  .as("sent while PostgreSQL was down: %s", ack)
                  .isFalse();
              slowest = Math.max(slowest, s.ackMs());
            }
          }
          String output = server.process().output();
          System.out.printf(
              "outage: %d sends, %d refused; slowest refusal %d ms; /ready %d ms, history %d ms, REST history %d ms;"
                  + " sends work again %d ms after PostgreSQL's start%n",
              all.size(), refused, slowest, readyMs, historyMs, restHistoryMs, recoveredMs);
          System.out.println("---- server output ----\n" + output + "\n----");
          assertThat(refused).as("sends refused during the outage").isPositive();
          assertThat(slowest)
              .as("the slowest refusal while PostgreSQL was down (ms)")
              .isLessThanOrEqualTo(ANSWER_BOUND_MS);
          assertThat(ready.status()).as("/ready while down: %s", ready).isEqualTo(503);
          assertThat(readyMs)
              .as("/ready's answer time while down (ms)")
              .isLessThanOrEqualTo(ANSWER_BOUND_MS);
          Rest.assertErrorShape(history, "UNAVAILABLE");
          assertThat(historyMs)
              .as("history ack while down (ms)")
              .isLessThanOrEqualTo(ANSWER_BOUND_MS);
          assertThat(handshake.getString("message"))
              .as("connect_error while down: %s", handshake)
              .isEqualTo("unavailable");
          assertThat(handshake.getJsonObject("data").getString("code")).isEqualTo("UNAVAILABLE");
          assertThat(handshake.getJsonObject("data").getLong("retryAfter")).isPositive();
          restHistory.assertError(503, "UNAVAILABLE");
          assertThat(restHistory.header("Retry-After")).isNotNull();
          assertThat(restHistoryMs)
              .as("REST history while down (ms)")
              .isLessThanOrEqualTo(ANSWER_BOUND_MS);
          assertThat(recoveredMs)
              .as("sends work again after PostgreSQL's return (ms)")
              .isLessThanOrEqualTo(TimeUnit.SECONDS.toMillis(RECOVERY_BOUND_S));
          assertThat(rest.get("/ready").status()).isEqualTo(200);

          // The log: one line when the outage began, one when it ended; no stack trace, no error
          // line.
          assertThat(outageLines).as("no outage line before PostgreSQL stopped").isZero();
          assertThat(count(output, "database unreachable")).as("outage lines").isEqualTo(1);
          assertThat(count(output, "database reachable again")).as("recovery lines").isEqualTo(1);
          assertThat(output).as("no stack trace").doesNotContain("\tat ");
          List<String> loud =
              output
                  .lines()
                  .filter(
                      l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("SEVERE"))
                  .toList();
          assertThat(loud).as("warnings and errors in the log").hasSize(1);
          assertThat(loud.get(0)).contains("database unreachable");

          // The refused sends, retried with their clientIds: stored once each.
          Map<String, Long> stored = new HashMap<>();
          for (Chatter c : List.of(annChat, bobChat)) {
            for (Sent s : c.sent) {
              JsonObject ack = s.ack().join();
              if (!Boolean.TRUE.equals(ack.getBoolean("ok"))) {
                Sent retry = c.send(s.clientId());
                ack = Waits.get(retry.ack(), "the retry of " + s.clientId());
                assertThat(ack.getBoolean("ok")).as("retry of %s: %s", s.clientId(), ack).isTrue();
              }
              stored.put(s.clientId(), ack.getJsonObject("message").getLong("id"));
            }
          }
          Map<String, Long> inHistory = new HashMap<>();
          for (JsonObject m : server.history(roomId, ann.getString("token"))) {
            assertThat(inHistory.put(m.getString("clientId"), m.getLong("id")))
                .as("stored twice: %s", m)
                .isNull();
          }
          assertThat(inHistory)
              .as("every acknowledged message is stored, with its id")
              .containsAllEntriesOf(stored);
          assertThat(inHistory).hasSameSizeAs(stored);
          // ... and reached the other user live, also those whose first ack was an error.
          for (Long id : annChat.sent.stream().map(s -> stored.get(s.clientId())).toList()) {
            Waits.until(
                () -> bobChat.heard.contains(id) ? id : null, "bob to hear ann's message " + id);
          }
          for (Long id : bobChat.sent.stream().map(s -> stored.get(s.clientId())).toList()) {
            Waits.until(
                () -> annChat.heard.contains(id) ? id : null, "ann to hear bob's message " + id);
          }
        }
      }
    }
  }

  @Test
  void readyNoticesAnOutageByItself() throws InterruptedException {
    try (PostgresProcess pg = PostgresProcess.create()) {
      pg.start();
      Map<String, String> env =
          ServerProcess.env(dataDir, Map.of("DATABASE_URL", pg.jdbcUrl(), "DB_POOL_SIZE", "8"));
      try (ServerProcess server = ServerProcess.start(workDir, env)) {
        Rest rest = server.rest();
        assertThat(rest.get("/ready").status()).isEqualTo(200);
        pg.stop(); // no traffic: /ready is the first to find out
        // Past HikariCP's 500 ms in which a connection used just before is handed out unchecked:
        // the pool
        // now checks its idle connections, finds them all broken and tries to connect, as it would
        // after
        // any quiet spell.
        Thread.sleep(IDLE_CHECK_MS);
        long t0 = System.nanoTime();
        Rest.Response ready = rest.get("/ready");
        long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf(
            "/ready answered %d in %d ms as the first request of the outage%n",
            ready.status(), readyMs);
        assertThat(ready.status()).as("/ready: %s", ready).isEqualTo(503);
        assertThat(ready.json().getString("database")).isEqualTo("down");
        assertThat(readyMs).as("/ready's answer time (ms)").isLessThanOrEqualTo(ANSWER_BOUND_MS);
        pg.start();
        Waits.until(
            () -> rest.get("/ready").status() == 200 ? true : null, "/ready to say 200 again");
        assertThat(count(server.process().output(), "database reachable again")).isEqualTo(1);
      }
    }
  }

  private static int count(String text, String needle) {
    return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
  }
}
