package chat.nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Socket.IO Admin UI in a real browser (src/test/js/admin-ui-browser.mjs): the UI's
 * own files from @socket.io/admin-ui 0.5.1 log in to a real server through the UI's form, list the
 * node, a guest's socket and its room, and the UI's disconnect button disconnects the guest.
 * Screenshots go to target/screenshots-admin.
 *
 * <p>Without Chromium the test is skipped with a message, unless NEXUS_REQUIRE_BROWSER=1 or
 * CI=true, where it fails.
 */
class AdminUiBrowserTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "admin-ui-browser.mjs");
  private static final Path ADMIN_UI =
      Path.of("src", "test", "js", "node_modules", "@socket.io", "admin-ui", "ui", "dist");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots-admin");
  private static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("NEXUS_CHROMIUM", "/usr/bin/chromium"));
  private static final long BROWSER_TIMEOUT_S = 120;
  private static final String PASSWORD = "a-test-password-long-enough";

  @TempDir Path workDir;

  @Test
  void theOfficialAdminUiSeesAGuestAndDisconnectsIt() {
    requireBrowser();
    if (!Files.isDirectory(ADMIN_UI)) {
      fail(
          "@socket.io/admin-ui is not installed in "
              + ADMIN_UI.getParent().getParent().getParent().toAbsolutePath().normalize()
              + ": run `mvn -pl server generate-test-resources` (it runs `npm ci` there), or `npm ci` in that directory");
    }
    try (TestServer server = TestServer.start(Backend.H2, Map.of("ADMIN_PASSWORD", PASSWORD))) {
      Map<String, String> env =
          Map.of(
              "NEXUS_URL", server.url(),
              "NEXUS_ADMIN_PASSWORD", PASSWORD,
              "NEXUS_SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString(),
              "NEXUS_CHROMIUM", CHROMIUM.toString(),
              "HOME", workDir.toString());
      try (ChildProcess browser = ChildProcess.node(workDir, env, SCRIPT)) {
        int exit = browser.waitFor(BROWSER_TIMEOUT_S);
        System.out.println(browser.output());
        assertThat(exit)
            .as("admin-ui-browser.mjs exit code; its output:\n%s", browser.output())
            .isZero();
        assertThat(browser.output()).contains("admin browser: 7 passed, 0 failed");
      }
    }
  }

  private static void requireBrowser() {
    if (Files.isExecutable(CHROMIUM)) {
      return;
    }
    String message =
        "no Chromium at "
            + CHROMIUM
            + " (install it: apt-get install -y chromium; or set NEXUS_CHROMIUM)";
    if ("1".equals(System.getenv("NEXUS_REQUIRE_BROWSER")) || "true".equals(System.getenv("CI"))) {
      fail("the browser test is required here, but there is " + message);
    }
    Assumptions.abort("browser test skipped: " + message);
  }
}
