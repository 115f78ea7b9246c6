package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One Admin UI connection sees two nodes sharing the real Redis, with each Redis adapter under a
 * key prefix of its own (src/test/js/admin-cluster.mjs): both nodes' figures, a socket of the other
 * node in the list and its news (connected, left a room, disconnected), and leave and disconnect
 * reaching it there.
 */
class AdminUiAcrossNodesTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "admin-cluster.mjs");
  private static final long NODE_TIMEOUT_S = 90;
  private static final String PASSWORD = "a-test-password-long-enough";

  @TempDir Path workDir;

  @ParameterizedTest
  @ValueSource(strings = {"pubsub", "sharded", "streams"})
  void oneAdminConnectionSeesEveryNode(String adapter) {
    try (TestRedis redis = new TestRedis()) {
      run(adapter, redis);
    }
  }

  private void run(String adapter, TestRedis redis) {
    Map<String, String> env = new HashMap<>(redis.env());
    env.put("REDIS_ADAPTER_KEY", redis.prefix() + "adapter");
    env.put("ADMIN_PASSWORD", PASSWORD);
    switch (adapter) {
      case "sharded" -> env.put("REDIS_ADAPTER_SHARDED", "true");
      case "streams" -> {
        env.put("REDIS_ADAPTER", "streams");
        env.put("REDIS_ADAPTER_STREAM", redis.prefix() + "stream");
      }
      default -> {}
    }
    try (TestServer one = TestServer.start(Backend.H2, env);
        TestServer two = TestServer.start(Backend.H2, env)) {
      for (TestServer server : new TestServer[] {one, two}) {
        TwoNodesTest.waitForNodes(server, 2);
        Waits.untilTrue(
            () -> server.chatServer().io().of("/admin").adapter().serverCount() == 2,
            "the admin namespace to see 2 nodes");
      }
      Map<String, String> scriptEnv =
          Map.of("NEXUS_URL", one.url(), "NEXUS2_URL", two.url(), "NEXUS_ADMIN_PASSWORD", PASSWORD);
      try (ChildProcess node = ChildProcess.node(workDir, scriptEnv, SCRIPT)) {
        int exit = node.waitFor(NODE_TIMEOUT_S);
        assertThat(exit).as("node exit code; output:\n%s", node.output()).isZero();
        assertThat(node.output()).contains("admin-cluster: ok");
      }
    }
  }
}
