package chat.nexus.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where a test server keeps its data: the embedded H2 file (in the server's temp DATA_DIR), or the
 * real PostgreSQL at 127.0.0.1:5432, database {@code test}, in a fresh schema that is dropped
 * afterwards.
 */
public enum Backend {
  H2,
  POSTGRES;

  /** Tried in order (trust authentication; CI's PostgreSQL has one of these users). */
  private static final String[] PG_URLS = {
    "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
    "jdbc:postgresql://127.0.0.1:5432/test?user=root",
  };

  /**
   * A prepared database: the environment variables that point the server at it, and its clean-up.
   */
  public interface Prepared extends AutoCloseable {
    Map<String, String> env();

    @Override
    void close();
  }

  public Prepared prepare() {
    if (this == H2) {
      return new Prepared() {
        @Override
        public Map<String, String> env() {
          return Map.of(); // no DATABASE_URL: the H2 file under DATA_DIR
        }

        @Override
        public void close() {}
      };
    }
    String base = reachablePostgres();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(base, "CREATE SCHEMA " + schema);
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", base + "&currentSchema=" + schema);
    env.put("DB_POOL_SIZE", "4");
    return new Prepared() {
      @Override
      public Map<String, String> env() {
        return env;
      }

      @Override
      public void close() {
        execute(base, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    };
  }

  /**
   * The first PostgreSQL URL that answers, or a failure saying what to start: never a silent skip.
   */
  static String reachablePostgres() {
    StringBuilder problems = new StringBuilder();
    for (String url : PG_URLS) {
      try (Connection c = DriverManager.getConnection(url)) {
        if (c.isValid(5)) {
          return url;
        }
      } catch (SQLException e) {
        problems.append("\n  ").append(url).append(": ").append(e.getMessage());
      }
    }
    throw new AssertionError(
        "PostgreSQL is required for the storage tests and is not reachable at 127.0.0.1:5432"
            + " (database 'test', trust authentication for user postgres or root). Start it (CI's .ci/run does)."
            + problems);
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL: " + sql + " failed: " + e.getMessage(), e);
    }
  }
}
