package chat.nexus.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary and a streaming replica of the test's own, in a temp directory on two free
 * ports of 127.0.0.1: initdb for the primary (wal_level=replica; initdb's trust rules already let
 * 127.0.0.1 replicate), pg_basebackup -R for the replica, which then follows the primary. The
 * primary can be killed (SIGKILL, the postmaster and every backend, as a machine that dies) and the
 * replica promoted. As root, the programs run as the postgres user. With {@code synchronous}, a
 * commit on the primary returns only once the replica has flushed it (synchronous_standby_names),
 * so no acknowledged commit is lost when the primary dies. fsync is off on both: these tests kill
 * processes, not the machine.
 */
public final class ReplicatedPostgres implements AutoCloseable {

  private static final long COMMAND_TIMEOUT_S = 60;
  private static final long KILL_POLL_MS = 5;

  private final Path bin = PostgresProcess.binaries();
  private final Path dir;
  private final int primaryPort;
  private final int replicaPort;
  private boolean primaryRunning;
  private boolean replicaRunning;

  private ReplicatedPostgres(Path dir, int primaryPort, int replicaPort) {
    this.dir = dir;
    this.primaryPort = primaryPort;
    this.replicaPort = replicaPort;
  }

  /** Makes both and starts them; the replica is streaming when this returns. */
  public static ReplicatedPostgres start(boolean synchronous) {
    ReplicatedPostgres pg;
    try {
      Path dir = Files.createTempDirectory("nexus-pg-pair-");
      pg = new ReplicatedPostgres(dir, freePort(), freePort());
    } catch (IOException e) {
      throw new AssertionError("cannot prepare PostgreSQL directories: " + e, e);
    }
    try {
      pg.create(synchronous);
      return pg;
    } catch (RuntimeException | AssertionError e) {
      pg.close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  private void create(boolean synchronous) {
    if (PostgresProcess.isRoot()) {
      run(List.of("chown", "postgres", dir.toString()), false);
    }
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            primaryData().toString(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync"),
        true);
    pgCtl(
        primaryData(),
        "primary.log",
        primaryPort,
        "-c wal_level=replica -c max_wal_senders=4"
            + (synchronous ? " -c synchronous_standby_names=*" : ""));
    primaryRunning = true;
    run(
        List.of(
            bin.resolve("pg_basebackup").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(primaryPort),
            "-U",
            "postgres",
            "-D",
            replicaData().toString(),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync"),
        true);
    pgCtl(replicaData(), "replica.log", replicaPort, "-c hot_standby=on");
    replicaRunning = true;
  }

  private void pgCtl(Path data, String log, int port, String settings) {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve(log).toString(),
            "-w",
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off " + settings,
            "start"),
        true);
  }

  private Path primaryData() {
    return dir.resolve("primary");
  }

  private Path replicaData() {
    return dir.resolve("replica");
  }

  public int primaryPort() {
    return primaryPort;
  }

  public int replicaPort() {
    return replicaPort;
  }

  /** The {@code postgres} database on one port, user postgres, no password. */
  public static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  public Connection connect(int port) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(port));
  }

  /** Stops the replica replaying the primary's WAL (it still receives it), or lets it go on. */
  public void pauseReplay(boolean paused) throws SQLException {
    try (Connection c = connect(replicaPort)) {
      c.createStatement()
          .execute(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
    }
  }

  /** SIGKILL to the primary's postmaster and all its processes: no shutdown, no goodbye. */
  public void killPrimary() {
    try {
      long pid = Long.parseLong(Files.readAllLines(primaryData().resolve("postmaster.pid")).get(0));
      ProcessHandle postmaster =
          ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no postmaster " + pid));
      List<ProcessHandle> children = postmaster.children().toList();
      postmaster.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      // Dead once its port refuses: the process itself may linger as a zombie until its parent
      // (not us: pg_ctl left it) reaps it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_S);
      while (accepts(primaryPort) && System.nanoTime() < deadline) {
        Thread.sleep(KILL_POLL_MS);
      }
      primaryRunning = false;
    } catch (Exception e) {
      throw new AssertionError("cannot kill the primary: " + e, e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) KILL_POLL_MS * 100);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the replica ("immediate": as if it died). */
  public void stopReplica() {
    stop(replicaData());
    replicaRunning = false;
  }

  /** Makes the replica the primary and waits until it takes writes. */
  public void promote() {
    run(
        List.of(bin.resolve("pg_ctl").toString(), "-D", replicaData().toString(), "-w", "promote"),
        true);
  }

  private void stop(Path data) {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "immediate",
            "-w",
            "stop"),
        true);
  }

  @Override
  public void close() {
    try {
      if (replicaRunning) {
        stopReplica();
      }
    } finally {
      try {
        if (primaryRunning) {
          stop(primaryData());
          primaryRunning = false;
        }
      } finally {
        try (Stream<Path> paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // a temp directory left behind is not worth failing a test for
        }
      }
    }
  }

  /**
   * Runs a command (as postgres when we are root and {@code asPostgres}); fails with its output.
   */
  private void run(List<String> command, boolean asPostgres) {
    PostgresProcess.run(dir, command, asPostgres, this::logs);
  }

  /** Both servers' logs, for a failure's message. */
  public String logs() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("primary.log", "replica.log")) {
      Path log = dir.resolve(name);
      try {
        if (Files.exists(log)) {
          out.append("\n---- ").append(name).append(" ----\n").append(Files.readString(log));
        }
      } catch (IOException e) {
        out.append("\n(").append(name).append(" unreadable: ").append(e).append(')');
      }
    }
    return out.toString();
  }
}
