package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client in a real browser: src/test/js/web-client.mjs drives Chromium with playwright-core
 * against a real server (two people sign up, chat, type, see presence, talk directly, lose and
 * regain the connection; a streamed companion reply; AI_BUSY with its automatic retry; a
 * phone-sized screen; markdown in messages, dates, the length limit, Jump to latest, the phone
 * drawer, the guest log-out question; an axe-core audit of each screen in the light and dark
 * themes) and saves a screenshot of each screen under target/screenshots.
 *
 * <p>Without Chromium the test is skipped with a message, unless NEXUS_REQUIRE_BROWSER=1 or
 * CI=true, where it fails: CI installs Chromium (.ci/run).
 */
class WebClientTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "web-client.mjs");
  private static final Path CDN_SCRIPT = Path.of("src", "test", "js", "cdn-assets.mjs");
  private static final Path PLAYWRIGHT =
      Path.of("src", "test", "js", "node_modules", "playwright-core");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("NEXUS_CHROMIUM", "/usr/bin/chromium"));
  private static final long BROWSER_TIMEOUT_S = 420;

  /**
   * One slot and a slow simulated provider: a second companion message meets AI_BUSY while a reply
   * streams.
   */
  /**
   * A leeway of one second: the page's token expiring on an open socket is seen within the step's
   * time.
   */
  private static final Map<String, String> SERVER_ENV =
      Map.of("LLM_MAX_CONCURRENT", "1", "LLM_SIMULATED_TOKEN_MS", "100", "JWT_LEEWAY_SECONDS", "1");

  @TempDir Path workDir;

  @Test
  void twoPeopleAndACompanionInTheBrowser() throws IOException {
    requireBrowser();
    if (!Files.isDirectory(PLAYWRIGHT)) {
      fail(
          "playwright-core is not installed in "
              + PLAYWRIGHT.getParent().toAbsolutePath().normalize()
              + ": run `mvn -pl server generate-test-resources` (it runs `npm ci` there), or `npm ci` in that directory");
    }
    clear(SCREENSHOTS);
    try (TestServer server = TestServer.start(Backend.H2, SERVER_ENV)) {
      Map<String, String> env =
          Map.of(
              "NEXUS_URL", server.url(),
              "NEXUS_ROOM", "web-" + UUID.randomUUID().toString().substring(0, 8),
              "NEXUS_SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString(),
              "NEXUS_CHROMIUM", CHROMIUM.toString(),
              "NEXUS_JWT_SECRET", TestServer.SECRET,
              "HOME", workDir.toString());
      String node = System.getenv().getOrDefault("NEXUS_NODE", "node");
      try (ChildProcess browser =
          ChildProcess.start(workDir, env, List.of(node, SCRIPT.toAbsolutePath().toString()))) {
        int exit = browser.waitFor(BROWSER_TIMEOUT_S);
        System.out.println(browser.output());
        assertThat(exit).as("web-client.mjs exit code; its output:\n%s", browser.output()).isZero();
        assertThat(browser.output()).contains(", 0 failed");
      }
    }
    try (Stream<Path> shots = Files.list(SCREENSHOTS)) {
      assertThat(shots.map(p -> p.getFileName().toString()).toList())
          .contains(
              "01-login.png",
              "02-room-ann.png",
              "03-room-bob.png",
              "05-gallery.png",
              "07-companion.png",
              "11-phone-room.png",
              "01-login-dark.png",
              "02-room-ann-dark.png",
              "03-markdown.png",
              "07-companion-dark.png",
              "11-phone-room-dark.png",
              "13-too-long.png",
              "15-guest-logout.png");
    }
  }

  /**
   * STATIC_BASE_URL in a real browser: the page from one server, its assets from another of the
   * same build on another origin (a CDN's stand-in): module scripts across origins need CORS, and
   * the page's Content-Security-Policy must allow that origin and its import map.
   */
  @Test
  void theAssetsFromAnotherOriginAsBehindACdn() throws IOException {
    requireBrowser();
    try (TestServer cdn = TestServer.start(Backend.H2);
        TestServer server =
            TestServer.start(Backend.H2, Map.of("STATIC_BASE_URL", cdn.url() + "/"))) {
      Map<String, String> env =
          Map.of(
              "NEXUS_URL", server.url(),
              "NEXUS_ASSETS", cdn.url(),
              "NEXUS_CHROMIUM", CHROMIUM.toString(),
              "HOME", workDir.toString());
      String node = System.getenv().getOrDefault("NEXUS_NODE", "node");
      try (ChildProcess browser =
          ChildProcess.start(workDir, env, List.of(node, CDN_SCRIPT.toAbsolutePath().toString()))) {
        int exit = browser.waitFor(BROWSER_TIMEOUT_S);
        System.out.println(browser.output());
        assertThat(exit).as("cdn-assets.mjs exit code; its output:\n%s", browser.output()).isZero();
        assertThat(browser.output()).contains(", 0 failed");
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

  private static void clear(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.toList()) {
        // other scripts keep their screenshots in folders of their own here (BrowserScript)
        if (Files.isRegularFile(p)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
