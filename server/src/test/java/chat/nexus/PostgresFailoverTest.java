package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.ReplicatedPostgres;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL primary killed (SIGKILL) under two chatting users, its synchronous streaming
 * replica promoted, and a server whose multi-host DATABASE_URL names both. Between the kill and the
 * promotion every send is refused UNAVAILABLE with retryAfter, quickly; after it, sends succeed
 * again on the same sockets (no reconnect, no reload). Every acknowledged message is on the
 * promoted server, with the id its ack gave; the refused ones, retried with their clientIds, are
 * stored once each. The figures (time to refuse, time until sends succeed again) are printed for
 * BENCHMARKS.md.
 */
class PostgresFailoverTest {

  /** The 1 s promise for a refusal, with a margin for a loaded 2-core box. */
  private static final long ANSWER_BOUND_MS = 2_000;

  private static final long SEND_INTERVAL_MS = 25;

  /**
   * Traffic before the kill, between the kill and the promotion, and after it: phases, not waits.
   */
  private static final long BEFORE_MS = 1_000;

  private static final long GAP_MS = 2_000;
  private static final long AFTER_MS = 1_000;

  private static final String ROOM = "failover-room";

  /** One send: when it left and when its ack came. */
  private record Sent(String clientId, long sentNanos, CompletableFuture<JsonObject> ack) {}

  /** A user sending every SEND_INTERVAL_MS without waiting for the acks. */
  private static final class Chatter {
    final String name;
    final Client client;
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final Map<String, Long> ackedNanos = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicBoolean sending = new AtomicBoolean(true);
    final Thread thread = new Thread(this::run, "failover-sender");
    int next;

    Chatter(String name, Client client) {
      this.name = name;
      this.client = client;
    }

    void run() {
      while (sending.get()) {
        send(name + "-" + next++);
        try {
          Thread.sleep(SEND_INTERVAL_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    Sent send(String clientId) {
      long now = System.nanoTime();
      JsonObject payload =
          new JsonObject()
              .put("roomId", ROOM)
              .put("text", "text of " + clientId)
              .put("clientId", clientId);
      CompletableFuture<JsonObject> ack = client.callAsync("message:send", payload);
      ack.whenComplete((a, e) -> ackedNanos.putIfAbsent(clientId, System.nanoTime()));
      Sent s = new Sent(clientId, now, ack);
      sent.add(s);
      return s;
    }

    void stop() throws InterruptedException {
      sending.set(false);
      thread.join();
    }
  }

  @Test
  void primaryKilledAndReplicaPromotedMidTraffic() throws Exception {
    try (ReplicatedPostgres pg = ReplicatedPostgres.start(true)) {
      String url =
          "postgres://postgres@127.0.0.1:"
              + pg.primaryPort()
              + ",127.0.0.1:"
              + pg.replicaPort()
              + "/postgres";
      try (TestServer server = TestServer.start(Backend.H2, Map.of("DATABASE_URL", url))) {
        List<Chatter> chatters = new ArrayList<>();
        for (String name : List.of("ann", "bob")) {
          Client client = server.connectGuest(name);
          assertThat(
                  client.call("room:join", new JsonObject().put("roomId", ROOM)).getBoolean("ok"))
              .isTrue();
          chatters.add(new Chatter(name, client));
        }
        chatters.forEach(c -> c.thread.start());
        Thread.sleep(BEFORE_MS);

        long killed = System.nanoTime();
        pg.killPrimary();
        long dead = System.nanoTime();
        Thread.sleep(GAP_MS);
        long promoting = System.nanoTime();
        pg.promote();
        long promoted = System.nanoTime();
        Chatter ann = chatters.get(0);
        Sent first =
            Waits.until(
                () ->
                    ann.sent.stream()
                        .filter(s -> s.sentNanos() > promoting && ok(s.ack().getNow(null)))
                        .findFirst()
                        .orElse(null),
                "a send to succeed after the promotion");
        Thread.sleep(AFTER_MS);
        for (Chatter c : chatters) {
          c.stop();
        }

        long slowestRefusal = 0;
        int refused = 0;
        int total = 0;
        Map<String, Long> stored = new HashMap<>();
        for (Chatter c : chatters) {
          for (Sent s : c.sent) {
            total++;
            JsonObject ack = Waits.get(s.ack(), "the ack of " + s.clientId());
            long ackMs =
                TimeUnit.NANOSECONDS.toMillis(c.ackedNanos.get(s.clientId()) - s.sentNanos());
            if (!ok(ack)) {
              refused++;
              Rest.assertErrorShape(ack, "UNAVAILABLE");
              assertThat(ack.getJsonObject("error").getLong("retryAfter")).isPositive();
              if (s.sentNanos() > killed && s.sentNanos() < promoting) {
                slowestRefusal = Math.max(slowestRefusal, ackMs);
              }
              Sent retry = c.send(s.clientId());
              ack = Waits.get(retry.ack(), "the retry of " + s.clientId());
              assertThat(ok(ack)).as("retry of %s: %s", s.clientId(), ack).isTrue();
            }
            stored.put(s.clientId(), ack.getJsonObject("message").getLong("id"));
          }
        }
        long firstOkMs =
            TimeUnit.NANOSECONDS.toMillis(ann.ackedNanos.get(first.clientId()) - promoted);
        long outageMs =
            TimeUnit.NANOSECONDS.toMillis(ann.ackedNanos.get(first.clientId()) - killed);
        System.out.printf(
            "failover: %d sends, %d refused; slowest refusal between kill and promotion %d ms;"
                + " pg_ctl promote took %d ms; first send acknowledged %d ms after it returned;"
                + " %d ms from the kill (the kill took %d ms, then the test waited %d ms before"
                + " promoting)%n",
            total,
            refused,
            slowestRefusal,
            TimeUnit.NANOSECONDS.toMillis(promoted - promoting),
            firstOkMs,
            outageMs,
            TimeUnit.NANOSECONDS.toMillis(dead - killed),
            GAP_MS);

        assertThat(refused).as("sends refused while there was no primary").isPositive();
        assertThat(slowestRefusal)
            .as("slowest refusal while there was no primary (ms)")
            .isLessThanOrEqualTo(ANSWER_BOUND_MS);
        assertThat(onServer(pg))
            .as("every acknowledged message on the promoted server, with its id, once")
            .containsAllEntriesOf(stored)
            .hasSameSizeAs(stored);
        for (Chatter c : chatters) {
          assertThat(c.client.disconnected())
              .as("%s's socket stayed connected", c.name)
              .isNotDone();
        }
      }
    }
  }

  private static boolean ok(JsonObject ack) {
    return ack != null && Boolean.TRUE.equals(ack.getBoolean("ok"));
  }

  private static Map<String, Long> onServer(ReplicatedPostgres pg) throws Exception {
    Map<String, Long> rows = new HashMap<>();
    try (Connection c = pg.connect(pg.replicaPort());
        PreparedStatement ps =
            c.prepareStatement("SELECT client_id, id FROM messages WHERE room_id = ?")) {
      ps.setString(1, ROOM);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          assertThat(rows.put(rs.getString(1), rs.getLong(2)))
              .as("stored twice: %s", rs.getString(1))
              .isNull();
        }
      }
    }
    return rows;
  }
}
