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
 * and replica on 6391-6392, the sentinels on 26391-26393; when one of them is taken (another run on
 * the same machine), a free range picked at random. Never the shared Redis on 6379.
 */
public final class RedisTopology implements AutoCloseable {

  /** deploy/ from the module the tests run in. */
  public static final Path DEPLOY = Path.of("..", "deploy");

  private static final long SCRIPT_TIMEOUT_S = 60;
  private static final int CLUSTER_PORT = 7100;
  private static final int PRIMARY_PORT = 6391;
  private static final int SENTINEL_PORT = 26391;

  /** A Redis Cluster node also listens on its port + 10000 (the cluster bus). */
  private static final int BUS_OFFSET = 10_000;

  /** Where a random range starts when a preferred one is taken (bus ports stay below 65536). */
  private static final int RANDOM_FROM = 30_000;

  private static final int RANDOM_SPAN = 15_000;
  private static final int RANDOM_TRIES = 50;
  public static final String MASTER_NAME = "nexus";

  private final String script;
  private final Path dir;
  private final List<String> output;
  private final Thread stopper;

  /** The first cluster node, or the first sentinel: who answers questions about the topology. */
  private final int askPort;

  private RedisTopology(String script, Path dir, List<String> output, int askPort) {
    this.askPort = askPort;
    this.script = script;
    this.dir = dir;
    this.output = output;
    this.stopper = new Thread(this::stop, "redis-topology-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
  }

  /**
   * {@code preferred}, or a random port, from which {@code count} ports (and their bus) are free.
   */
  private static int freeRange(int preferred, int count, boolean bus) {
    java.util.Random random = new java.util.Random();
    int base = preferred;
    for (int i = 0; i < RANDOM_TRIES; i++) {
      if (free(base, count) && (!bus || free(base + BUS_OFFSET, count))) {
        return base;
      }
      base = RANDOM_FROM + random.nextInt(RANDOM_SPAN);
    }
    throw new AssertionError("no free range of " + count + " ports");
  }

  private static boolean free(int base, int count) {
    for (int port = base; port < base + count; port++) {
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** A 3-master cluster with a replica each. */
  public static RedisTopology cluster(Path dir) {
    int base = freeRange(CLUSTER_PORT, 6, true);
    return start("redis-cluster.sh", dir, List.of(Integer.toString(base)), base);
  }

  /** A primary, a replica and three sentinels watching it as {@link #MASTER_NAME}. */
  public static RedisTopology sentinel(Path dir) {
    int primary = freeRange(PRIMARY_PORT, 2, false);
    int sentinels = freeRange(SENTINEL_PORT, 3, false);
    return start(
        "redis-sentinel.sh",
        dir,
        List.of(
            Integer.toString(primary), Integer.toString(primary + 1), Integer.toString(sentinels)),
        sentinels);
  }

  private static RedisTopology start(String script, Path dir, List<String> ports, int askPort) {
    List<String> args = new ArrayList<>(List.of("start", dir.toString()));
    args.addAll(ports);
    List<String> output = run(script, args);
    return new RedisTopology(script, dir, output, askPort);
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
    long slot = Long.parseLong(clusterCli("cluster", "keyslot", key).trim());
    for (String line : clusterCli("cluster", "nodes").split("\n")) {
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

  /** A redis-cli answer from the first cluster node that answers (one may have been killed). */
  private String clusterCli(String... command) {
    AssertionError last = null;
    for (int port = askPort; port < askPort + 6; port++) {
      try {
        return cli(port, command);
      } catch (AssertionError e) {
        last = e;
      }
    }
    throw last;
  }

  /** The port of the primary the sentinels name now. */
  public int primary() {
    String[] answer = cli(askPort, "sentinel", "get-master-addr-by-name", MASTER_NAME).split("\n");
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
