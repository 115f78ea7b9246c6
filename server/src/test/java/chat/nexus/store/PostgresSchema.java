package chat.nexus.store;

import chat.nexus.config.Config;
import chat.nexus.testing.Backend;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;

/**
 * A schema of its own in the test PostgreSQL ({@link Backend#POSTGRES}), dropped on close: migrated
 * to a chosen version, opened as the server opens it, and read or written with plain SQL.
 */
final class PostgresSchema implements AutoCloseable {

  /** A short wait at start: the test PostgreSQL is up or the test fails at once. */
  private static final long START_TIMEOUT_MS = 5_000;

  private static final int QUEUE_LIMIT = 100;

  private final Backend.Prepared prepared;
  private final String url;

  PostgresSchema() {
    this.prepared = Backend.POSTGRES.prepare();
    this.url = prepared.env().get("DATABASE_URL");
  }

  /** Applies the server's migrations up to {@code version} only (as an older release left it). */
  void migrateTo(String version) {
    Flyway.configure()
        .dataSource(url, null, null)
        .locations(Database.migrationLocations(true))
        .target(version)
        .load()
        .migrate();
  }

  /** The database as the server opens it (every migration applied). */
  Database open(int retentionDays) {
    return Database.open(
        Config.from(prepared.env()),
        new DatabaseOptions(
            START_TIMEOUT_MS,
            QUEUE_LIMIT,
            DatabasePooler.NONE,
            retentionDays,
            java.util.Optional.empty(),
            DatabaseOptions.DEFAULT_READ_MAX_LAG_MS));
  }

  void execute(String sql, Object... params) {
    query(sql, params);
  }

  /** The first column of every row. */
  List<Object> column(String sql, Object... params) {
    List<Object> values = new ArrayList<>();
    for (List<Object> row : query(sql, params)) {
      values.add(row.get(0));
    }
    return values;
  }

  long count(String sql, Object... params) {
    return ((Number) column(sql, params).get(0)).longValue();
  }

  /** Every row (none for a statement without results). */
  List<List<Object>> query(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        Object p = params[i];
        ps.setObject(i + 1, p instanceof Instant instant ? Sql.timestamp(instant) : p);
      }
      List<List<Object>> rows = new ArrayList<>();
      if (!ps.execute()) {
        return rows;
      }
      try (ResultSet rs = ps.getResultSet()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new AssertionError(sql + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code statements} on one connection (settings, PREPARE) and returns the last one's rows
   * as lines: an EXPLAIN's plan.
   */
  String plan(String... statements) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (int i = 0; i < statements.length - 1; i++) {
        s.execute(statements[i]);
      }
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery(statements[statements.length - 1])) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    } catch (SQLException e) {
      throw new AssertionError(String.join("; ", statements) + " failed: " + e.getMessage(), e);
    }
  }

  /** Inserts a message as any writer would (through the parent table); returns its id. */
  long insert(String roomId, String userId, String clientId, Instant createdAt) {
    return ((Number)
            column(
                    "INSERT INTO messages (room_id, user_id, text, client_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?) RETURNING id",
                    roomId,
                    userId,
                    "text of " + clientId,
                    clientId,
                    createdAt)
                .get(0))
        .longValue();
  }

  /** The partition a message is stored in. */
  String partitionOf(long id) {
    return (String) column("SELECT tableoid::regclass::text FROM messages WHERE id = ?", id).get(0);
  }

  /** The tenth day of the month {@code months} from this one (negative: past), in UTC. */
  static Instant inMonth(int months) {
    return LocalDate.now(ZoneOffset.UTC)
        .withDayOfMonth(1)
        .plusMonths(months)
        .plusDays(9)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant();
  }

  @Override
  public void close() {
    prepared.close();
  }
}
