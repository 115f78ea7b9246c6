package chat.nexus.socketio.redis;

import static chat.nexus.socketio.redis.RedisAdapterTest.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redis killed and started again under two nodes: nothing crashes, each node keeps delivering to
 * its own clients, isUp() says so, and cross-node delivery resumes once Redis is back. On a
 * redis-server of the test's own (never the shared one).
 */
class RedisOutageTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "sharded={0}")
  @ValueSource(booleans = {false, true})
  void localDeliveryGoesOnAndClusterDeliveryResumes(boolean sharded) throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir)) {
      RedisAdapterOptions options =
          RedisAdapterOptions.builder(redis.url())
              .key("outage")
              .sharded(sharded)
              .reconnectDelayMs(50, 500)
              .build();
      ClusterNode[] nodes = RedisAdapterTest.pair(options, false, io -> {});
      AtomicInteger downs = downsOf(nodes[0]);
      try (ClusterNode one = nodes[0];
          ClusterNode two = nodes[1];
          JavaClient a = JavaClient.connect(one.url(), "room-msg");
          JavaClient a2 = JavaClient.connect(one.url(), "room-msg");
          JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
        for (JavaClient c : new JavaClient[] {a, a2, b}) {
          c.call("join", "r1");
        }
        RedisAdapterTest.awaitRoomChannel(one, options, "r1", 2);
        a.call("to-room", "r1", "before");
        assertThat(b.next("room-msg")).containsExactly("before");
        assertThat(a2.next("room-msg")).containsExactly("before");
        a.next("room-msg");

        redis.kill();
        until(() -> !one.redis.isUp() && !two.redis.isUp(), "both nodes to see Redis down");
        assertThat(downs.get()).isEqualTo(1);
        for (int i = 0; i < 50; i++) {
          a.call("to-room", "r1", "during-" + i); // acked at once: nothing waits for Redis
        }
        for (int i = 0; i < 50; i++) {
          assertThat(a2.next("room-msg")).containsExactly("during-" + i);
          assertThat(a.next("room-msg")).containsExactly("during-" + i);
        }
        assertThat(b.poll("room-msg", 300)).as("nothing crosses while Redis is down").isNull();
        assertThat(one.redis.droppedPublishes()).isGreaterThanOrEqualTo(50);
        // a new client on a node still connects and gets local broadcasts
        try (JavaClient late = JavaClient.connect(two.url(), "room-msg")) {
          late.call("join", "r1");
          b.call("to-room", "r1", "local on two");
          assertThat(late.next("room-msg")).containsExactly("local on two");
          assertThat(b.next("room-msg")).containsExactly("local on two");
        }

        redis.startAgain();
        until(() -> one.redis.isUp() && two.redis.isUp(), "both nodes to reconnect");
        // isUp() means every subscription is confirmed again: no sleep needed before publishing
        a.call("to-room", "r1", "after");
        assertThat(b.next("room-msg")).containsExactly("after");
        b.call("to-room", "r1", "back");
        assertThat(a.next("room-msg")).containsExactly("after");
        assertThat(a.next("room-msg")).containsExactly("back");
      }
    }
  }

  /**
   * Connections reset (RST) rather than closed: Vert.x's Redis client reports the error and, with
   * assertions on, never calls the end handler. Both connections of each node must still be
   * replaced.
   */
  @ParameterizedTest(name = "sharded={0}")
  @ValueSource(booleans = {false, true})
  void resetConnectionsAreReplaced(boolean sharded) throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir);
        ResettingProxy proxy = new ResettingProxy(redis.port)) {
      RedisAdapterOptions options =
          RedisAdapterOptions.builder(proxy.url())
              .key("reset")
              .sharded(sharded)
              .reconnectDelayMs(50, 500)
              .build();
      ClusterNode[] nodes = RedisAdapterTest.pair(options, false, io -> {});
      AtomicInteger downs = downsOf(nodes[1]);
      try (ClusterNode one = nodes[0];
          ClusterNode two = nodes[1];
          JavaClient a = JavaClient.connect(one.url(), "room-msg");
          JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
        a.call("join", "r1");
        b.call("join", "r1");
        until(() -> one.redis.isUp() && two.redis.isUp(), "both nodes subscribed to the room");
        proxy.resetAll();
        until(() -> downs.get() > 0, "node two to see the reset");
        until(
            () -> one.redis.isUp() && two.redis.isUp(),
            "both nodes to reconnect and subscribe again");
        a.call("to-room", "r1", "after reset");
        assertThat(b.next("room-msg")).containsExactly("after reset");
        assertThat(a.next("room-msg")).containsExactly("after reset");
      }
    }
  }

  /** How many times the node's Redis link has gone down, counted from now. */
  private static AtomicInteger downsOf(ClusterNode node) {
    AtomicInteger downs = new AtomicInteger();
    node.redis.onStateChange(
        up -> {
          if (!up) {
            downs.incrementAndGet();
          }
        });
    return downs;
  }
}
