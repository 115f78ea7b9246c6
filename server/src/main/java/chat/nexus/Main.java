package chat.nexus;

import chat.nexus.bench.FanoutServer;
import chat.nexus.config.ConfigException;
import chat.nexus.config.Environment;
import chat.nexus.config.SecretValues;
import chat.nexus.conformance.ConformanceServer;
import chat.nexus.http.HttpListeners;
import chat.nexus.ops.NodeDrain;
import chat.nexus.store.DatabaseUnreachableException;
import chat.nexus.telemetry.ErrorReports;
import chat.nexus.web.AssetExport;
import chat.nexus.web.StaticOptions;
import chat.nexus.web.WebFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Entry point of nexus-chat.jar. */
@Command(
    name = "nexus-chat",
    mixinStandardHelpOptions = true,
    description =
        "Nexus Chat server. Without a subcommand: the chat server, configured by environment variables and ./.env.",
    subcommands = {
      Main.Conformance.class,
      Main.BenchFanout.class,
      Main.BenchRateLimit.class,
      Main.BenchAdapters.class,
      Main.ExportAssets.class
    })
public final class Main implements Callable<Integer> {

  private static final long START_TIMEOUT_S = 30;

  /** Exit status when a setting is bad. */
  static final int EXIT_CONFIGURATION = 2;

  /** Exit status when the server could not start for another reason (a port taken). */
  static final int EXIT_START_FAILED = 1;

