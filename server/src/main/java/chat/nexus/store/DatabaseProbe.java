package chat.nexus.store;

import chat.nexus.retry.Backoff;
import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections of their own, made through the driver outside the pool: the wait for the database at
 * start, and the check of a database that is down.
 */
final class DatabaseProbe {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseProbe.class);

  /** Between two connection attempts at start: doubling from the first to the last. */
  static final long START_RETRY_FIRST_MS = 250;

  static final long START_RETRY_MAX_MS = 5_000;

  /** No jitter: one process waits for its own database, there is no crowd to spread. */
  private static final Backoff START_RETRY =
      new Backoff(START_RETRY_FIRST_MS, START_RETRY_MAX_MS, Backoff.Jitter.NONE);

  private DatabaseProbe() {}

  /**
   * Waits until the database gives a connection, trying again with backoff while it cannot be
   * reached, at most {@code timeoutMs}; one log line when it has to wait. A database that answers
   * with a refusal (bad password, no such database) fails at once: waiting would not change it.
   * Tries through the driver, before the pool exists: a pool would keep connecting in the
   * background and, closed while it waits between attempts, log a warning of its own.
   */
  static void awaitAtStart(HikariConfig hikari, String description, long timeoutMs) {
    Properties properties = driverProperties(hikari);
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

  /** What the pool gives the driver: its properties and the credentials. */
  static Properties driverProperties(HikariConfig hikari) {
    Properties properties = new Properties();
    properties.putAll(hikari.getDataSourceProperties());
    if (hikari.getUsername() != null) {
      properties.setProperty("user", hikari.getUsername());
    }
    if (hikari.getPassword() != null) {
      properties.setProperty("password", hikari.getPassword());
    }
    return properties;
  }

  /**
   * A connection of its own, made and closed: true when the database answered. Blocking. Not
   * through the pool: while nobody waits for a pooled connection, HikariCP stops connecting, so the
   * first request after the outage finds the pool connecting at once; a probe waiting on the pool
   * would keep its connection attempts going through the outage, each failure doubling the pause
   * before the next, up to 5 s, which would then delay the recovery by as much.
   */
  static boolean answers(String jdbcUrl, Properties properties) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, properties)) {
      return connection.isValid(Database.VALID_CHECK_S);
    } catch (SQLException e) {
      return false;
    }
  }
}
