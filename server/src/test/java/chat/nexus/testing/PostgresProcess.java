package chat.nexus.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own (initdb in a temp directory, a free port on 127.0.0.1,
 * trust authentication), to stop and start again under a running server: the shared PostgreSQL on
 * 5432 is never touched. Uses the newest /usr/lib/postgresql/N/bin (or NEXUS_PG_BIN); as root, the
 * programs run as the postgres user (PostgreSQL refuses to run as root). fsync is off: these tests
 * are about the server's answers while the database is away, not about PostgreSQL's own durability.
 */
public final class PostgresProcess implements AutoCloseable {

  private static final long COMMAND_TIMEOUT_S = 60;

  private final Path bin;
  private final Path dir;
  private final int port;
  private boolean running;

  private PostgresProcess(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** A new cluster, initialised and not started. */
  public static PostgresProcess create() {
    Path bin = binaries();
    Path dir;
    int port;
    try {
      dir = Files.createTempDirectory("nexus-pg-");
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
    } catch (IOException e) {
      throw new AssertionError("cannot prepare a PostgreSQL directory: " + e, e);
    }
    PostgresProcess pg = new PostgresProcess(bin, dir, port);
    if (isRoot()) {
      pg.run(List.of("chown", "postgres", dir.toString()), false);
    }
    pg.run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync"),
        true);
    return pg;
  }

  public int port() {
    return port;
  }

  /** The JDBC URL of its {@code postgres} database (user postgres, no password). */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** Starts it and waits until it accepts connections. */
  public void start() {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-l",
            dir.resolve("log").toString(),
            "-w",
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"),
        true);
    running = true;
  }

  /**
   * Stops it as an operator would ("fast": open sessions are ended with an error, then it exits).
   */
  public void stop() {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-m",
            "fast",
            "-w",
            "stop"),
        true);
    running = false;
  }

  @Override
  public void close() {
    try {
      if (running) {
        run(
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-m",
                "immediate",
                "-w",
                "stop"),
            true);
        running = false;
      }
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp directory left behind is not worth failing a test for
      }
    }
  }

  static Path binaries() {
    String configured = System.getenv("NEXUS_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin").resolve("initdb")))
          .max(
              Comparator.comparingInt(
                  v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
          .map(v -> v.resolve("bin"))
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no initdb under /usr/lib/postgresql/*/bin: install PostgreSQL or set NEXUS_PG_BIN"));
    } catch (IOException e) {
      throw new AssertionError(
          "PostgreSQL's programs are needed for this test (/usr/lib/postgresql/*/bin or NEXUS_PG_BIN): "
              + e,
          e);
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Runs a command (as postgres when we are root and {@code asPostgres}); fails with its output.
   */
  private void run(List<String> command, boolean asPostgres) {
    run(dir, command, asPostgres, this::log);
  }

  /**
   * Runs a command in {@code dir} (as postgres when we are root and {@code asPostgres}); fails with
   * its output and {@code logs}.
   */
  static void run(
      Path dir,
      List<String> command,
      boolean asPostgres,
      java.util.function.Supplier<String> logs) {
    List<String> full = new ArrayList<>();
    if (asPostgres && isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process =
          new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", full) + " failed:\n" + new String(output) + logs.get());
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + full + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private String log() {
    try {
      Path log = dir.resolve("log");
      return Files.exists(log) ? "\n---- PostgreSQL log ----\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
