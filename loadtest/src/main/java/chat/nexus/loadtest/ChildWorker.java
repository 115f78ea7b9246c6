package chat.nexus.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running this same program with {@code --child}. It prints {@code @stats <json>} lines
 * (every 250 ms, and a final one after "stop") and reads "go START END" / "stop" lines.
 */
final class ChildWorker implements Worker {
  private final Process process;
  private final Writer in;
  private final CompletableFuture<Stats> result = new CompletableFuture<>();
  private final int rooms;
  private volatile Stats last;

  ChildWorker(List<String> overrides, int rooms) throws IOException {
    this.rooms = rooms;
    Stats empty = new Stats(rooms);
    empty.ready = false;
    last = empty;
    process =
        new ProcessBuilder(command(overrides))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readLoop, "worker-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * java [same JVM flags] -cp [same class path] LoadTest [same args] [overrides]. Without a GC
   * among the flags, workers use the parallel collector: G1's concurrent card refinement costs a
   * worker about a tenth of its CPU (event-loop handlers are old objects that keep receiving
   * references to new buffers), CPU taken from the server on a shared machine. Tenuring at the
   * first survival moves the connection state to the old generation right after the ramp, so later
   * young pauses copy next to nothing (a few ms instead of tens).
   */
  static List<String> command(List<String> overrides) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (jvm.stream().noneMatch(a -> a.matches("-XX:\\+Use\\w*GC"))) {
      cmd.add("-XX:+UseParallelGC");
      cmd.add("-XX:MaxTenuringThreshold=1");
    }
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(LoadTest.class.getName());
    cmd.addAll(Arrays.asList(LoadTest.args));
    cmd.addAll(overrides);
    return cmd;
  }

  private void readLoop() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(Child.STATS)) {
          Stats s = Stats.fromJson(new JsonObject(line.substring(Child.STATS.length())));
          last = s;
          if (s.last) result.complete(s);
        } else {
          System.err.println("[worker " + process.pid() + "] " + line);
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[worker " + process.pid() + "] read failed: " + e);
    }
    result.completeExceptionally(
        new IllegalStateException("worker " + process.pid() + " exited without a result"));
  }

  private void send(String line) {
    try {
      in.write(line + "\n");
      in.flush();
    } catch (IOException e) {
      System.err.println("[worker " + process.pid() + "] write failed: " + e);
    }
  }

  @Override
  public Stats stats() {
    return last;
  }

  @Override
  public void go(long startMicros, long endMicros) {
    send("go " + startMicros + " " + endMicros);
  }

  @Override
  public void grow(int clients) {
    send("grow " + clients);
  }

  @Override
  public Stats finish() {
    send("stop");
    try {
      Stats s = result.get(60, TimeUnit.SECONDS);
      if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
      return s;
    } catch (Exception e) {
      System.err.println(
          "[worker " + process.pid() + "] no final result (" + e + "); using its last report");
      process.destroyForcibly();
      Stats s = last;
      s.last = true;
      return s;
    }
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public boolean alive() {
    return process.isAlive();
  }
}
