package chat.nexus.socketio.redis;

import static chat.nexus.socketio.redis.RedisAdapterTest.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both adapters on a real Redis Cluster (deploy/redis-cluster.sh: 3 masters, 3 replicas), two nodes
 * given three seeds. Sharded rooms whose channels live on different masters; then the master
 * serving a room's channel is killed mid-traffic (last: the cluster stays without it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterModeTest {

  @TempDir static Path dir;
  private static RedisTopology cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisTopology.cluster(dir.resolve("cluster"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static RedisAdapterOptions options(boolean sharded) {
    return RedisAdapterOptions.builder(cluster.address())
        .key("c" + UUID.randomUUID())
        .sharded(sharded)
        .reconnectDelayMs(50, 500)
        .build();
  }

  @Test
  @Order(1)
  void theClassicAdapterDeliversAcrossNodesAndCountsThem() throws Exception {
    ClusterNode[] nodes = RedisAdapterTest.pair(options(false), false, io -> {});
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg");
        JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
      a.call("join", "r1");
      b.call("join", "r1");
      a.call("to-room", "r1", "one to two");
      assertThat(b.next("room-msg")).containsExactly("one to two");
      b.call("to-room", "r1", "two to one");
      assertThat(a.next("room-msg")).containsExactly("one to two");
      assertThat(a.next("room-msg")).containsExactly("two to one");
      assertThat(one.serverCount()).isEqualTo(2);
    }
  }

  @Test
  @Order(2)
  void theStreamsAdapterDeliversAcrossNodesThroughTheStreamsMaster() throws Exception {
    RedisAdapterOptions options =
        RedisAdapterOptions.builder(cluster.address())
            .key("c" + UUID.randomUUID())
            .streams(
                RedisStreamsOptions.builder()
                    .streamName("s" + UUID.randomUUID())
                    .blockTimeMs(500)
                    .build())
            .reconnectDelayMs(50, 500)
            .build();
    ClusterNode[] nodes = RedisAdapterTest.pair(options, false, io -> {});
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg");
        JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
      a.call("join", "r1");
      b.call("join", "r1");
      crossing(a, b, "r1");
      b.call("to-room", "r1", "two to one");
      assertThat(a.next("room-msg")).containsExactly("two to one");
    }
  }

  @Test
  @Order(3)
  void shardedRoomsOnDifferentMastersReachTheOtherNode() throws Exception {
    RedisAdapterOptions options = options(true);
    String first = "room-0";
    int firstMaster = cluster.masterOf(roomChannel(options, first));
    String second = null;
    for (int i = 1; second == null; i++) {
      if (cluster.masterOf(roomChannel(options, "room-" + i)) != firstMaster) {
        second = "room-" + i;
      }
    }
    ClusterNode[] nodes = RedisAdapterTest.pair(options, false, io -> {});
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg");
        JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
      for (String room : new String[] {first, second}) {
        a.call("join", room);
        b.call("join", room);
        crossing(a, b, room);
        b.call("to-room", room, "back in " + room);
        assertThat(a.next("room-msg")).containsExactly("back in " + room);
        assertThat(b.next("room-msg")).containsExactly("back in " + room);
      }
      assertThat(one.serverCount()).isEqualTo(2);
    }
  }

  @Test
  @Order(4)
  void aKilledMastersReplicaTakesOverAndDeliveryResumes() throws Exception {
    RedisAdapterOptions options = options(true);
    ClusterNode[] nodes = RedisAdapterTest.pair(options, false, io -> {});
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg");
        JavaClient beside = JavaClient.connect(one.url(), "room-msg");
        JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
      for (JavaClient c : new JavaClient[] {a, beside, b}) {
        c.call("join", "busy");
      }
      crossing(a, b, "busy", beside);
      int master = cluster.masterOf(roomChannel(options, "busy"));
      Failover.Figures figures =
          Failover.run(one, two, a, beside, b, "busy", () -> cluster.kill(master));
      System.out.println("Redis Cluster master failover (sharded adapter): " + figures);
      assertThat(cluster.masterOf(roomChannel(options, "busy"))).isNotEqualTo(master);
    }
  }

  static String roomChannel(RedisAdapterOptions options, String room) {
    return options.key() + "#/#" + room + "#";
  }

  /**
   * Sends to the room until a message reaches the other node (its room channel is subscribed); the
   * probes are then read off every client in the room.
   */
  static void crossing(JavaClient from, JavaClient to, String room, JavaClient... others) {
    String probe = "probe-" + UUID.randomUUID();
    until(
        () -> {
          from.call("to-room", room, probe);
          Object[] got = to.poll("room-msg", 50);
          return got != null;
        },
        "a message to cross to the other node");
    while (to.poll("room-msg", 100) != null) {
      // the other probes
    }
    while (from.poll("room-msg", 100) != null) {
      // its own probes
    }
    for (JavaClient other : others) {
      while (other.poll("room-msg", 100) != null) {
        // the probes
      }
    }
  }
}
