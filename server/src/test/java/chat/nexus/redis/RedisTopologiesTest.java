package chat.nexus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.auth.SessionRevocations;
import chat.nexus.chat.Presence;
import chat.nexus.chat.RedisPresence;
import chat.nexus.ratelimit.Decision;
import chat.nexus.ratelimit.Limit;
import chat.nexus.ratelimit.RedisRateLimiter;
import chat.nexus.socketio.redis.RedisTopology;
import chat.nexus.testing.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the nodes share through Redis, on a real Redis Cluster (three seeds) and a real Sentinel
 * setup (deploy/redis-cluster.sh, deploy/redis-sentinel.sh), two nodes each with its own
 * SharedRedis: the rate limit script counts one window for both, the presence scripts (the sweep
 * touches the keys of every room of a node: one hash tag) agree across nodes, and a session end or
 * a cache invalidation published on one node reaches the other.
 */
class RedisTopologiesTest {

  private static final long WAIT_S = 10;

  @TempDir static Path dir;
  private static RedisTopology cluster;
  private static RedisTopology sentinel;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    cluster = RedisTopology.cluster(dir.resolve("cluster"));
    sentinel = RedisTopology.sentinel(dir.resolve("sentinel"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    for (RedisTopology topology : new RedisTopology[] {cluster, sentinel}) {
      if (topology != null) {
        topology.close();
      }
    }
    if (vertx != null) {
      vertx.close().await(WAIT_S, TimeUnit.SECONDS);
    }
  }

  static Stream<String> topologies() {
    return Stream.of("cluster", "sentinel");
  }

  private static List<SharedRedis> twoNodes(String topology) {
    String address = (topology.equals("cluster") ? cluster : sentinel).address();
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
    List<SharedRedis> nodes =
        List.of(
            SharedRedis.create(vertx, address, prefix), SharedRedis.create(vertx, address, prefix));
    Waits.untilTrue(() -> nodes.get(0).up() && nodes.get(1).up(), "both nodes on " + topology);
    return nodes;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topologies")
  void oneRateLimitWindowForBothNodes(String topology) throws Exception {
    List<SharedRedis> nodes = twoNodes(topology);
    try {
      Limit limit = new Limit("messages", 3, 60_000);
      List<Boolean> allowed = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Decision d = await(new RedisRateLimiter(nodes.get(i % 2)).acquire(limit, "ann"));
        allowed.add(d.allowed());
      }
      assertThat(allowed).containsExactly(true, true, true, false);
    } finally {
      close(nodes);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topologies")
  void presenceScriptsAgreeAcrossNodes(String topology) throws Exception {
    List<SharedRedis> nodes = twoNodes(topology);
    RedisPresence one = new RedisPresence(vertx, nodes.get(0), "one", 100, 1_000);
    RedisPresence two = new RedisPresence(vertx, nodes.get(1), "two", 100, 1_000);
    List<String> offline = new CopyOnWriteArrayList<>();
    two.onChange((room, user, status) -> offline.add(room + "/" + user + "/" + status));
    try {
      assertThat(await(one.join("lobby", "ann"))).as("ann comes online").isTrue();
      assertThat(await(two.join("lobby", "ann"))).as("ann on a second node").isFalse();
      assertThat(await(two.join("lobby", "bob"))).isTrue();
      assertThat(await(two.join("kitchen", "bob"))).isTrue();
      Presence.Members members = await(one.members("lobby", 10));
      assertThat(members.count()).isEqualTo(2);
      assertThat(members.some()).containsExactlyInAnyOrder("ann", "bob");
      assertThat(await(one.leave("lobby", "ann"))).as("still on node two").isFalse();
      // node two leaves: the sweep script takes its pairs out of every room, in one slot
      await(two.close());
      assertThat(offline)
          .containsExactlyInAnyOrder(
              "lobby/ann/offline", "lobby/bob/offline", "kitchen/bob/offline");
      assertThat(await(one.members("lobby", 10)).count()).isZero();
    } finally {
      one.close();
      close(nodes);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topologies")
  void sessionEndsAndCacheInvalidationsReachTheOtherNode(String topology) throws Exception {
    List<SharedRedis> nodes = twoNodes(topology);
    try {
      SessionRevocations one = new SessionRevocations(Optional.of(nodes.get(0)), "one");
      SessionRevocations two = new SessionRevocations(Optional.of(nodes.get(1)), "two");
      List<String> heard = new CopyOnWriteArrayList<>();
      two.onRevoked((session, reason) -> heard.add(session + ":" + reason));
      List<String> changed = new CopyOnWriteArrayList<>();
      String channel = nodes.get(0).key("characters:changed");
      nodes.get(1).subscribe(channel, changed::add);
      // a subscription is confirmed asynchronously: publish until the first one arrives
      Waits.untilTrue(
          () -> {
            one.revoked("s1", "logout");
            await(nodes.get(0).publish(channel, "c1"));
            return !heard.isEmpty() && !changed.isEmpty();
          },
          "a session end and an invalidation to reach node two");
      assertThat(heard).allMatch(h -> h.equals("s1:logout"));
      assertThat(changed).allMatch(c -> c.equals("c1"));
    } finally {
      close(nodes);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
  }

  private static void close(List<SharedRedis> nodes) throws Exception {
    for (SharedRedis node : nodes) {
      await(node.close());
    }
  }
}
