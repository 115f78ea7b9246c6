package chat.nexus.store;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database can be reached. The first failure that says it cannot (a refused or broken
 * connection, a server shutting down) turns the state to down: from then on every request that
 * needs the database is answered UNAVAILABLE at once, without waiting for the pool, and one probe
 * at a time checks the database in the background; the first probe that gets an answer turns the
 * state back to up. One log line when an outage starts, one when it ends, none per request.
 */
public final class DatabaseHealth implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseHealth.class);

  /** How often a down database is tried: sends succeed again within this of its return. */
  static final long PROBE_INTERVAL_MS = 250;

  /**
   * What clients are told to wait in an outage. A PostgreSQL restart or fail-over takes seconds;
   * asking every client back each second would mostly double the refusals.
   */
  public static final long OUTAGE_RETRY_AFTER_S = 2;

  /** What clients are told to wait when the database is reachable but every connection is taken. */
  public static final long BUSY_RETRY_AFTER_S = 1;

  static final String OUTAGE_MESSAGE =
      "the server cannot reach its database right now; try again in a few seconds";
  static final String BUSY_MESSAGE = "the server is busy; try again in a moment";

  /**
   * SQLStates that mean "no database here now": PostgreSQL's admin_shutdown, crash_shutdown and
   * cannot_connect_now (starting up, shutting down, in recovery), and read_only_sql_transaction: a
   * write reached a server that is no longer the primary (its pooled connection is dropped, see
   * {@link ReadOnlyEviction}, and the next one finds the new primary). Class 08 (connection
   * exception) is checked by prefix.
   */
  private static final Set<String> SHUTDOWN_STATES =
      Set.of("57P01", "57P02", "57P03", ReadOnlyEviction.READ_ONLY_TRANSACTION);

  private static final int MAX_CAUSES = 10;

  private final String description;
  private final BooleanSupplier probe;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong downSinceNanos = new AtomicLong();
  private final AtomicLong refusedInOutage = new AtomicLong();
  private final ScheduledExecutorService prober =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "nexus-db-probe");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param description the database for the log lines, without credentials
   * @param probe a blocking round trip to the database: true when it answered
   */
  DatabaseHealth(String description, BooleanSupplier probe) {
    this.description = description;
    this.probe = probe;
  }

  public boolean isUp() {
    return !down.get();
  }

  /** Throws the outage's UNAVAILABLE at once while the database is down. */
  void check() {
    if (down.get()) {
      refusedInOutage.incrementAndGet();
      throw outage();
    }
  }

  /**
   * What to answer for a failure of database work: an outage (which this failure may start) and a
   * timed-out wait for a busy pool become UNAVAILABLE with retryAfter; anything else is returned as
   * it is.
   */
  public Throwable failed(Throwable failure) {
    if (failure instanceof ApiException) {
      return failure;
    }
    if (isConnectionFailure(failure)) {
      markDown(failure);
      return outage();
    }
    if (failure instanceof SQLTransientConnectionException) {
      return busy(); // the pool's wait timed out while the database answered: all connections busy
    }
    return failure;
  }

  static ApiException outage() {
    return new ApiException(ErrorCode.UNAVAILABLE, OUTAGE_MESSAGE, OUTAGE_RETRY_AFTER_S);
  }

  static ApiException busy() {
    return new ApiException(ErrorCode.UNAVAILABLE, BUSY_MESSAGE, BUSY_RETRY_AFTER_S);
  }

  /**
   * Whether a failure says the database cannot be reached (as opposed to refusing one statement): a
   * connection that could not be made or broke (SQLState class 08, which the PostgreSQL driver
   * gives I/O errors too), the server shutting down, or the pool timing out after its last attempt
   * to connect failed (HikariCP passes that attempt's SQLState on).
   */
  public static boolean isConnectionFailure(Throwable failure) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < MAX_CAUSES; depth++) {
      if (current instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || SHUTDOWN_STATES.contains(state))) {
          return true;
        }
        if (sql instanceof SQLNonTransientConnectionException
            || sql instanceof SQLRecoverableException) {
          return true;
        }
        if (sql.getNextException() != null
            && sql.getNextException() != sql.getCause()
            && isConnectionFailure(sql.getNextException())) {
          return true;
        }
      }
      if (depth == 0 && suppressedConnectionFailure(current)) {
        return true;
      }
      current = current.getCause();
    }
    return false;
  }

  /**
   * A failure that closing the connection added to another: the connection was closed under the
   * work, which may have failed with something else first (the PostgreSQL driver's own assertion,
   * when assertions are on).
   */
  private static boolean suppressedConnectionFailure(Throwable failure) {
    for (Throwable suppressed : failure.getSuppressed()) {
      if (suppressed instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message of a failure, for a one-line log. */
  static String reason(Throwable failure) {
    Throwable deepest = failure;
    for (int depth = 0; deepest.getCause() != null && depth < MAX_CAUSES; depth++) {
      deepest = deepest.getCause();
    }
    String message =
        deepest.getMessage() != null ? deepest.getMessage() : deepest.getClass().getSimpleName();
    int newline = message.indexOf('\n');
    return DatabasePooler.withHint(newline >= 0 ? message.substring(0, newline) : message);
  }

  private void markDown(Throwable cause) {
    if (!down.compareAndSet(false, true)) {
      refusedInOutage.incrementAndGet();
      return;
    }
    downSinceNanos.set(System.nanoTime());
    refusedInOutage.set(1);
    LOG.warn(
        "database unreachable ({}): {}; answering UNAVAILABLE and retrying every {} ms",
        description,
        reason(cause),
        PROBE_INTERVAL_MS);
    scheduleProbe();
  }

  private void scheduleProbe() {
    try {
      prober.schedule(this::probeOnce, PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: the server is stopping
    }
  }

  private void probeOnce() {
    boolean answered;
    try {
      answered = probe.getAsBoolean();
    } catch (RuntimeException e) {
      answered = false;
    }
    if (!answered) {
      scheduleProbe();
      return;
    }
    long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downSinceNanos.get());
    down.set(false);
    LOG.info(
        "database reachable again ({}) after {} ms; {} requests were answered UNAVAILABLE meanwhile",
        description,
        downMs,
        refusedInOutage.get());
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
