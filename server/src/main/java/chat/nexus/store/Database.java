package chat.nexus.store;

import chat.nexus.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The connection pool (HikariCP) and schema migrations (Flyway), on PostgreSQL (DATABASE_URL) or on an
 * embedded H2 file in PostgreSQL mode. JDBC blocks: use it from worker threads only.
 */
public final class Database implements AutoCloseable {

  /** How long a request may wait for a pooled connection before failing. */
  static final long CONNECTION_TIMEOUT_MS = 5_000;

  private final HikariDataSource dataSource;
  private final boolean postgres;

  private Database(HikariDataSource dataSource, boolean postgres) {
    this.dataSource = dataSource;
    this.postgres = postgres;
  }

  /** Opens the pool and migrates the schema. Blocking. */
  public static Database open(Config config) {
    HikariConfig hikari = new HikariConfig();
    boolean postgres;
    if (config.databaseUrl() == null) {
      Path file = Path.of(config.dataDir()).toAbsolutePath().resolve("nexus");
      // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while ChatServer.stop() (run
      // by another shutdown hook, concurrently) is still storing the queued messages; stop() closes the pool.
      hikari.setJdbcUrl("jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE");
      hikari.setUsername("sa");
      hikari.setPassword("");
      postgres = false;
    } else if (config.databaseUrl().startsWith("jdbc:")) {
      hikari.setJdbcUrl(config.databaseUrl());
      postgres = config.databaseUrl().startsWith("jdbc:postgresql:");
    } else {
      applyPostgresUrl(hikari, config.databaseUrl());
      postgres = true;
    }
    hikari.setMaximumPoolSize(config.dbPoolSize());
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    hikari.setPoolName("nexus-db");
    HikariDataSource dataSource = new HikariDataSource(hikari);
    try {
      Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new Database(dataSource, postgres);
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
        hikari.setPassword(URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
      }
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public boolean isPostgres() {
    return postgres;
  }

  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** Connections in use, for the pool gauge. */
  /** Publishes HikariCP's pool meters (hikaricp_connections_*) to a Micrometer registry; once. */
  public void bindMetrics(Object micrometerRegistry) {
    if (dataSource.getMetricRegistry() == null) {
      dataSource.setMetricRegistry(micrometerRegistry);
    }
  }

  public int activeConnections() {
    return dataSource.getHikariPoolMXBean() == null ? 0 : dataSource.getHikariPoolMXBean().getActiveConnections();
  }

  /** A cheap round trip, for /ready. Blocking. */
  public boolean isReachable() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
