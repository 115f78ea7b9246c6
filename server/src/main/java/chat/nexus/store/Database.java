package chat.nexus.store;

import chat.nexus.config.Config;
import chat.nexus.errors.ApiException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
   * H2's page cache, in KB: H2's own default of 16 MB, or an eighth of the heap when that is less.
   * A larger cache keeps more pages alive long enough to reach the old generation, whose collection
   * then costs more than reading the occasional page back from the file.
   */
  static final long H2_CACHE_KB = Math.min(16 * 1024, Runtime.getRuntime().maxMemory() / 8 / 1024);

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

  /**
   * PostgreSQL driver, several hosts: how long it trusts what it learnt of a host's role (primary
   * or standby, or down). Short, so that a promoted standby is found within a second.
   */
  static final int HOST_RECHECK_S = 1;

  private final HikariDataSource dataSource;
  private final boolean postgres;
  private final DatabaseHealth health;
  private final Optional<ReadReplicas> replicas;

  private Database(
      HikariDataSource dataSource,
      boolean postgres,
      DatabaseHealth health,
      Optional<ReadReplicas> replicas) {
    this.dataSource = dataSource;
    this.postgres = postgres;
    this.health = health;
    this.replicas = replicas;
  }

  /** Work on a connection that reads only. */
  @FunctionalInterface
  public interface Query<T> {
    T run(Connection connection) throws SQLException;
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
      // CACHE_SIZE (KB): see H2_CACHE_KB.
      hikari.setJdbcUrl(
          "jdbc:h2:file:"
              + file
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
              + ";CACHE_SIZE="
              + H2_CACHE_KB);
      hikari.setUsername("sa");
      hikari.setPassword("");
      postgres = false;
      description = "the H2 database in DATA_DIR (" + file + ")";
    } else if (config.databaseUrl().startsWith("jdbc:")
        && !config.databaseUrl().startsWith("jdbc:postgresql:")) {
      hikari.setJdbcUrl(config.databaseUrl());
      postgres = false;
      description = "DATABASE_URL (" + where(config.databaseUrl()) + ")";
    } else {
      PostgresUrl url = primaryUrl(PostgresUrl.parse(config.databaseUrl()));
      usePostgres(hikari, url, options.pooler());
      postgres = true;
      description = "DATABASE_URL (" + url + ")" + options.pooler().description();
    }
    hikari.setMaximumPoolSize(config.dbPoolSize());
    poolTimeouts(hikari);
    hikari.setPoolName("nexus-db");
    DatabaseProbe.awaitAtStart(hikari, description, options.startTimeoutMs());
    HikariDataSource dataSource = new HikariDataSource(hikari);
    String jdbcUrl = hikari.getJdbcUrl();
    Properties driver = DatabaseProbe.driverProperties(hikari);
    DatabaseHealth health =
        new DatabaseHealth(description, () -> DatabaseProbe.answers(jdbcUrl, driver));
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
    Optional<ReadReplicas> replicas =
        options
            .readUrl()
            .map(read -> replicas(dataSource, health, PostgresUrl.parse(read), config, options));
    return new Database(dataSource, postgres, health, replicas);
  }

  /**
   * With several hosts, the driver keeps the first that takes writes, and asks again soon after a
   * host changed role: after a fail-over, new connections find the promoted server.
   */
  static PostgresUrl primaryUrl(PostgresUrl url) {
    return url.hosts().size() > 1
        ? url.withDefault("targetServerType", "primary")
            .withDefault("hostRecheckSeconds", String.valueOf(HOST_RECHECK_S))
        : url;
  }

  /**
   * The pool settings of a PostgreSQL pool, primary or replica. The driver's timeouts are defaults
   * only: parameters in a jdbc: URL win over them.
   */
  private static void usePostgres(HikariConfig hikari, PostgresUrl url, DatabasePooler pooler) {
    hikari.setJdbcUrl(pooler.jdbcUrl(url.jdbcUrl()));
    url.user().ifPresent(hikari::setUsername);
    url.password().ifPresent(hikari::setPassword);
    hikari.addDataSourceProperty("connectTimeout", CONNECT_TIMEOUT_S);
    hikari.addDataSourceProperty("socketTimeout", SOCKET_TIMEOUT_S);
    hikari.addDataSourceProperty("tcpKeepAlive", true);
    hikari.setExceptionOverride(new ReadOnlyEviction());
  }

  private static void poolTimeouts(HikariConfig hikari) {
    // No idle floor: HikariCP keeps connecting while the pool is under it, also through an outage,
    // each failure doubling its pause up to 5 s; the first requests after the outage would wait
    // that out. Without a floor it connects only for a waiting request (none while the outage is
    // answered at once), so it connects at once when the database is back. Connections are still
    // kept while in use and for idleTimeout after.
    hikari.setMinimumIdle(0);
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    hikari.setValidationTimeout(VALIDATION_TIMEOUT_MS);
    // The database answered just before (awaitDatabase); should it go away right now, the pool
    // starts anyway and the first requests find the outage, rather than a start-up failure with a
    // stack trace. A replica is not waited for: until it answers, its reads go to the primary.
    hikari.setInitializationFailTimeout(-1);
  }

  /** A read-only pool per replica host, each as large as the primary's. */
  private static ReadReplicas replicas(
      HikariDataSource primary,
      DatabaseHealth health,
      PostgresUrl url,
      Config config,
      DatabaseOptions options) {
    List<ReadReplicas.Replica> replicas = new ArrayList<>();
    for (String host : url.hosts()) {
      HikariConfig hikari = new HikariConfig();
      usePostgres(hikari, url.onHost(host), options.pooler());
      hikari.setReadOnly(true);
      poolTimeouts(hikari);
      hikari.setMaximumPoolSize(config.dbPoolSize());
      hikari.setPoolName("nexus-db-read-" + (replicas.size() + 1));
      replicas.add(new ReadReplicas.Replica(host, new HikariDataSource(hikari)));
    }
    LOG.info(
        "reads of history, companion chats and the character list may go to {} (DATABASE_READ_URL)",
        url);
    return new ReadReplicas(primary, health::isUp, replicas, options.readMaxLagMs());
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

  /**
   * Runs a read that must see every write this node made for {@code key} ({@link #roomKey}, {@link
   * #userKey}, {@link #tableKey}): on a replica that has replayed them (DATABASE_READ_URL), else on
   * the primary. A replica that fails the read hands it to the primary: the caller sees no replica
   * error. Blocking.
   */
  public <T> T read(String key, Query<T> query) throws SQLException {
    if (replicas.isPresent()) {
      Optional<ReadReplicas.Replica> replica = replicas.get().choose(key);
      if (replica.isPresent()) {
        try (Connection c = replica.get().pool.getConnection()) {
          return query.run(c);
        } catch (SQLException e) {
          replicas.get().failed(replica.get(), e);
        }
      }
    }
    try (Connection c = connection()) {
      return query.run(c);
    }
  }

  /**
   * Called after a commit on {@code connection}: reads for these keys wait for a replica that has
   * replayed it. One query when there are replicas, nothing otherwise. Blocking; never throws.
   */
  public void wrote(Connection connection, Collection<String> keys) {
    replicas.ifPresent(r -> r.wrote(connection, keys));
  }

  /**
   * As {@link #wrote(Connection, Collection)}; the keys are worked out only when there are
   * replicas.
   */
  public void wrote(Connection connection, Supplier<Collection<String>> keys) {
    replicas.ifPresent(r -> r.wrote(connection, keys.get()));
  }

  public static String roomKey(String roomId) {
    return "room:" + roomId;
  }

  public static String userKey(String userId) {
    return "user:" + userId;
  }

  /** For a table every user reads the same way (the character list). */
  public static String tableKey(String table) {
    return "table:" + table;
  }

  /** Reads served by a replica, and by the primary while replicas are set, since the start. */
  public long replicaReads() {
    return replicas.map(ReadReplicas::replicaReads).orElse(0L);
  }

  public long primaryReads() {
    return replicas.map(ReadReplicas::primaryReads).orElse(0L);
  }

  /** Per replica host: 1 while it serves reads, 0 while it is down or too far behind. */
  public Map<String, BooleanSupplier> replicaStates() {
    Map<String, BooleanSupplier> states = new LinkedHashMap<>();
    replicas.ifPresent(
        r -> r.replicas().forEach(replica -> states.put(replica.name, () -> r.inUse(replica))));
    return states;
  }

  @Override
  public void close() {
    replicas.ifPresent(ReadReplicas::close);
    health.close();
    dataSource.close();
  }
}
