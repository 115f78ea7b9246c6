package chat.nexus.store;

import chat.nexus.config.Settings;
import java.util.Map;
import java.util.Optional;

/**
 * The database settings {@link chat.nexus.config.Config} does not carry: DB_START_TIMEOUT_MS,
 * DB_QUEUE_LIMIT, DATABASE_POOLER, MESSAGE_RETENTION_DAYS, DATABASE_READ_URL and
 * DATABASE_READ_MAX_LAG_MS, read from the environment map with one line per bad value. A PostgreSQL
 * DATABASE_URL is checked here too (its host list), without its credentials in the message.
 *
 * @param startTimeoutMs how long the server keeps trying to reach the database at start before it
 *     gives up
 * @param queueLimit database tasks (reads, session and user writes) that may wait for a worker
 *     thread; more are answered UNAVAILABLE at once
 * @param pooler what stands between DATABASE_URL and PostgreSQL
 * @param messageRetentionDays on PostgreSQL, chat messages older than this many days are dropped by
 *     whole months ({@link MessagePartitions}); 0 keeps them all
 * @param readUrl the PostgreSQL replicas that serve history, companion chats and the character
 *     list, as one URL whose host list names them; empty: every read on the primary
 * @param readMaxLagMs a replica further behind the primary than this serves no reads
 */
public record DatabaseOptions(
    long startTimeoutMs,
    int queueLimit,
    DatabasePooler pooler,
    int messageRetentionDays,
    Optional<String> readUrl,
    long readMaxLagMs) {

  /**
   * A database started in the same boot (a container or unit started next to the server) usually
   * answers within seconds; a minute also covers a slow PostgreSQL recovery, and is short enough
   * that a wrong DATABASE_URL shows up while the operator is still watching.
   */
  public static final long DEFAULT_START_TIMEOUT_MS = 60_000;

  /**
   * Tasks waiting for the database workers. Sized for a burst of sign-ins, such as a node's clients
   * all reconnecting at once: each user seen for the first time is a commit of its own (on H2
   * written out before it returns, about a millisecond while the node is busy), and the official
   * clients do not retry a refused connection by themselves. A waiting task is a few hundred bytes.
   * Past this a flood is refused at once instead of delaying every history read behind it without
   * end.
   */
  public static final int DEFAULT_QUEUE_LIMIT = 10_000;

  /** Keep every message: deleting a community's history is the operator's choice, not a default. */
  public static final int KEEP_MESSAGES = 0;

  /** A hundred years: any longer is keeping them all. */
  static final int MAX_RETENTION_DAYS = 36_500;

  /**
   * A streaming replica on the same network replays within milliseconds; one that is a second
   * behind is catching up after a burst or a stall, and the primary serves its reads meanwhile. It
   * is also what a read on another node may miss: writes of the last second or so (see {@link
   * ReadReplicas}).
   */
  public static final long DEFAULT_READ_MAX_LAG_MS = 1_000;

  /**
   * Ten minutes: past that a replica is no help to a chat; the bound keeps the lag record small.
   */
  static final long MAX_READ_MAX_LAG_MS = 600_000;

  private static final String READ_URL = "DATABASE_READ_URL";

  /** The defaults overridden by the environment; ConfigException lists bad values. */
  public static DatabaseOptions fromEnv(Map<String, String> env) {
    Settings settings = new Settings(env);
    long startTimeoutMs =
        settings.wholeNumber("DB_START_TIMEOUT_MS", DEFAULT_START_TIMEOUT_MS, 0, Integer.MAX_VALUE);
    long queueLimit =
        settings.wholeNumber("DB_QUEUE_LIMIT", DEFAULT_QUEUE_LIMIT, 1, Integer.MAX_VALUE);
    DatabasePooler pooler = DatabasePooler.fromEnv(settings);
    long retentionDays =
        settings.wholeNumber("MESSAGE_RETENTION_DAYS", KEEP_MESSAGES, 0, MAX_RETENTION_DAYS);
    long readMaxLagMs =
        settings.wholeNumber(
            "DATABASE_READ_MAX_LAG_MS", DEFAULT_READ_MAX_LAG_MS, 0, MAX_READ_MAX_LAG_MS);
    String primary = settings.raw("DATABASE_URL");
    boolean postgres = primary != null && isPostgres(primary);
    if (postgres) {
      check(settings, "DATABASE_URL", primary);
    }
    Optional<String> readUrl = Optional.ofNullable(settings.raw(READ_URL));
    readUrl.ifPresent(
        url -> {
          if (!postgres) {
            settings.problem(READ_URL + " needs a PostgreSQL DATABASE_URL (the primary)");
          } else if (!isPostgres(url)) {
            settings.problem(READ_URL + " must be a postgres:// or jdbc:postgresql:// URL");
          } else {
            check(settings, READ_URL, url);
          }
        });
    settings.check();
    return new DatabaseOptions(
        startTimeoutMs, (int) queueLimit, pooler, (int) retentionDays, readUrl, readMaxLagMs);
  }

  private static boolean isPostgres(String url) {
    return url.startsWith("postgres://")
        || url.startsWith("postgresql://")
        || url.startsWith("jdbc:postgresql:");
  }

  private static void check(Settings settings, String name, String url) {
    try {
      PostgresUrl.parse(url);
    } catch (IllegalArgumentException e) {
      settings.problem(name + " " + e.getMessage());
    }
  }
}
