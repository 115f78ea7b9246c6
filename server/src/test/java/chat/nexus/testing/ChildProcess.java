package chat.nexus.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process (a JVM on this test JVM's class path, since the server jar is only built after
 * the tests; or node) with a clean environment and its output (stdout and stderr) captured line by
 * line. {@link #close()} kills it if it is still running.
 */
public final class ChildProcess implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();

  /** Completes when both output streams have ended (after the process exited). */
  private final CompletableFuture<Void> outputEnded;

  private record Watch(Predicate<String> condition, CompletableFuture<String> line) {}

  private ChildProcess(Process process) {
    this.process = process;
    outputEnded =
        CompletableFuture.allOf(
            pump(process.getInputStream(), "out"), pump(process.getErrorStream(), "err"));
    // a watched line that never came: fail the watch once all output is in
    outputEnded.thenRun(
        () ->
            watches.forEach(
                w ->
                    w.line()
                        .completeExceptionally(
                            new AssertionError(
                                "the process ended its output (exit "
                                    + exitValueOrNull()
                                    + ") without the expected line:\n"
                                    + output()))));
  }

  /**
   * Starts {@code java -cp <test class path> mainClass args} in {@code workDir} with only {@code
   * env} (and PATH).
   */
  public static ChildProcess java(
      Path workDir, Map<String, String> env, String mainClass, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return start(workDir, env, command);
  }

  /**
   * The official JavaScript client's package, installed for the socketio module's interop tests
   * (its build runs `npm ci` there at generate-test-resources); the scripts in src/test/js load it
   * from there.
   */
  public static final Path NODE_CLIENT_DIR = Path.of("..", "socketio", "src", "test", "js");

  /**
   * Starts {@code node script} (NEXUS_NODE names another node) in {@code workDir} with only {@code
   * env} (and PATH); fails clearly when socket.io-client is not installed.
   */
  public static ChildProcess node(Path workDir, Map<String, String> env, Path script) {
    if (!Files.isDirectory(NODE_CLIENT_DIR.resolve("node_modules").resolve("socket.io-client"))) {
      throw new AssertionError(
          "socket.io-client is not installed in "
              + NODE_CLIENT_DIR.toAbsolutePath().normalize()
              + ": run `mvn -pl socketio generate-test-resources` (it runs `npm ci` there), or `npm ci` in that directory");
    }
    if (!Files.isRegularFile(script)) {
      throw new AssertionError(
          "no node script "
              + script.toAbsolutePath()
              + " (tests run from the server module's directory)");
    }
    String node = System.getenv().getOrDefault("NEXUS_NODE", "node");
    Map<String, String> withClient = new java.util.HashMap<>(env);
    withClient.put("NEXUS_CLIENT_DIR", NODE_CLIENT_DIR.toAbsolutePath().normalize() + "/");
    try {
      return start(workDir, withClient, List.of(node, script.toAbsolutePath().toString()));
    } catch (AssertionError e) {
      throw new AssertionError(
          "Node.js 20+ is needed (`"
              + node
              + "` could not be run); install it or point NEXUS_NODE at it",
          e);
    }
  }

  public static ChildProcess start(Path workDir, Map<String, String> env, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    String path = builder.environment().get("PATH");
    builder.environment().clear();
    if (path != null) {
      builder.environment().put("PATH", path);
    }
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      return new ChildProcess(process);
    } catch (IOException e) {
      throw new AssertionError("cannot start " + command + ": " + e.getMessage(), e);
    }
  }

  private CompletableFuture<Void> pump(InputStream in, String name) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  lines.add(line);
                  for (Watch watch : watches) {
                    if (watch.condition().test(line)) {
                      watch.line().complete(line);
                    }
                  }
                }
              } catch (IOException e) {
                // the stream was closed
              } finally {
                ended.complete(null);
              }
            },
            "child-process-" + name);
    thread.setDaemon(true);
    thread.start();
    return ended;
  }

  /** Completes with the first output line that matches, including lines already seen. */
  public CompletableFuture<String> line(Predicate<String> condition) {
    CompletableFuture<String> future = new CompletableFuture<>();
    watches.add(new Watch(condition, future));
    lines.stream().filter(condition).findFirst().ifPresent(future::complete);
    if (outputEnded.isDone() && !future.isDone()) {
      future.completeExceptionally(
          new AssertionError("the process ended without the expected line:\n" + output()));
    }
    return future;
  }

  /**
   * Sends SIGTERM. Through the process handle: Process.destroy() sends the same signal but also
   * closes our ends of its pipes, so whatever it logs while stopping would be lost.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /**
   * Sends SIGKILL (Process.destroyForcibly on Unix) and returns at once: the process gets no chance
   * to flush or stop, as in a crash, an OOM exit or a container killed after its grace period.
   */
  public void kill() {
    process.destroyForcibly();
  }

  /** Waits for the exit and for the rest of its output; returns the exit code. */
  public int waitFor(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("the process did not exit within " + seconds + " s:\n" + output());
      }
      Waits.get(outputEnded, "the rest of the process's output");
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private Integer exitValueOrNull() {
    return process.isAlive() ? null : process.exitValue();
  }

  public String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    // children first (nginx's workers, node's test runner): they would outlive a killed parent
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(Waits.TIMEOUT_S, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
