package chat.nexus.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one of the browser scripts of src/test/js (built on kit.mjs: playwright-core driving the
 * system's Chromium) against a running server, and fails with its output unless every step passed.
 * Screenshots go to target/screenshots/&lt;script name&gt;.
 *
 * <p>Without Chromium the test is skipped with a message, unless NEXUS_REQUIRE_BROWSER=1 or
 * CI=true, where it fails: CI installs Chromium (.ci/run).
 */
public final class BrowserScript {

  private static final Path SCRIPTS = Path.of("src", "test", "js");
  private static final Path PLAYWRIGHT =
      SCRIPTS.resolve(Path.of("node_modules", "playwright-core"));
  public static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("NEXUS_CHROMIUM", "/usr/bin/chromium"));
  private static final long TIMEOUT_S = 240;

  private BrowserScript() {}

  /** Runs src/test/js/{@code script} with NEXUS_URL = the server and the extra variables. */
  public static String run(
      Path workDir, String script, TestServer server, Map<String, String> env) {
    requireBrowser();
    if (!Files.isDirectory(PLAYWRIGHT)) {
      fail(
          "playwright-core is not installed in "
              + PLAYWRIGHT.getParent().toAbsolutePath().normalize()
              + ": run `mvn -pl server generate-test-resources` (it runs `npm ci` there)");
    }
    String name = script.replaceFirst("\\.mjs$", "");
    Map<String, String> all = new HashMap<>(env);
    all.put("NEXUS_URL", server.url());
    all.put(
        "NEXUS_SCREENSHOTS", Path.of("target", "screenshots", name).toAbsolutePath().toString());
    all.put("NEXUS_CHROMIUM", CHROMIUM.toString());
    all.put("NEXUS_JWT_SECRET", TestServer.SECRET);
    all.put("HOME", workDir.toString());
    String node = System.getenv().getOrDefault("NEXUS_NODE", "node");
    Path path = SCRIPTS.resolve(script).toAbsolutePath();
    try (ChildProcess browser = ChildProcess.start(workDir, all, List.of(node, path.toString()))) {
      int exit = browser.waitFor(TIMEOUT_S);
      System.out.println(browser.output());
      assertThat(exit).as("%s exit code; its output:\n%s", script, browser.output()).isZero();
      assertThat(browser.output()).contains(", 0 failed");
      return browser.output();
    }
  }

  /** Skips the test without Chromium, or fails where the browser tests are required. */
  public static void requireBrowser() {
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
    org.junit.jupiter.api.Assumptions.abort("browser test skipped: " + message);
  }
}
