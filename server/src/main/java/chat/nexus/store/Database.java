package chat.nexus.store;

import chat.nexus.config.Config;
import chat.nexus.errors.ApiException;
import chat.nexus.retry.Backoff;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool (HikariCP) and schema migrations (Flyway), on PostgreSQL (DATABASE_URL) or on
 * an embedded H2 file in PostgreSQL mode. JDBC blocks: use it from worker threads only. {@link
 * #health()} says whether the database answers; while it does not, {@link #connection()} fails at
 * once with UNAVAILABLE.
 *
 * <p>Durability: a commit returns only once the database has it. PostgreSQL writes its WAL to disk
 * (fsync) before answering a commit (its defaults, fsync and synchronous_commit on). H2 is opened
 * with WRITE_DELAY=0: each commit hands its changes to the operating system (a write system call)
 * before it returns, so an acknowledged message survives the end of this process, however abrupt
 * (SIGKILL, an OOM exit, a container killed); H2 does not fsync on commit, so an operating-system
 * crash or a power loss can still lose the last seconds of commits (what the kernel had not written
 * back yet).
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /**
   * How long a request may wait for a pooled connection. Every user of the pool runs on a worker
   * pool no larger than it (plus the one message writer), so a wait here means connections are
   * broken or being made, not that they are busy: waiting longer would only delay the answer in an
   * outage.
   */
  static final long CONNECTION_TIMEOUT_MS = 500;

  /**
   * How long checking a borrowed idle connection may take (HikariCP's floor; under the wait above).
   */
  static final long VALIDATION_TIMEOUT_MS = 250;

  /**
   * PostgreSQL driver: connecting to a host that does not answer (a dropped SYN) gives up after
   * this.
   */
  static final int CONNECT_TIMEOUT_S = 2;

  /**
   * PostgreSQL driver: a read that gets nothing for this long fails, so a connection cut without a
   * reset (a network partition) ends in an outage answer instead of a hang. Far above any statement
   * of this server (indexed reads of at most 100 rows, batched inserts); migrations use their own
   * connection.
   */
  static final int SOCKET_TIMEOUT_S = 30;

  /** A /ready or probe round trip: the statement that checks a connection. */
  static final int VALID_CHECK_S = 1;

  /** Between two connection attempts at start: doubling from the first to the last. */
  static final long START_RETRY_FIRST_MS = 250;

  static final long START_RETRY_MAX_MS = 5_000;

  /** No jitter: one process waits for its own database, there is no crowd to spread. */
  private static final Backoff START_RETRY =
      new Backoff(START_RETRY_FIRST_MS, START_RETRY_MAX_MS, Backoff.Jitter.NONE);

  private final HikariDataSource dataSource;
  private final boolean postgres;
  private final DatabaseHealth health;

  private Database(HikariDataSource dataSource, boolean postgres, DatabaseHealth health) {
    this.dataSource = dataSource;
    this.postgres = postgres;
    this.health = health;
  }

  /**
   * Opens the pool, waits for the database (retrying with backoff for {@code startTimeoutMs}) and
   * migrates the schema. Blocking. Throws {@link DatabaseUnreachableException} (one line, no
   * credentials) when the database does not answer in time or refuses the connection.
   */
  public static Database open(Config config, DatabaseOptions options) {
    HikariConfig hikari = new HikariConfig();
    boolean postgres;
    String description;
    if (config.databaseUrl() == null) {
      Path file = Path.of(config.dataDir()).toAbsolutePath().resolve("nexus");
      // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while
      // ChatServer.stop() (run
      // by another shutdown hook, concurrently) is still storing the queued messages; stop() closes
      // the pool.
      // WRITE_DELAY=0: a commit is written out before it returns (see the class comment), not up to
      // 500 ms later.
      hikari.setJdbcUrl(
          "jdbc:h2:file:"
              + file
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
      hikari.setUsername("sa");
      hikari.setPassword("");
      postgres = false;
      description = "the H2 database in DATA_DIR (" + file + ")";
    } else if (config.databaseUrl().startsWith("jdbc:")) {
      hikari.setJdbcUrl(config.databaseUrl());
      postgres = config.databaseUrl().startsWith("jdbc:postgresql:");
      description = "DATABASE_URL (" + where(config.databaseUrl()) + ")";
    } else {
      applyPostgresUrl(hikari, config.databaseUrl());
      postgres = true;
      description = "DATABASE_URL (" + where(hikari.getJdbcUrl()) + ")";
    }
    if (postgres) {
      hikari.setJdbcUrl(options.pooler().jdbcUrl(hikari.getJdbcUrl()));
      description += options.pooler().description();
      // Defaults only: parameters in a jdbc: DATABASE_URL win over these.
      hikari.addDataSourceProperty("connectTimeout", CONNECT_TIMEOUT_S);
      hikari.addDataSourceProperty("socketTimeout", SOCKET_TIMEOUT_S);
      hikari.addDataSourceProperty("tcpKeepAlive", true);
    }
    hikari.setMaximumPoolSize(config.dbPoolSize());
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    hikari.setValidationTimeout(VALIDATION_TIMEOUT_MS);
    // The database answered just before (awaitDatabase); should it go away right now, the pool
    // starts anyway
    // and the first requests find the outage, rather than a start-up failure with a stack trace.
    hikari.setInitializationFailTimeout(-1);
    hikari.setPoolName("nexus-db");
    awaitDatabase(hikari, description, options.startTimeoutMs());
    HikariDataSource dataSource = new HikariDataSource(hikari);
    DatabaseHealth health = new DatabaseHealth(description, () -> answers(dataSource));
    try {
      options
          .pooler()
          .migrations(migrations(hikari))
          .locations(migrationLocations(postgres))
          .load()
          .migrate();
    } catch (RuntimeException e) {
      health.close();
      dataSource.close();
      throw e;
    }
    return new Database(dataSource, postgres, health);
  }

  /**
   * Migrations get connections of their own: Flyway holds one for its lock while it migrates on
   * another, which a pool of one could not give; and on PostgreSQL building an index on a large
   * table may rightly take longer than the pool's socket timeout.
   */
  private static FluentConfiguration migrations(HikariConfig hikari) {
    return Flyway.configure()
        .dataSource(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
  }

  /**
   * db/migration runs on both databases; db/postgresql holds what only PostgreSQL has (the messages
   * table partitioned by month), with version numbers the shared migrations do not use.
   */
  static String[] migrationLocations(boolean postgres) {
    return postgres
        ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
        : new String[] {"classpath:db/migration"};
  }

  /** Host, port and database of a JDBC URL, never its credentials or parameters. */
  static String where(String jdbcUrl) {
    String url = jdbcUrl.replaceFirst("^jdbc:", "").replaceAll("//[^/@]*@", "//");
    int query = url.indexOf('?');
    url = query >= 0 ? url.substring(0, query) : url;
    return url.startsWith("postgresql://")
        ? "PostgreSQL " + url.substring("postgresql://".length())
        : url;
  }

  /**
   * Waits until the database gives a connection, trying again with backoff while it cannot be
   * reached, at most {@code timeoutMs}; one log line when it has to wait. A database that answers
   * with a refusal (bad password, no such database) fails at once: waiting would not change it.
   * Tries through the driver, before the pool exists: a pool would keep connecting in the
   * background and, closed while it waits between attempts, log a warning of its own.
   */
  private static void awaitDatabase(HikariConfig hikari, String description, long timeoutMs) {
    Properties properties = new Properties();
    properties.putAll(hikari.getDataSourceProperties());
    if (hikari.getUsername() != null) {
      properties.setProperty("user", hikari.getUsername());
    }
    if (hikari.getPassword() != null) {
      properties.setProperty("password", hikari.getPassword());
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    int failures = 0;
    boolean waiting = false;
    while (true) {
      try (Connection connection = DriverManager.getConnection(hikari.getJdbcUrl(), properties)) {
        if (waiting) {
          LOG.info("{} answers; starting", description);
        }
        return;
      } catch (SQLException e) {
        String reason = DatabaseHealth.reason(e);
        if (!DatabaseHealth.isConnectionFailure(e)) {
          throw new DatabaseUnreachableException(
              description + " refused the connection: " + reason);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new DatabaseUnreachableException(
              description
                  + " could not be reached within "
                  + timeoutMs
                  + " ms (DB_START_TIMEOUT_MS): "
                  + reason);
        }
        if (!waiting) {
          LOG.warn(
              "{} cannot be reached ({}); trying again for up to {} ms (DB_START_TIMEOUT_MS)",
              description,
              reason,
              timeoutMs);
          waiting = true;
        }
        try {
          Thread.sleep(Math.min(START_RETRY.delayMs(failures++), left));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new DatabaseUnreachableException(
              description + " could not be reached: interrupted");
        }
      }
    }
  }

  /** A round trip through the pool: true when the database answered. Blocking. */
  private static boolean answers(HikariDataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(VALID_CHECK_S);
    } catch (SQLException e) {
      return false;
    }
  }

  /** postgres://user:pass@host:port/db?sslmode=... to a JDBC URL with separate credentials. */
  static void applyPostgresUrl(HikariConfig hikari, String url) {
    URI uri = URI.create(url);
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    hikari.setJdbcUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query);
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
      hikari.setUsername(URLDecoder.decode(user, StandardCharsets.UTF_8));
      if (colon >= 0) {
        hikari.setPassword(
            URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
      }
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public boolean isPostgres() {
    return postgres;
  }

  /** Whether the database answers, as far as this node knows. */
  public DatabaseHealth health() {
    return health;
  }

  /**
   * A pooled connection. While the database is down: UNAVAILABLE at once; a failure to connect that
   * starts an outage: UNAVAILABLE too (see {@link DatabaseHealth#failed}).
   */
  public Connection connection() throws SQLException {
    health.check();
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      if (health.failed(e) instanceof ApiException unavailable) {
        throw unavailable;
      }
      throw e;
    }
  }

  /** Publishes HikariCP's pool meters (hikaricp_connections_*) to a Micrometer registry; once. */
  public void bindMetrics(Object micrometerRegistry) {
    if (dataSource.getMetricRegistry() == null) {
      dataSource.setMetricRegistry(micrometerRegistry);
    }
  }

  public int activeConnections() {
    return dataSource.getHikariPoolMXBean() == null
        ? 0
        : dataSource.getHikariPoolMXBean().getActiveConnections();
  }

  /**
   * A cheap round trip, for /ready; false at once while the database is known to be down. Blocking.
   */
  public boolean isReachable() {
    if (!health.isUp()) {
      return false;
    }
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(VALID_CHECK_S);
    } catch (SQLException e) {
      health.failed(e);
      return false;
    }
  }

  @Override
  public void close() {
    health.close();
    dataSource.close();
  }
}
