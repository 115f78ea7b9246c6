package chat.nexus.socketio.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis adapter on a Sentinel setup (deploy/redis-sentinel.sh: a primary, a replica, three
 * sentinels), two nodes given the sentinels: cross-node delivery, then the primary killed
 * mid-traffic; the sentinels promote the replica and the nodes follow by themselves.
 */
class RedisSentinelModeTest {

  @TempDir Path dir;

  @Test
  void thePromotedReplicaCarriesTheRoomsOn() throws Exception {
    try (RedisTopology sentinel = RedisTopology.sentinel(dir.resolve("sentinel"))) {
      RedisAdapterOptions options =
          RedisAdapterOptions.builder(sentinel.address())
              .key("s" + UUID.randomUUID())
              .reconnectDelayMs(50, 500)
              .build();
      ClusterNode[] nodes = RedisAdapterTest.pair(options, false, io -> {});
      try (ClusterNode one = nodes[0];
          ClusterNode two = nodes[1];
          JavaClient a = JavaClient.connect(one.url(), "room-msg");
          JavaClient beside = JavaClient.connect(one.url(), "room-msg");
          JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
        for (JavaClient c : new JavaClient[] {a, beside, b}) {
          c.call("join", "busy");
        }
        RedisClusterModeTest.crossing(a, b, "busy", beside);
        int primary = sentinel.primary();
        Failover.Figures figures =
            Failover.run(one, two, a, beside, b, "busy", () -> sentinel.kill(primary));
        System.out.println("Redis Sentinel primary failover (classic adapter): " + figures);
        assertThat(sentinel.primary()).isNotEqualTo(primary);
      }
    }
  }
}
