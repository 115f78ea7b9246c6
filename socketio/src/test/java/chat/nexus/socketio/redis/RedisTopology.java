package chat.nexus.socketio.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster (3 masters, 3 replicas) or a Sentinel setup (primary, replica, 3 sentinels) as
 * deploy/redis-cluster.sh and deploy/redis-sentinel.sh start them, for one test class: stopped on
 * close, and by a shutdown hook if the JVM ends first. Ports: the cluster on 7100-7105, the primary
 * and replica on 6391-6392, the sentinels on 26391-26393 (NEXUS_REDIS_CLUSTER_PORT, ...
 * _SENTINEL_PORTS move them), never the shared Redis on 6379.
 */
public final class RedisTopology implements AutoCloseable {

  /** deploy/ from the module the tests run in. */
  public static final Path DEPLOY = Path.of("..", "deploy");

  private static final long SCRIPT_TIMEOUT_S = 60;
  private static final int CLUSTER_BASE_PORT = port("NEXUS_REDIS_CLUSTER_PORT", 7100);
  private static final int PRIMARY_PORT = port("NEXUS_REDIS_PRIMARY_PORT", 6391);
  private static final int REPLICA_PORT = PRIMARY_PORT + 1;
  private static final int SENTINEL_BASE_PORT = port("NEXUS_REDIS_SENTINEL_PORTS", 26391);
  public static final String MASTER_NAME = "nexus";

  private final String script;
  private final Path dir;
  private final List<String> output;
  private final Thread stopper;

  private RedisTopology(String script, Path dir, List<String> output) {
    this.script = script;
    this.dir = dir;
    this.output = output;
    this.stopper = new Thread(this::stop, "redis-topology-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
  }

  private static int port(String variable, int fallback) {
    String value = System.getenv(variable);
    return value == null ? fallback : Integer.parseInt(value);
  }

  /** A 3-master cluster with a replica each. */
  public static RedisTopology cluster(Path dir) {
    return start("redis-cluster.sh", dir, List.of(Integer.toString(CLUSTER_BASE_PORT)));
  }

  /** A primary, a replica and three sentinels watching it as {@link #MASTER_NAME}. */
  public static RedisTopology sentinel(Path dir) {
    return start(
        "redis-sentinel.sh",
        dir,
        List.of(
            Integer.toString(PRIMARY_PORT),
            Integer.toString(REPLICA_PORT),
            Integer.toString(SENTINEL_BASE_PORT)));
  }

  private static RedisTopology start(String script, Path dir, List<String> ports) {
    List<String> args = new ArrayList<>(List.of("start", dir.toString()));
    args.addAll(ports);
    List<String> output = run(script, args);
    return new RedisTopology(script, dir, output);
  }

  /** REDIS_URL for the cluster (three seeds), or the Sentinel address. */
  public String address() {
    String url = value("REDIS_URL");
    if (url != null) {
      return url;
    }
    return RedisAddress.sentinelAddress(
        List.of(value("REDIS_SENTINELS").split(",")),
        value("REDIS_MASTER_NAME"),
        java.util.Optional.empty());
  }

  /** The value of a VAR=value line the start script printed, or null. */
  public String value(String name) {
    for (String line : output) {
      if (line.startsWith(name + "=")) {
        return line.substring(name.length() + 1);
      }
    }
    return null;
  }

  /** The port of the cluster master that serves this key's (or shard channel's) slot. */
  public int masterOf(String key) {
    long slot = Long.parseLong(cli(CLUSTER_BASE_PORT, "cluster", "keyslot", key).trim());
    for (String line : cli(CLUSTER_BASE_PORT, "cluster", "nodes").split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        String[] range = f[i].split("-");
        long from = Long.parseLong(range[0]);
        long to = range.length > 1 ? Long.parseLong(range[1]) : from;
        if (slot >= from && slot <= to) {
          return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
        }
      }
    }
    throw new AssertionError("no master serves slot " + slot);
  }

  /** The port of the primary the sentinels name now. */
  public int primary() {
    String[] answer =
        cli(SENTINEL_BASE_PORT, "sentinel", "get-master-addr-by-name", MASTER_NAME).split("\n");
    return Integer.parseInt(answer[1].trim());
  }

  /** SIGKILL of the redis-server on this port, as a crash. */
  public void kill(int port) {
    Path pidFile =
        dir.resolve(
            script.contains("cluster") ? "node-" + port + ".pid" : "redis-" + port + ".pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new AssertionError("cannot kill redis-server on " + port, e);
    }
  }

  /** A redis-cli answer. */
  public static String cli(int port, String... command) {
    List<String> args = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    args.addAll(List.of(command));
    return String.join("\n", exec(args));
  }

  private static List<String> run(String script, List<String> args) {
    List<String> command = new ArrayList<>(List.of(DEPLOY.resolve(script).toString()));
    command.addAll(args);
    return exec(command);
  }

  private static List<String> exec(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return List.of(new String(out, StandardCharsets.UTF_8).split("\n"));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + " (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private void stop() {
    run(script, List.of("stop", dir.toString()));
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException e) {
      // the JVM is ending: the hook runs the stop again, harmlessly
    }
  }
}
