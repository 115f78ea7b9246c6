package chat.nexus.store;

import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps PostgreSQL's {@code messages} and {@code companion_chat_messages} tables (partitioned by
 * month of {@code created_at}, in UTC) ready and within their retention: creates the partitions of
 * this month and the next ones ahead, moves into a new partition the rows its month left in the
 * DEFAULT partition, and, when {@code MESSAGE_RETENTION_DAYS} is set, drops the partitions whose
 * whole month is older than that, with the client id keys of the chat messages in them. Runs at
 * start and hourly on the database workers, never on an event loop. Several nodes may run it: each
 * step takes a transaction-level advisory lock, and a node that does not get it leaves the work to
 * the one that has it.
 *
 * <p>Locks on the table everyone writes stay short: a month is created as a table of its own and
 * then attached (a lock that lets reads and inserts go on); dropping a month locks the parent for a
 * catalog change only. Moving a month's rows out of DEFAULT holds inserts into DEFAULT (only rows
 * of months that have no partition) until the month is attached. Every lock wait gives up after
 * {@link #LOCK_TIMEOUT} rather than keep inserts queued behind it; the next run tries again.
 */
public final class MessagePartitions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MessagePartitions.class);

  /**
   * Months created ahead of the current one: the table stays writable into a new month even if
   * maintenance cannot run for weeks (all nodes down at the turn of a month, a lock never got).
   */
  static final int MONTHS_AHEAD = 3;

  /** Between two runs: a month is created weeks before it starts, so hourly is plenty. */
  static final long INTERVAL_MS = 3_600_000;

  /** The first run, soon after start, once the server is up. */
  static final long FIRST_RUN_MS = 1_000;

  /** How long a step waits for a table lock before it gives up until the next run. */
  static final String LOCK_TIMEOUT = "2s";

  /**
   * Runs in a row that found another node holding the maintenance lock before a warning: one such
   * run is a node maintaining at the same moment, several are a node stuck with the lock while the
   * months ahead run out and rows pile up in DEFAULT.
   */
  static final int MISSED_RUNS_WARNING = 3;

  /** Client id keys deleted per statement, so that no delete holds many row locks for long. */
  static final int DELETE_BATCH = 10_000;

  /** The tables partitioned by month; a partition is named after its table and month. */
  static final List<String> TABLES = List.of("messages", "companion_chat_messages");

  private static final DateTimeFormatter MONTH_SUFFIX = DateTimeFormatter.ofPattern("'_p'yyyy_MM");

  private static final String PARTITIONS =
      "SELECT c.relname, b.bound = 'DEFAULT',"
          + " (regexp_match(b.bound, 'FROM \\(''([^'']*)''\\)'))[1]::timestamptz,"
          + " (regexp_match(b.bound, 'TO \\(''([^'']*)''\\)'))[1]::timestamptz"
          + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,"
          + " LATERAL pg_get_expr(c.relpartbound, c.oid) AS b(bound)"
          + " WHERE i.inhparent = ?::regclass";

  /** One partition: a month, the older rows (no lower bound), or the DEFAULT one (no bounds). */
  record Partition(String name, boolean isDefault, Instant from, Instant to) {}

  private final Database database;
  private final int retentionDays;
  private Vertx vertx;
  private long timer = -1;
  private final AtomicInteger missedRuns = new AtomicInteger();

  /**
   * @param retentionDays messages older than this many days are dropped by whole months; 0 keeps
   *     them all
   */
  public MessagePartitions(Database database, int retentionDays) {
    this.database = database;
    this.retentionDays = retentionDays;
  }

  /** Runs {@link #maintain} soon on {@code blocking}, then every {@link #INTERVAL_MS}. */
  public MessagePartitions schedule(Vertx vertx, Blocking blocking) {
    this.vertx = vertx;
    this.timer = vertx.setPeriodic(FIRST_RUN_MS, INTERVAL_MS, id -> runOn(blocking));
    return this;
  }

  private void runOn(Blocking blocking) {
    blocking
        .run(() -> maintain(Instant.now()))
        .onFailure(e -> LOG.warn("message partition maintenance failed: {}", e.toString()));
  }

  /**
   * One run as of {@code now}: months created, rows moved out of DEFAULT, old months dropped.
   * Blocking. Returns false when another node held the lock at one of the steps: this node left
   * that step and the ones after it to that node.
   */
  public boolean maintain(Instant now) throws SQLException {
    boolean done = steps(now);
    if (done) {
      missedRuns.set(0);
      return true;
    }
    int missed = missedRuns.incrementAndGet();
    if (missed >= MISSED_RUNS_WARNING) {
      LOG.warn(
          "message partition maintenance found its lock held elsewhere {} runs in a row; if that"
              + " session is stuck, no months are created ahead and new rows go to DEFAULT",
          missed);
    }
    return false;
  }

  /** Runs in a row that found the lock held by another node. */
  int missedRuns() {
    return missedRuns.get();
  }

  private boolean steps(Instant now) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
        for (String table : TABLES) {
          for (int i = 0; i <= MONTHS_AHEAD; i++) {
            if (!locked(c)) {
              return false;
            }
            createMonth(c, table, month.plusMonths(i));
            c.commit();
          }
        }
        if (retentionDays > 0) {
          Instant cutoff = now.minus(retentionDays, ChronoUnit.DAYS);
          for (String table : TABLES) {
            if (!locked(c)) {
              return false;
            }
            dropBefore(c, table, cutoff);
            c.commit();
          }
          deleteClientIds(c, oldestKept(c, cutoff));
        }
        return true;
      } catch (SQLException | RuntimeException e) {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /**
   * Starts a step's transaction: its lock timeout, UTC for the bounds' text, and the schema's
   * advisory lock.
   */
  private static boolean locked(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
      s.execute("SET LOCAL TimeZone = 'UTC'");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.messages'))")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          c.rollback();
          LOG.debug("another node is maintaining the message partitions");
          return false;
        }
        return true;
      }
    }
  }

  static List<Partition> partitions(Connection c, String table) throws SQLException {
    List<Partition> partitions = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PARTITIONS)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          partitions.add(
              new Partition(
                  rs.getString(1),
                  rs.getBoolean(2),
                  instant(rs.getObject(3)),
                  instant(rs.getObject(4))));
        }
      }
    }
    return partitions;
  }

  private static Instant instant(Object value) {
    return value == null ? null : Sql.instant(value);
  }

  /**
   * Creates the month of {@code table} starting at {@code month} unless a partition covers its
   * start: empty, or with the rows of that month the DEFAULT partition holds, then attached.
   */
  private static void createMonth(Connection c, String table, LocalDate month) throws SQLException {
    Instant from = month.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = month.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<Partition> partitions = partitions(c, table);
    for (Partition p : partitions) {
      if (!p.isDefault() && (p.from() == null || !p.from().isAfter(from)) && to(p).isAfter(from)) {
        return;
      }
    }
    String name = table + month.format(MONTH_SUFFIX);
    try (Statement s = c.createStatement()) {
      for (Partition p : partitions) {
        if (p.isDefault()) {
          // An insert of this month landing in DEFAULT after the move would make the attach fail:
          // such inserts wait for the move and attach instead (inserts into other months go on).
          s.execute("LOCK TABLE " + quote(p.name()) + " IN SHARE ROW EXCLUSIVE MODE");
        }
      }
      s.execute("CREATE TABLE " + name + " (LIKE " + table + " INCLUDING DEFAULTS)");
      for (Partition p : partitions) {
        if (p.isDefault()) {
          int moved =
              s.executeUpdate(
                  "WITH moved AS (DELETE FROM "
                      + quote(p.name())
                      + " WHERE created_at >= "
                      + literal(from)
                      + " AND created_at < "
                      + literal(to)
                      + " RETURNING *) INSERT INTO "
                      + name
                      + " SELECT * FROM moved");
          if (moved > 0) {
            LOG.info("moved {} rows of {} out of the default partition", moved, name);
          }
        }
      }
      s.execute(
          "ALTER TABLE "
              + table
              + " ATTACH PARTITION "
              + name
              + " FOR VALUES FROM ("
              + literal(from)
              + ") TO ("
              + literal(to)
              + ")");
    }
    LOG.info("created partition {}", name);
  }

  private static Instant to(Partition p) {
    return p.to() == null ? Instant.MAX : p.to();
  }

  /**
   * Drops the partitions of {@code table} whose every row is older than {@code cutoff}, and deletes
   * such rows from its DEFAULT partition.
   */
  private static void dropBefore(Connection c, String table, Instant cutoff) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (Partition p : partitions(c, table)) {
        if (p.isDefault()) {
          s.executeUpdate(
              "DELETE FROM " + quote(p.name()) + " WHERE created_at < " + literal(cutoff));
        } else if (p.to() != null && !p.to().isAfter(cutoff)) {
          s.execute("DROP TABLE " + quote(p.name()));
          LOG.info("dropped partition {} (older than MESSAGE_RETENTION_DAYS)", p.name());
        }
      }
    }
  }

  /**
   * The start of the oldest chat message that may still exist: the lowest bound of the months kept,
   * or the cutoff when that is earlier (the DEFAULT partition keeps rows from there); null when the
   * partition of the older rows is kept (it has no lower bound).
   */
  private static Instant oldestKept(Connection c, Instant cutoff) throws SQLException {
    Instant oldest = cutoff;
    for (Partition p : partitions(c, "messages")) {
      if (!p.isDefault()) {
        if (p.from() == null) {
          return null;
        }
        oldest = p.from().isBefore(oldest) ? p.from() : oldest;
      }
    }
    c.commit();
    return oldest;
  }

  /** Deletes the client id keys of messages older than {@code before}, in short transactions. */
  private static void deleteClientIds(Connection c, Instant before) throws SQLException {
    deleteOlder(c, "message_client_ids", "created_at", before, "client ids");
    deleteOlder(c, "message_reactions", "message_created_at", before, "reactions");
  }

  /**
   * Deletes the rows of {@code table} that belong to messages older than {@code before}, in short
   * transactions. The names are constants of this class, never input.
   */
  private static void deleteOlder(
      Connection c, String table, String column, Instant before, String what) throws SQLException {
    if (before == null) {
      return;
    }
    c.setAutoCommit(true);
    long deleted = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM "
                + table
                + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
                + table
                + " WHERE "
                + column
                + " < ? LIMIT ?))")) {
      ps.setObject(1, Sql.timestamp(before));
      ps.setInt(2, DELETE_BATCH);
      int batch;
      do {
        batch = ps.executeUpdate();
        deleted += batch;
      } while (batch == DELETE_BATCH);
    }
    if (deleted > 0) {
      LOG.info("deleted {} {} of messages older than the retention", deleted, what);
    }
  }

  /** A timestamp literal in SQL; DDL takes no parameters. Built from an Instant, never input. */
  private static String literal(Instant instant) {
    return "'" + instant + "'::timestamptz";
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Stops the runs; one under way ends by itself. */
  @Override
  public void close() {
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
