package chat.nexus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.Client;
import chat.nexus.testing.ServerProcess;
import chat.nexus.testing.Waits;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preStop command, {@code java -cp nexus-chat.jar chat.nexus.ops.Drain}, against a real server
 * process: it returns once the node has closed its sockets, the node then exits 0 by itself, and
 * the password appears in no output.
 */
class DrainCommandTest {

  @TempDir Path dataDir;

  @TempDir Path workDir;

  @Test
  void withoutAdminPasswordItReturnsAtOnce() {
    assertThat(Drain.run(Map.of("PORT", "1"))).isZero();
  }

  @Test
  void drainsTheLocalNodeAndTheNodeExits() {
    Map<String, String> env = new HashMap<>();
    env.put("ADMIN_PASSWORD", DrainTest.PASSWORD);
    env.put("DRAIN_GRACE_MS", "500");
    env.put("DRAIN_CLOSE_MS", "300");
    try (ServerProcess node = ServerProcess.start(workDir, ServerProcess.env(dataDir, env))) {
      String port = node.url().substring(node.url().lastIndexOf(':') + 1);
      String token =
          node.rest()
              .post("/api/auth/guest", new io.vertx.core.json.JsonObject().put("name", "Dee"))
              .assertOk(201)
              .getString("token");
      try (Client client = Client.connect(node.url(), token)) {
        Map<String, String> wrong =
            Map.of("PORT", port, "ADMIN_PASSWORD", "not-the-password-at-all");
        try (ChildProcess refused = ChildProcess.java(workDir, wrong, "chat.nexus.ops.Drain")) {
          assertThat(refused.waitFor(60)).isEqualTo(1);
          assertThat(refused.output()).contains("401").doesNotContain("not-the-password-at-all");
        }

        Map<String, String> drainEnv = new HashMap<>(env);
        drainEnv.put("PORT", port);
        try (ChildProcess drain = ChildProcess.java(workDir, drainEnv, "chat.nexus.ops.Drain")) {
          assertThat(drain.waitFor(60)).as(drain.output()).isZero();
          assertThat(drain.output())
              .contains("has closed its sockets")
              .doesNotContain(DrainTest.PASSWORD);
        }
        assertThat(Waits.get(client.disconnected(), "the client to be disconnected"))
            .isIn("transport close", "transport error");
      }
      assertThat(node.process().waitFor(60)).as(node.process().output()).isZero();
      assertThat(node.process().output())
          .contains("draining (POST /api/admin/drain)")
          .contains("stopped")
          .doesNotContain(DrainTest.PASSWORD);
    }
  }
}
