package chat.nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Socket.IO Admin UI's protocol spoken by the official JavaScript client against a real server
 * (src/test/js/admin-ui.mjs): refused without the credentials, the socket list, figures and events
 * in development mode, figures only in production mode, leave and disconnect acting on a real
 * user's socket, the per-address limit of failed logins, and no namespace at all when the admin
 * surface is off.
 */
class AdminUiProtocolTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "admin-ui.mjs");
  private static final long NODE_TIMEOUT_S = 90;
  private static final String PASSWORD = "a-test-password-long-enough";

  @TempDir Path workDir;

  @Test
  void developmentModeShowsSocketsRoomsAndEventsAndActsOnThem() {
    run(Map.of("ADMIN_PASSWORD", PASSWORD), "development");
  }

  @Test
  void productionModeShowsOnlyTheFigures() {
    run(Map.of("ADMIN_PASSWORD", PASSWORD, "ADMIN_UI_MODE", "production"), "production");
  }

  @Test
  void withoutAPasswordThereIsNoAdminNamespace() {
    run(Map.of(), "off");
  }

  private void run(Map<String, String> serverEnv, String mode) {
    try (TestServer server = TestServer.start(Backend.H2, serverEnv)) {
      Map<String, String> env = new HashMap<>();
      env.put("NEXUS_URL", server.url());
      env.put("NEXUS_ADMIN_PASSWORD", PASSWORD);
      env.put("NEXUS_MODE", mode);
      try (ChildProcess node = ChildProcess.node(workDir, env, SCRIPT)) {
        int exit = node.waitFor(NODE_TIMEOUT_S);
        assertThat(exit).as("node exit code; output:\n%s", node.output()).isZero();
        assertThat(node.output()).contains("admin-ui: ok");
      }
    }
  }
}
