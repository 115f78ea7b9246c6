package chat.nexus.socketio.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs a node:test script (src/test/js, whose npm packages the build installs with {@code npm ci})
 * with a hard time limit and reports each of its top-level tests as a JUnit dynamic test, whose
 * failure carries node's diagnostics. A run that crashes, hangs or reports nothing fails with
 * node's whole output.
 */
public final class NodeTests {

  public static final Path JS_DIR = Path.of("src", "test", "js");

  /**
   * Hard limit for the whole node run (the scenarios take about 20 s);
   * -Dnexus.interop.timeout.s=...
   */
  private static final long NODE_TIMEOUT_S = Long.getLong("nexus.interop.timeout.s", 120);

  private static final Pattern RESULT =
      Pattern.compile("^(not )?ok (\\d+) - (.*?)(?: # (SKIP|TODO)\\b.*)?$");

  /** One scenario's result from the TAP stream. */
  private record Scenario(String name, boolean passed, boolean skipped, String details) {}

  private record NodeRun(int exitCode, boolean timedOut, String stdout, String stderr) {
    String all() {
      return "---- node stdout ----\n" + stdout + "\n---- node stderr ----\n" + stderr;
    }
  }

  private NodeTests() {}

  /**
   * Runs {@code script} (a file in {@link #JS_DIR}) with these extra environment variables and
   * returns one dynamic test per scenario.
   */
  public static List<DynamicTest> run(String script, Map<String, String> env) throws Exception {
    String node = nodeExecutable();
    Path path = JS_DIR.resolve(script);
    assertThat(path).as("node scenarios (run from the module directory)").exists();
    assertThat(JS_DIR.resolve("node_modules").resolve("socket.io-client"))
        .as(
            "the npm packages are not installed in %s: the build runs `npm ci` there at generate-test-resources"
                + " (or run `npm ci` in it by hand)",
            JS_DIR.toAbsolutePath())
        .exists();
    NodeRun run = runNode(node, path, env);
    System.out.println(run.all());
    return tests(run);
  }

  private static List<DynamicTest> tests(NodeRun run) {
    List<Scenario> scenarios = parseTap(run.stdout());
    List<DynamicTest> tests = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      tests.add(
          DynamicTest.dynamicTest(
              scenario.name(),
              () -> {
                if (scenario.skipped()) {
                  Assumptions.abort("skipped by node: " + scenario.name());
                }
                if (!scenario.passed()) {
                  fail(
                      "scenario failed: "
                          + scenario.name()
                          + "\n"
                          + scenario.details()
                          + "\n---- node stderr ----\n"
                          + run.stderr());
                }
              }));
    }
    tests.add(
        DynamicTest.dynamicTest(
            "node finished cleanly",
            () -> {
              if (run.timedOut()) {
                fail(
                    "node did not finish within "
                        + NODE_TIMEOUT_S
                        + " s and was killed\n"
                        + run.all());
              }
              if (scenarios.isEmpty()) {
                fail("node reported no scenario (exit code " + run.exitCode() + ")\n" + run.all());
              }
              if (run.exitCode() != 0 && scenarios.stream().allMatch(Scenario::passed)) {
                fail(
                    "node exited with "
                        + run.exitCode()
                        + " although every scenario passed\n"
                        + run.all());
              }
            }));
    return tests;
  }

  private static String nodeExecutable() {
    String node = System.getenv().getOrDefault("NEXUS_NODE", "node");
    try {
      Process probe = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
      String version =
          new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        fail("`" + node + " --version` failed: " + version);
      }
      return node;
    } catch (IOException e) {
      return fail(
          "Node.js is required for the interop tests with the official client, but `"
              + node
              + "` could not be run ("
              + e.getMessage()
              + "). Install Node 20+ with npm, or point NEXUS_NODE at it.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while probing node");
    }
  }

  private static NodeRun runNode(String node, Path script, Map<String, String> env)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(node, "--test", "--test-reporter=tap", script.toString());
    builder.environment().putAll(env);
    builder.environment().remove("NODE_OPTIONS");
    Process process = builder.start();
    process.getOutputStream().close();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread out = drain(process.getInputStream(), stdout, "node-stdout");
    Thread err = drain(process.getErrorStream(), stderr, "node-stderr");
    boolean finished = process.waitFor(NODE_TIMEOUT_S, TimeUnit.SECONDS);
    if (!finished) {
      // node --test runs the file in a child process: stop the whole tree.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    out.join(TimeUnit.SECONDS.toMillis(10));
    err.join(TimeUnit.SECONDS.toMillis(10));
    return new NodeRun(
        finished ? process.exitValue() : -1,
        !finished,
        stdout.toString(StandardCharsets.UTF_8),
        stderr.toString(StandardCharsets.UTF_8));
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink, String name) {
    Thread thread =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * The top-level results of a node:test TAP stream: "ok N - name" / "not ok N - name", each
   * followed by an indented YAML block (duration, error, stack) that becomes the details.
   */
  static List<Scenario> parseTap(String tap) {
    List<Scenario> scenarios = new ArrayList<>();
    String[] lines = tap.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      Matcher m = RESULT.matcher(lines[i]);
      if (!m.matches()) {
        continue;
      }
      StringBuilder details = new StringBuilder();
      int j = i + 1;
      while (j < lines.length && (lines[j].startsWith(" ") || lines[j].isEmpty())) {
        details.append(lines[j]).append('\n');
        j++;
      }
      boolean skipped = m.group(4) != null;
      scenarios.add(
          new Scenario(
              unescape(m.group(3)), m.group(1) == null || skipped, skipped, details.toString()));
      i = j - 1;
    }
    return scenarios;
  }

  /** node:test escapes "\", "#" and line breaks in TAP names. */
  private static String unescape(String name) {
    return name.replace("\\#", "#").replace("\\\\", "\\");
  }
}
