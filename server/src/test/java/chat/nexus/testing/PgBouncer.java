package chat.nexus.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real PgBouncer (Debian's package; NEXUS_PGBOUNCER names another binary) in transaction mode
 * on a free port of 127.0.0.1, in front of the shared test PostgreSQL: a server connection serves a
 * client for one transaction only, and with {@link #POOL_SIZE} of them per database the clients'
 * transactions really move between backends. Database {@link #DATABASE} reaches the test database
 * with its search_path set to one schema, since the pgjdbc {@code currentSchema} parameter is a
 * startup parameter PgBouncer does not pass on. As root, PgBouncer (which refuses to run as root)
 * runs as the postgres user.
 */
public final class PgBouncer implements AutoCloseable {

  /** The name clients connect to. */
  public static final String DATABASE = "nexus";

  /**
   * Server connections per database and user: fewer than two nodes' pools together, so their
   * transactions share backends and a statement prepared in one is missing in the next.
   */
  public static final int POOL_SIZE = 3;

  private final ChildProcess process;
  private final Path dir;
  private final int port;
  private final String user;

  private PgBouncer(ChildProcess process, Path dir, int port, String user) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.user = user;
  }

  /**
   * Starts PgBouncer in front of the test PostgreSQL (see {@link Backend}) with {@code schema} as
   * the search_path of its server connections; returns once a query passes through it.
   */
  public static PgBouncer start(String schema) throws IOException {
    Path dir = Files.createTempDirectory("nexus-pgbouncer-");
    int port = Nginx.freePort();
    String user = Backend.reachablePostgres().replaceFirst(".*[?&]user=([^&]+).*", "$1");
    Path config = dir.resolve("pgbouncer.ini");
    Path users = dir.resolve("userlist.txt");
    Files.writeString(users, "\"" + user + "\" \"\"\n");
    Files.writeString(config, config(port, user, schema, users));
    // readable by the postgres user PgBouncer runs as (a temp directory is private to its owner)
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Path file : List.of(config, users)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(System.getenv().getOrDefault("NEXUS_PGBOUNCER", "/usr/sbin/pgbouncer"));
    command.add(config.toString());
    ChildProcess process = ChildProcess.start(dir, Map.of(), command);
    PgBouncer started = new PgBouncer(process, dir, port, user);
    try {
      Waits.until(started::answers, "PgBouncer to answer (./test.sh installs Debian's pgbouncer)");
    } catch (AssertionError e) {
      started.close();
      throw new AssertionError(e.getMessage() + "\n" + process.output(), e);
    }
    return started;
  }

  /**
   * Transaction pooling and otherwise PgBouncer's defaults (pgjdbc sends no startup parameter it
   * refuses); trust authentication of the one user (its auth_file line has no password); no Unix
   * socket (the Debian default directory belongs to the system's own PgBouncer).
   */
  private static String config(int port, String user, String schema, Path users) {
    return String.join(
        "\n",
        "[databases]",
        DATABASE
            + " = host=127.0.0.1 port=5432 dbname=test user="
            + user
            + " connect_query='SET search_path TO "
            + schema
            + "'",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = " + port,
        "unix_socket_dir =",
        "pidfile =",
        "auth_type = trust",
        "auth_file = " + users,
        "pool_mode = transaction",
        "default_pool_size = " + POOL_SIZE,
        "max_client_conn = 200",
        "");
  }

  private Boolean answers() {
    try (Connection c = DriverManager.getConnection(jdbcUrl() + "&prepareThreshold=0")) {
      return c.isValid(2) ? Boolean.TRUE : null;
    } catch (SQLException e) {
      return null; // not listening yet
    }
  }

  /** A JDBC URL of {@link #DATABASE} through PgBouncer, with no pooler setting of its own. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + user;
  }

  /** What PgBouncer logged (it logs to stderr). */
  public String log() {
    return process.output();
  }

  @Override
  public void close() {
    try {
      process.terminate();
      process.waitFor(Waits.TIMEOUT_S);
    } catch (AssertionError e) {
      // killed below
    } finally {
      process.close();
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp directory left behind is not worth failing a test for
      }
    }
  }
}
