package chat.nexus.store;

import chat.nexus.config.Settings;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * What stands between DATABASE_URL and PostgreSQL (DATABASE_POOLER).
 *
 * <p>A transaction-mode pooler (PgBouncer's {@code pool_mode = transaction}, Supabase's Supavisor
 * on port 6543) lends a PostgreSQL backend to a client for one transaction, then to another client:
 * anything a connection leaves on its backend past a transaction is gone from the next one, or
 * found by a stranger. What this server would leave:
 *
 * <ul>
 *   <li>pgjdbc's named server-side prepared statements ({@code S_1}, ...), made once a statement
 *       has run prepareThreshold (5) times on a connection: the next transaction's backend answers
 *       "prepared statement "S_1" does not exist", or "already exists" where another client made
 *       its own S_1. PgBouncer 1.21+ can track protocol-level prepared statements itself
 *       (max_prepared_statements), older ones and poolers without that cannot; {@code
 *       prepareThreshold=0} keeps pgjdbc on the unnamed statement, which lives for one round trip.
 *   <li>Flyway's migration lock: a session-level advisory lock would stay on whichever backend took
 *       it, and the unlock could go to another. Flyway takes it with pg_advisory_xact_lock inside a
 *       transaction by default on PostgreSQL; this mode says so explicitly, so that a changed
 *       default cannot bring the session lock back.
 * </ul>
 *
 * <p>Nothing else of this server outlives a transaction: no SET, LISTEN, temporary table or session
 * lock, and the pool changes no connection settings but autocommit (client-side in pgjdbc). Flyway
 * may put the schema it migrates in front of a backend's search_path (a session setting it resets
 * afterwards, perhaps on another backend): that schema is already the first existing one of the
 * search_path, so names resolve as before. The search_path cannot come with the connection:
 * pgjdbc's {@code currentSchema} is a startup parameter PgBouncer does not pass on, so the tables
 * live in the user's default search_path.
 */
public enum DatabasePooler {
  /** A direct connection or a session-mode pooler: a connection keeps its backend. */
  NONE,
  /** A transaction-mode pooler: each transaction may run on another backend. */
  TRANSACTION;

  /**
   * Supabase's pooler host suffix, and the port of its transaction mode (its session mode is on
   * 5432 of the same host).
   */
  static final String SUPABASE_POOLER_HOST = ".pooler.supabase.com";

  static final int SUPABASE_TRANSACTION_PORT = 6543;

  /** How pgjdbc names its server-side prepared statements, in PostgreSQL's messages. */
  private static final Pattern NAMED_STATEMENT = Pattern.compile("prepared statement \"S_\\d+\"");

  private static final Pattern HOST_AND_PORT =
      Pattern.compile("^[a-z:]*//(?:[^/@]*@)?([^/:?]+)(?::(\\d+))?", Pattern.CASE_INSENSITIVE);

  /**
   * DATABASE_POOLER ({@code none} or {@code transaction}); unset, {@code transaction} for the
   * transaction mode of Supabase's pooler (port 6543 of a *.pooler.supabase.com DATABASE_URL) and
   * {@code none} otherwise. A problem line when it is bad, or set for the embedded database.
   */
  static DatabasePooler fromEnv(Settings settings) {
    String databaseUrl = settings.raw("DATABASE_URL");
    String value = settings.raw("DATABASE_POOLER");
    if (value == null) {
      return isSupabaseTransactionPooler(databaseUrl) ? TRANSACTION : NONE;
    }
    DatabasePooler pooler;
    switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> pooler = NONE;
      case "transaction" -> pooler = TRANSACTION;
      default -> {
        settings.problem("DATABASE_POOLER must be none or transaction, got '" + value + "'");
        return NONE;
      }
    }
    if (pooler == TRANSACTION && databaseUrl == null) {
      settings.problem("DATABASE_POOLER=transaction needs a PostgreSQL DATABASE_URL");
    }
    return pooler;
  }

  static boolean isSupabaseTransactionPooler(String databaseUrl) {
    if (databaseUrl == null) {
      return false;
    }
    Matcher m = HOST_AND_PORT.matcher(databaseUrl.replaceFirst("^jdbc:", ""));
    return m.find()
        && m.group(1).toLowerCase(Locale.ROOT).endsWith(SUPABASE_POOLER_HOST)
        && m.group(2) != null
        && Integer.parseInt(m.group(2)) == SUPABASE_TRANSACTION_PORT;
  }

  /**
   * The PostgreSQL JDBC URL to connect with: in transaction mode with {@code prepareThreshold=0},
   * unless the URL sets prepareThreshold itself (a pooler that tracks prepared statements may allow
   * more). In the URL rather than the pool's properties, so that the migrations' own connections
   * and the start-up check get it too.
   */
  String jdbcUrl(String jdbcUrl) {
    if (this == NONE || jdbcUrl.toLowerCase(Locale.ROOT).contains("preparethreshold=")) {
      return jdbcUrl;
    }
    return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "prepareThreshold=0";
  }

  /** Flyway's settings for this mode. */
  FluentConfiguration migrations(FluentConfiguration flyway) {
    return this == NONE
        ? flyway
        : flyway.configuration(Map.of("flyway.postgresql.transactional.lock", "true"));
  }

  /**
   * A failure's message, with what to do when it names one of pgjdbc's server-side statements
   * ({@code S_1}, ...): behind a transaction-mode pooler that means DATABASE_POOLER is missing.
   */
  static String withHint(String reason) {
    return NAMED_STATEMENT.matcher(reason).find()
        ? reason + " (is DATABASE_URL a transaction-mode pooler? set DATABASE_POOLER=transaction)"
        : reason;
  }

  /** For the start-up line and errors: empty, or how the connections go. */
  public String description() {
    return this == NONE ? "" : ", through a transaction-mode pooler";
  }
}