  /** Exit status when the database cannot be reached at start. */
  static final int EXIT_DATABASE_UNREACHABLE = 3;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The chat server on the configuration from the environment and .env. A bad setting, found while
   * reading them or while starting (a metrics port in use), ends the process with {@link
   * #EXIT_CONFIGURATION} and one line per problem ({@link StartupLog}: JSON in production).
   */
  @Override
  public Integer call() throws Exception {
    Map<String, String> env = Environment.variables();
    StartupLog log = StartupLog.prepare(env);
    ErrorReports.hide(SecretValues.of(env));
    ChatServer server;
    try {
      ServerConfig settings = ServerConfig.from(env);
      log.configuration(settings, env);
      server = ChatServer.start(settings);
    } catch (ConfigException e) {
      log.refused(e);
      return EXIT_CONFIGURATION;
    } catch (DatabaseUnreachableException e) {
      log.cannotStart(e);
      return EXIT_DATABASE_UNREACHABLE;
    } catch (Exception e) {
      log.failed(e);
      return EXIT_START_FAILED;
    }
    // SIGTERM drains (DRAIN_GRACE_MS, then waves of closes); a drain begun by POST
    // /api/admin/drain ends the process once the node has stopped.
    NodeDrain drain = server.drain();
    exitWhenStopped(drain, System::exit);
    Thread stopper =
        new Thread(
            () -> {
              drain.start("SIGTERM");
              try {
                drain.stopped().join();
              } catch (RuntimeException e) {
                // logged by the drain; the process ends all the same
              }
            },
            "nexus-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    Thread.currentThread().join();
    return 0;
  }

  /**
   * Ends the process once {@code drain} has stopped the node: status 0, or 1 when the drain failed
   * (a node left running would refuse every client and answer 503 on /ready).
   */
  static void exitWhenStopped(NodeDrain drain, IntConsumer exit) {
    // On a thread of its own: never on the shutdown hook, which would wait for itself in exit().
    drain
        .stopped()
        .whenComplete(
            (done, failure) ->
                new Thread(() -> exit.accept(failure == null ? 0 : 1), "nexus-exit").start());
  }

  static Vertx newVertx() {
    return Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  }

  /** Starts a server, prints where it listens, and keeps the process alive until it is stopped. */
  static int serve(String what, Function<Vertx, Future<HttpListeners>> starter)
      throws InterruptedException {
    Vertx vertx = newVertx();
    CountDownLatch started = new CountDownLatch(1);
    Throwable[] failure = {null};
    starter
        .apply(vertx)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                System.out.println(
                    what
                        + " listening on port "
                        + result.result().port()
                        + " (native transport: "
                        + vertx.isNativeTransportEnabled()
                        + ")");
              } else {
                failure[0] = result.cause();
              }
              started.countDown();
            });
    if (!started.await(START_TIMEOUT_S, TimeUnit.SECONDS) || failure[0] != null) {
      System.err.println(
          "could not start: " + (failure[0] != null ? failure[0].getMessage() : "timed out"));
      vertx.close();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "shutdown"));
    Thread.currentThread().join();
    return 0;
  }

  /** Where a bare server listens. */
  static final class Listen {
    @Option(
        names = "--port",
        defaultValue = "3000",
        description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--host",
        defaultValue = "0.0.0.0",
        description = "Address (default: ${DEFAULT-VALUE}).")
    String host;
  }

  @Command(
      name = "export-assets",
      mixinStandardHelpOptions = true,
      description =
          "Writes the web client's hashed assets (with .br and .gz beside them) under DIR/assets/, for a CDN's storage.")
  static final class ExportAssets implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "Where to write assets/ (created if missing).")
    Path dir;

    @Override
    public Integer call() throws IOException {
      int written = AssetExport.write(WebFiles.load(StaticOptions.local()), dir);
      System.out.println(written + " files written under " + dir.resolve("assets"));
      return 0;
    }
  }

  @Command(
      name = "conformance",
      mixinStandardHelpOptions = true,
      description = "The bare Socket.IO/Engine.IO server the official protocol test suites expect.")
  static final class Conformance implements Callable<Integer> {
    @Mixin Listen listen;

    @Option(
        names = "--event-loops",
        defaultValue = "1",
        description =
            "HTTP server instances, one per event loop (default: ${DEFAULT-VALUE}; see ConformanceServer).")
    int eventLoops;

    @Override
    public Integer call() throws InterruptedException {
      return serve(
          "conformance server",
          vertx -> ConformanceServer.start(vertx, listen.host, listen.port, eventLoops));
    }
  }

  @Command(
      name = "bench-fanout",
      mixinStandardHelpOptions = true,
      description =
          "A bare room fan-out app for the Socket.IO benchmark (auth {room}, 'send' -> 'msg' to the room).")
  static final class BenchFanout implements Callable<Integer> {
    @Mixin Listen listen;

    @Option(
        names = "--event-loops",
        defaultValue = "2",
        description = "HTTP server instances, one per event loop (default: ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(
        names = "--redis-url",
        description =
            "Redis adapter: rooms span every node started on this Redis (default: single node).")
    String redisUrl;

    @Override
    public Integer call() throws InterruptedException {
      return serve(
          "fan-out benchmark server" + (redisUrl != null ? " (Redis adapter)" : ""),
          vertx -> FanoutServer.start(vertx, listen.host, listen.port, eventLoops, redisUrl));
    }
  }

  @Command(
      name = "bench-ratelimit",
      mixinStandardHelpOptions = true,
      description =
          "Measures the latency a rate-limit check adds, local and on Redis (BENCHMARKS.md).")
  static final class BenchRateLimit implements Callable<Integer> {
    @Option(
        names = "--redis",
        description =
            "Redis URL, e.g. redis://127.0.0.1:6379 (keys under a random prefix; omit for local only).")
    String redis;

    @Option(
        names = "--checks",
        defaultValue = "200000",
        description = "Checks per limiter (default: ${DEFAULT-VALUE}).")
    int checks;

    @Option(
        names = "--concurrency",
        defaultValue = "16",
        description = "Checks in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
        names = "--users",
        defaultValue = "10000",
        description = "Distinct subjects (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(
        names = "--rate",
        defaultValue = "0",
        description = "Checks per second, open loop (default: 0 = closed loop with --concurrency).")
    long rate;

    @Override
    public Integer call() throws Exception {
      chat.nexus.bench.RateLimitBench.run(redis, checks, concurrency, users, rate);
      return 0;
    }
  }

  @Command(
      name = "bench-adapters",
      mixinStandardHelpOptions = true,
      description =
          "What the classic and the sharded Redis adapter cost per room broadcast, with one publishing"
              + " node and N subscriber nodes in this process (BENCHMARKS.md).")
  static final class BenchAdapters implements Callable<Integer> {
    @Option(names = "--redis", required = true, description = "Redis URL (a Redis 7 of its own).")
    String redis;

    @Option(
        names = "--adapter",
        defaultValue = "classic",
        description = "classic or sharded (default: ${DEFAULT-VALUE}).")
    String adapter;

    @Option(
        names = "--nodes",
        defaultValue = "3",
        description = "Subscriber nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
        names = "--rooms",
        defaultValue = "1000",
        description = "Rooms (default: ${DEFAULT-VALUE}).")
    int rooms;

    @Option(
        names = "--nodes-per-room",
        defaultValue = "2",
        description = "Nodes each room has members on (default: ${DEFAULT-VALUE}).")
    int nodesPerRoom;

    @Option(
        names = "--members-per-node",
        defaultValue = "5",
        description = "A room's members on each of its nodes (default: ${DEFAULT-VALUE}).")
    int membersPerNode;

    @Option(
        names = "--rate",
        defaultValue = "1000",
        description = "Broadcasts per second, to the rooms in turn (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
        names = "--warmup",
        defaultValue = "10",
        description = "Seconds (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
        names = "--duration",
        defaultValue = "20",
        description = "Seconds (default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(
        names = "--text",
        defaultValue = "160",
        description = "Characters of text in each message (default: ${DEFAULT-VALUE}).")
    int text;

    @Option(names = "--out", description = "Markdown file the result row is appended to.")
    String out;

    @Option(names = "--csv", description = "CSV file the result row is appended to.")
    String csv;

    @Override
    public Integer call() throws Exception {
      if (!adapter.equals("classic") && !adapter.equals("sharded")) {
        System.err.println("--adapter must be classic or sharded");
        return EXIT_CONFIGURATION;
      }
      chat.nexus.bench.AdapterBench.run(
          new chat.nexus.bench.AdapterBench.Settings(
              redis,
              adapter.equals("sharded"),
              nodes,
              rooms,
              nodesPerRoom,
              membersPerNode,
              rate,
              warmup,
              duration,
              text,
              out,
              csv));
      return 0;
    }
  }
}
