package chat.nexus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.RoundRobinProxy;
import chat.nexus.testing.SendingClients;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Three nodes behind a round-robin balancer that follows /ready; one drains and starts again with
 * no clients. The two others, over their share, ask some of their clients to reconnect until every
 * node holds the mean within 15 %, and no acknowledged message is lost on the way.
 */
class RebalanceTest {

  static final int CLIENTS = 60;

  /** Generous: a loaded 2-core machine shared with other builds. */
  static final Duration BALANCED_WITHIN = Duration.ofSeconds(120);

  @Test
  void aRestartedNodeGetsItsShareBack() throws Exception {
    String room = "rebalance-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestRedis redis = new TestRedis();
        Backend.Prepared db = Backend.POSTGRES.prepare();
        RoundRobinProxy proxy = new RoundRobinProxy()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.putAll(redis.env());
      env.put("REDIS_ADAPTER_KEY", redis.prefix() + "adapter");
      env.put("DRAIN_GRACE_MS", "300");
      env.put("DRAIN_CLOSE_MS", "300");
      env.put("REBALANCE_INTERVAL_MS", "500");
      env.put("REBALANCE_MIN_EXCESS", "3");
      env.put("REBALANCE_MAX_MOVE_PERCENT", "20");
      List<TestServer> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          nodes.add(TestServer.start(Backend.H2, env));
          proxy.add(nodes.get(i).port());
        }
        Waits.untilTrue(() -> proxy.ready().size() == 3, "three nodes ready at the balancer");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          tokens.add(nodes.get(0).guest("User" + i).getString("token"));
        }
        try (SendingClients clients =
            new SendingClients(proxy.url(), tokens, CLIENTS, room, 1500)) {
          TestServer leaving = nodes.remove(2);
          leaving.chatServer().drain().start("test");
          Waits.get(leaving.chatServer().drain().stopped(), 60, "the third node to drain");
          proxy.remove(leaving.port());
          leaving.close();
          Waits.untilTrue(
              () -> clients.connected() == CLIENTS, "the drained node's clients to reconnect");
          nodes.add(TestServer.start(Backend.H2, env));
          proxy.add(nodes.get(2).port());
          System.out.printf("after the restart: %s%n", counts(nodes));

          boolean balanced =
              Waits.within(
                  BALANCED_WITHIN,
                  () -> clients.connected() == CLIENTS && withinOfMean(counts(nodes), 0.15),
                  "every node within 15 % of the mean");
          System.out.printf(
              "rebalanced: %s, %d reconnections%n", counts(nodes), clients.reconnections());
          assertThat(balanced).as("balanced: %s", counts(nodes)).isTrue();
          long moved = 0;
          for (TestServer node : nodes) {
            moved += movedOf(node);
          }
          assertThat(moved).as("nexus_rebalance_moved_total").isPositive();

          clients.stopSending();
          Waits.within(Duration.ofSeconds(2), () -> false, "in-flight acks to arrive");
          Map<String, Long> acked = clients.acked();
          Map<String, Long> stored = new HashMap<>();
          for (Map<String, Object> row :
              nodes.get(0).query("select client_id, id from messages where room_id = ?", room)) {
            stored.put((String) row.get("client_id"), ((Number) row.get("id")).longValue());
          }
          System.out.printf(
              "rebalance: %d moved, %d acked, %d stored%n", moved, acked.size(), stored.size());
          assertThat(acked).isNotEmpty();
          assertThat(stored).containsAllEntriesOf(acked);
        }
      } finally {
        nodes.forEach(TestServer::close);
      }
    }
  }

  private static List<Integer> counts(List<TestServer> nodes) {
    return nodes.stream().map(n -> n.chatServer().io().engine().clientsCount()).toList();
  }

  private static boolean withinOfMean(List<Integer> counts, double share) {
    double mean = counts.stream().mapToInt(Integer::intValue).average().orElse(0);
    return counts.stream().allMatch(c -> Math.abs(c - mean) <= mean * share);
  }

  private static long movedOf(TestServer node) {
    return node.rest()
        .get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("nexus_rebalance_moved_total"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
