package chat.nexus.socketio.redis;

import static chat.nexus.socketio.redis.RedisAdapterTest.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams mode with Redis killed and started again under two nodes, recovery on: a broadcast is
 * delivered to its node's clients at once (without offset) while Redis is down, and the stream
 * readers resume after the restart; a Redis that stalls (takes writes and answers none) delays
 * delivery to the node's own clients by no more than the offset wait. On a redis-server of the
 * test's own.
 */
class RedisStreamsOutageTest {

  @TempDir Path dir;

  @Test
  void aStalledRedisDoesNotHoldLocalDelivery() throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir)) {
      ClusterNode[] nodes = streamsPair(redis, "stall");
      try (ClusterNode one = nodes[0];
          ClusterNode two = nodes[1];
          JavaClient a = JavaClient.connect(one.url(), "room-msg")) {
        a.call("join", "r1");
        a.call("to-room", "r1", "before");
        assertThat(a.next("room-msg")[0]).isEqualTo("before");
        // Writes wait far longer than the client's wait for the message: only the node's own
        // deadline on the offset can deliver it in time.
        redisCli(redis, "CLIENT", "PAUSE", "60000", "WRITE");
        try {
          a.call("to-room", "r1", "stalled");
          assertThat(a.next("room-msg")).containsExactly("stalled");
        } finally {
          redisCli(redis, "CLIENT", "UNPAUSE");
        }
      }
    }
  }

  /** Two nodes in streams mode on {@code redis}, connection state recovery on. */
  private static ClusterNode[] streamsPair(RedisProcess redis, String key) throws Exception {
    RedisAdapterOptions options =
        RedisAdapterOptions.builder(redis.url())
            .key(key)
            .streams(RedisStreamsOptions.builder().blockTimeMs(500).build())
            .reconnectDelayMs(50, 500)
            .build();
    return RedisAdapterTest.pair(options, true, io -> {});
  }

  private static void redisCli(RedisProcess redis, String... command) throws Exception {
    java.util.List<String> line =
        new java.util.ArrayList<>(
            java.util.List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(redis.port())));
    line.addAll(java.util.List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(new String(p.getInputStream().readAllBytes()).trim()).isEqualTo("OK");
  }

  @Test
  void localDeliveryGoesOnAndTheReadersResume() throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir)) {
      ClusterNode[] nodes = streamsPair(redis, "outage");
      try (ClusterNode one = nodes[0];
          ClusterNode two = nodes[1];
          JavaClient a = JavaClient.connect(one.url(), "room-msg");
          JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
        a.call("join", "r1");
        b.call("join", "r1");
        a.call("to-room", "r1", "before");
        Object[] atB = b.next("room-msg");
        // the Java client hands the offset over as an extra argument: the entry's id, on both nodes
        assertThat(atB[0]).isEqualTo("before");
        assertThat(String.valueOf(atB[1])).matches("[0-9]+-[0-9]+");
        assertThat(a.next("room-msg")).containsExactly("before", atB[1]);

        redis.kill();
        until(() -> !one.redis.isUp() && !two.redis.isUp(), "both nodes to see Redis down");
        for (int i = 0; i < 20; i++) {
          a.call("to-room", "r1", "during-" + i);
        }
        for (int i = 0; i < 20; i++) {
          assertThat(a.next("room-msg")).containsExactly("during-" + i);
        }
        assertThat(b.poll("room-msg", 300)).as("nothing crosses while Redis is down").isNull();
        assertThat(one.redis.droppedPublishes()).isGreaterThanOrEqualTo(20);

        redis.startAgain();
        until(() -> one.redis.isUp() && two.redis.isUp(), "both nodes to reconnect");
        a.call("to-room", "r1", "after");
        assertThat(b.next("room-msg")[0]).isEqualTo("after");
        b.call("to-room", "r1", "back");
        assertThat(a.next("room-msg")[0]).isEqualTo("after");
        assertThat(a.next("room-msg")[0]).isEqualTo("back");
      }
    }
  }
}
