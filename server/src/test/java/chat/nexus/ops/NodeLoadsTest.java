package chat.nexus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The shared node loads tolerate entries no node of this version writes (a forged, garbled or
 * future-stamped one): such an entry never counts, so it can neither make every node move clients
 * nor stop every node from rebalancing.
 */
class NodeLoadsTest {

  private static final long MAX_AGE_MS = 3_000;

  private static String script() throws IOException {
    try (InputStream in = Rebalancer.class.getResourceAsStream("node_loads.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Response report(TestRedis redis, String key, String node, long connections)
      throws IOException {
    return redis.send(
        Request.cmd(Command.EVAL)
            .arg(script())
            .arg(1)
            .arg(key)
            .arg(node)
            .arg(connections)
            .arg(1)
            .arg(MAX_AGE_MS));
  }

  @Test
  void entriesNoNodeWroteDoNotCount() throws Exception {
    try (TestRedis redis = new TestRedis()) {
      String key = redis.prefix() + Rebalancer.KEY;
      long now = Long.parseLong(report(redis, key, "a", 100).get(1).toString().split(" ")[2]);
      // a day ahead: never stale by age, it would hold the mean down for a day
      redis.send(Request.cmd(Command.HSET).arg(key).arg("future").arg("0 1 " + (now + 86_400_000)));
      redis.send(Request.cmd(Command.HSET).arg(key).arg("negative").arg("-100000 1 " + now));
      redis.send(Request.cmd(Command.HSET).arg(key).arg("garbled").arg("many 1 " + now));
      report(redis, key, "b", 100);

      Response live = report(redis, key, "a", 100);

      assertThat(Rebalancer.readyCounts(live)).containsOnlyKeys("a", "b");
    }
  }

  @Test
  void aGarbledEntryIsSkippedNotFatal() throws Exception {
    try (TestRedis redis = new TestRedis()) {
      String key = redis.prefix() + Rebalancer.KEY;
      report(redis, key, "a", 100);
      Response reply =
          redis.send(
              Request.cmd(Command.EVAL)
                  .arg("return {'a', '100 1 1', 'x', 'many 1 1', 'y', '-5 1 1'}")
                  .arg(0));
      assertThat(Rebalancer.readyCounts(reply)).containsOnlyKeys("a");
    }
  }
}
