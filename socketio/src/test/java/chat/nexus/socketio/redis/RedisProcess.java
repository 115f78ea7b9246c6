package chat.nexus.socketio.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port, to stop and start again (the shared one on 6379
 * is never touched). No persistence; the process is killed on close.
 */
public final class RedisProcess implements AutoCloseable {

  private static final long START_TIMEOUT_S = 10;

  final int port;
  private final Path dir;
  private Process process;

  private RedisProcess(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  public static RedisProcess start(Path dir) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    RedisProcess redis = new RedisProcess(port, dir);
    redis.startAgain();
    return redis;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public void startAgain() {
    List<String> command =
        List.of(
            System.getenv().getOrDefault("NEXUS_REDIS_SERVER", "redis-server"),
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString());
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "redis-server is needed for this test ("
              + e.getMessage()
              + "); install it (.ci/run does)",
          e);
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process p = process;
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              ready.completeExceptionally(
                  new AssertionError("redis-server ended before it was ready"));
            },
            "redis-server-output");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new AssertionError("redis-server did not start on port " + port + ": " + e, e);
    }
  }

  /** SIGKILL: the connections drop as when Redis crashes. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
