package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.redis.RedisTopology;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two chat servers on a real Redis Cluster (the sharded adapter; the master serving the room's
 * channel is killed) or Sentinel setup (the classic adapter; the primary is killed), a sender on
 * one node and a reader on the other, a message every {@link #PERIOD_MS} throughout. While the
 * replica is promoted, sends go on and are acked, nexus_redis_up is 0; then it is 1 again and
 * messages cross again to the same sockets (no reconnection); every acked message is in history.
 * The gaps are printed.
 */
class RedisFailoverTest {

  private static final long PERIOD_MS = 50;
  private static final int CROSSED_BEFORE = 10;
  private static final int CROSSED_AFTER = 10;
  private static final long RECOVERY_TIMEOUT_S = 30;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cluster", "sentinel"})
  void ackedMessagesSurviveAFailover(String topology) throws Exception {
    boolean cluster = topology.equals("cluster");
    String key = "nexus-failover-" + UUID.randomUUID().toString().substring(0, 8);
    String room = "failover-" + UUID.randomUUID().toString().substring(0, 8);
    try (RedisTopology redis =
            cluster
                ? RedisTopology.cluster(dir.resolve("c"))
                : RedisTopology.sentinel(dir.resolve("s"));
        Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      if (cluster) {
        env.put("REDIS_URL", redis.value("REDIS_URL"));
        env.put("REDIS_ADAPTER_SHARDED", "true");
      } else {
        env.put("REDIS_SENTINELS", redis.value("REDIS_SENTINELS"));
        env.put("REDIS_MASTER_NAME", redis.value("REDIS_MASTER_NAME"));
      }
      env.put("REDIS_ADAPTER_KEY", key);
      env.put("REDIS_KEY_PREFIX", key + ":");
      env.put("RATE_LIMIT_ENABLED", "true"); // each send asks Redis too
      env.put("RATE_LIMIT_MAX", "100000");
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env)) {
        TwoNodesTest.waitForNodes(one, 2);
        TwoNodesTest.waitForNodes(two, 2);
        Client ann = one.connect(TwoNodesTest.token("ann-" + key, "Ann"));
        Client bob = two.connect(TwoNodesTest.token("bob-" + key, "Bob"));
        for (Client c : new Client[] {ann, bob}) {
          assertThat(c.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
              .isTrue();
        }
        String bobSocket = bob.id();
        int victim = cluster ? redis.masterOf(key + "#/#" + room + "#") : redis.primary();

        Traffic traffic = new Traffic(ann, room);
        traffic.start();
        awaitCrossing(bob, CROSSED_BEFORE, 0);
        long killedAt = System.nanoTime();
        System.out.println(java.time.LocalTime.now() + " killing the Redis on port " + victim);
        redis.kill(victim);
        Waits.untilTrue(() -> redisUp(one).equals("0.0"), "nexus_redis_up 0 on node one");
        long downSeen = System.nanoTime();
        long crossingAgain = awaitCrossing(bob, 1, downSeen);
        untilLong(
            () -> redisUp(one).equals("1.0") && redisUp(two).equals("1.0"), "nexus_redis_up 1");
        long upAgain = System.nanoTime();
        awaitCrossing(bob, CROSSED_AFTER, upAgain);
        traffic.stop();

        assertThat(bob.id()).as("the same socket, no reload").isEqualTo(bobSocket);
        assertThat(bob.disconnected()).isNotDone();
        assertThat(traffic.failed).as("sends that were not acked ok").isEmpty();
        assertThat(history(ann, room)).containsAll(traffic.acked);
        System.out.printf(
            "Redis %s failover under chat traffic: nexus_redis_up 0 after %d ms, messages cross"
                + " again after %d ms, nexus_redis_up 1 on both nodes after %d ms; %d sends acked,"
                + " none failed, slowest ack %d ms%n",
            topology,
            ms(downSeen - killedAt),
            ms(crossingAgain - killedAt),
            ms(upAgain - killedAt),
            traffic.acked.size(),
            traffic.slowestAckMs.get());
      }
    }
  }

  /** A message:send every PERIOD_MS until stopped; what was acked ok, what was not. */
  private static final class Traffic {
    final Client sender;
    final String room;
    final List<Long> acked = new ArrayList<>();
    final List<JsonObject> failed = new ArrayList<>();
    final AtomicLong slowestAckMs = new AtomicLong();
    final AtomicBoolean sending = new AtomicBoolean(true);
    CompletableFuture<Void> done;

    Traffic(Client sender, String room) {
      this.sender = sender;
      this.room = room;
    }

    void start() {
      done =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; sending.get(); i++) {
                  long start = System.nanoTime();
                  JsonObject ack =
                      sender.call(
                          "message:send",
                          new JsonObject().put("roomId", room).put("text", "m" + i));
                  slowestAckMs.accumulateAndGet(ms(System.nanoTime() - start), Math::max);
                  if (Boolean.TRUE.equals(ack.getBoolean("ok"))) {
                    acked.add(ack.getJsonObject("message").getLong("id"));
                  } else {
                    failed.add(ack);
                  }
                  pause(PERIOD_MS);
                }
              });
    }

    void stop() throws Exception {
      sending.set(false);
      done.get(RECOVERY_TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  /**
   * Reads message:new until {@code count} messages arrived after {@code since} (nanoTime; 0: any);
   * returns when the first of them arrived.
   */
  private static long awaitCrossing(Client reader, int count, long since) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_TIMEOUT_S);
    long first = 0;
    int seen = 0;
    while (seen < count) {
      if (reader.pending("message:new") > 0) {
        reader.next("message:new");
        long now = System.nanoTime();
        if (now > since) {
          first = first == 0 ? now : first;
          seen++;
        }
      } else {
        assertThat(System.nanoTime()).as("messages to cross").isLessThan(deadline);
        pause(5);
      }
    }
    return first;
  }

  /** Every message id in the room's history, newest first, page by page. */
  private static Set<Long> history(Client client, String room) {
    Set<Long> ids = new HashSet<>();
    Long before = null;
    while (true) {
      JsonObject query = new JsonObject().put("roomId", room).put("limit", 100);
      if (before != null) {
        query.put("before", before);
      }
      JsonArray page = client.call("history", query).getJsonArray("messages");
      if (page.isEmpty()) {
        return ids;
      }
      for (Object m : page) {
        long id = ((JsonObject) m).getLong("id");
        ids.add(id);
        before = before == null ? id : Math.min(before, id);
      }
    }
  }

  private static String redisUp(TestServer server) {
    return server.metric("nexus_redis_up");
  }

  private static void untilLong(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_TIMEOUT_S);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      pause(10);
    }
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
