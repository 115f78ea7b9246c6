package chat.nexus.config;

import chat.nexus.socketio.redis.RedisAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The server's core configuration, from the environment and a {@code .env} file in the working
 * directory (the environment wins: {@link Environment}); each capability reads its own options from
 * the same variables. Names and defaults are the public contract's. {@link #toString()} names no
 * secret.
 *
 * @param port listen port (PORT, default 8000)
 * @param host listen address (HOST, default 0.0.0.0)
 * @param production APP_ENV or NODE_ENV is "production"
 * @param jwtSecret HS256 secret (JWT_SECRET; random per boot in development)
 * @param jwtSecretGenerated true when the secret was made up at boot (tokens die with the process)
 * @param databaseUrl DATABASE_URL, a postgres:// or jdbc: URL; null means the embedded H2 file
 * @param dataDir where the embedded database lives (DATA_DIR, default ./data)
 * @param dbPoolSize DB_POOL_SIZE, default 20
 * @param redisUrl null, or where Redis is in a {@link RedisAddress} form: REDIS_URL (one server, or
 *     a cluster's seeds separated by commas), or REDIS_SENTINELS with REDIS_MASTER_NAME
 * @param llmApiKeys LLM_API_KEYS (alias VENICE_API_KEY); empty means the simulated provider
 * @param llmBaseUrl LLM_BASE_URL
 * @param llmModel LLM_MODEL or null for the provider's default
 * @param llmMaxConcurrent LLM_MAX_CONCURRENT (alias VENICE_MAX_CONCURRENT), default 50
 * @param rateLimitMax RATE_LIMIT_MAX, default 100
 * @param rateLimitWindowMs RATE_LIMIT_WINDOW_MS, default 60000
 * @param jsonLimitBytes JSON_LIMIT, default 512kb: largest request body and Socket.IO payload
 * @param corsOrigins CORS_ORIGINS; empty in development means any origin
 * @param allowGuests ALLOW_GUESTS, default true in development and false in production
 * @param trustProxy TRUST_PROXY addresses
 * @param eventLoops EVENT_LOOPS, HTTP server instances (default: one per core)
 * @param rateLimitEnabled RATE_LIMIT_ENABLED, default on in production and off in development
 * @param llmRateLimitMax RATE_LIMIT_LLM_MAX, default 20: companion messages per user and window
 * @param llmRateLimitWindowMs RATE_LIMIT_LLM_WINDOW_MS, default 60000
 * @param redisSessionUrl REDIS_SESSION_URL, default REDIS_URL; null keeps sessions in the database
 * @param redisKeyPrefix REDIS_KEY_PREFIX, default "nexus:": the start of every key and channel this
 *     server uses
 * @param sessionSecret SESSION_SECRET: signs the session cookie; random per boot in development;
 *     null (no cookie) in production when unset
 * @param sessionSecretGenerated true when the session secret was made up at boot
 * @param cookieDomain COOKIE_DOMAIN or null (the cookie belongs to the host that set it)
 * @param monitoringUrl MONITORING_URL or null: metrics are POSTed there as JSON every interval
 * @param metricsIntervalMs METRICS_INTERVAL_MS, default 60000: the metrics log line and push
 * @param presenceHeartbeatMs PRESENCE_HEARTBEAT_MS, default 5000: how often a node says it is alive
 *     (Redis)
 * @param presenceTtlMs PRESENCE_TTL_MS, default 15000: a node silent this long is dead and its
 *     users offline
 * @param jsonLogs LOG_FORMAT is json (default in production) rather than text
 */
public record Config(
    int port,
    String host,
    boolean production,
    String jwtSecret,
    boolean jwtSecretGenerated,
    String databaseUrl,
    String dataDir,
    int dbPoolSize,
    String redisUrl,
    List<String> llmApiKeys,
    String llmBaseUrl,
    String llmModel,
    int llmMaxConcurrent,
    int rateLimitMax,
    long rateLimitWindowMs,
    int jsonLimitBytes,
    List<String> corsOrigins,
    boolean allowGuests,
    List<String> trustProxy,
    int eventLoops,
    boolean rateLimitEnabled,
    int llmRateLimitMax,
    long llmRateLimitWindowMs,
    String redisSessionUrl,
    String redisKeyPrefix,
    String sessionSecret,
    boolean sessionSecretGenerated,
    String cookieDomain,
    String monitoringUrl,
    long metricsIntervalMs,
    long presenceHeartbeatMs,
    long presenceTtlMs,
    boolean jsonLogs) {

  public static final int DEFAULT_PORT = 8000;
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_DB_POOL_SIZE = 20;
  public static final String DEFAULT_LLM_BASE_URL = "https://api.venice.ai/api/v1";
  public static final int DEFAULT_LLM_MAX_CONCURRENT = 50;
  public static final int DEFAULT_RATE_LIMIT_MAX = 100;
  public static final long DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000;
  public static final int DEFAULT_JSON_LIMIT = 512 * 1024;

  /**
   * The LLM is the scarcest resource: a user gets a fifth of the general budget for companion
   * messages.
   */
  public static final int DEFAULT_LLM_RATE_LIMIT_MAX = 20;

  public static final long DEFAULT_LLM_RATE_LIMIT_WINDOW_MS = 60_000;
  public static final String DEFAULT_REDIS_KEY_PREFIX = "nexus:";
  public static final long DEFAULT_METRICS_INTERVAL_MS = 60_000;

  /**
   * Heartbeat and TTL: a crashed node's users go offline within TTL + one heartbeat (20 s by
   * default).
   */
  public static final long DEFAULT_PRESENCE_HEARTBEAT_MS = 5_000;

  public static final long DEFAULT_PRESENCE_TTL_MS = 15_000;

  /** HS256 wants at least 256 bits of key; a shorter secret is refused in production. */
  public static final int MIN_SECRET_LENGTH = 32;

  private static final int GENERATED_SECRET_BYTES = 32;

  private static final String REDIS_URL_EXPECTED = "a redis:// or rediss:// URL";
  private static final String[] REDIS_SCHEMES = {"redis://", "rediss://", "unix://"};
  private static final String DATABASE_URL_EXPECTED = "a postgres:// or jdbc: URL";
  private static final String[] DATABASE_SCHEMES = {"jdbc:", "postgres://", "postgresql://"};

  /**
   * Reads a map of variables (see {@link Environment}); throws {@link ConfigException} listing
   * every bad value.
   */
  public static Config from(Map<String, String> env) {
    Settings s = new Settings(env);
    boolean production = production(s);
    int port = s.port("PORT", DEFAULT_PORT);
    String host = s.string("HOST", DEFAULT_HOST);
    Secret jwtSecret = Secret.read(s, "JWT_SECRET", production, true);
    String databaseUrl = url(s, "DATABASE_URL", DATABASE_URL_EXPECTED, DATABASE_SCHEMES);
    Secret sessionSecret = Secret.read(s, "SESSION_SECRET", production, false);
    boolean jsonLogs = jsonLogs(s, production);
    PresenceTiming presence = PresenceTiming.read(s);
    String redisUrl = redisAddress(s);
    redisAddress(s, "REDIS_SESSION_URL");
    String monitoringUrl =
        url(s, "MONITORING_URL", "an http:// or https:// URL", "http://", "https://");
    List<String> corsOrigins = corsOrigins(s, production);
    Config config =
        new Config(
            port,
            host,
            production,
            jwtSecret.value(),
            jwtSecret.generated(),
            databaseUrl,
            s.string("DATA_DIR", "./data"),
            s.positiveInt(DEFAULT_DB_POOL_SIZE, "DB_POOL_SIZE"),
            redisUrl,
            s.list("LLM_API_KEYS", "VENICE_API_KEY"),
            s.string("LLM_BASE_URL", DEFAULT_LLM_BASE_URL),
            s.raw("LLM_MODEL"),
            s.positiveInt(
                DEFAULT_LLM_MAX_CONCURRENT, "LLM_MAX_CONCURRENT", "VENICE_MAX_CONCURRENT"),
            s.positiveInt(DEFAULT_RATE_LIMIT_MAX, "RATE_LIMIT_MAX"),
            s.positiveLong("RATE_LIMIT_WINDOW_MS", DEFAULT_RATE_LIMIT_WINDOW_MS),
            s.size("JSON_LIMIT", DEFAULT_JSON_LIMIT),
            corsOrigins,
            s.bool("ALLOW_GUESTS", !production),
            s.list("TRUST_PROXY"),
            s.positiveInt(Runtime.getRuntime().availableProcessors(), "EVENT_LOOPS"),
            s.bool("RATE_LIMIT_ENABLED", production),
            s.positiveInt(DEFAULT_LLM_RATE_LIMIT_MAX, "RATE_LIMIT_LLM_MAX"),
            s.positiveLong("RATE_LIMIT_LLM_WINDOW_MS", DEFAULT_LLM_RATE_LIMIT_WINDOW_MS),
            s.string("REDIS_SESSION_URL", redisUrl),
            s.string("REDIS_KEY_PREFIX", DEFAULT_REDIS_KEY_PREFIX),
            sessionSecret.value(),
            sessionSecret.generated(),
            s.raw("COOKIE_DOMAIN"),
            monitoringUrl,
            s.positiveLong("METRICS_INTERVAL_MS", DEFAULT_METRICS_INTERVAL_MS),
            presence.heartbeatMs(),
            presence.ttlMs(),
            jsonLogs);
    s.check();
    return config;
  }

  /** APP_ENV (or NODE_ENV) is "production"; development and test are the other values. */
  private static boolean production(Settings s) {
    String appEnv = s.raw("APP_ENV", "NODE_ENV");
    boolean production = appEnv != null && appEnv.equalsIgnoreCase("production");
    if (appEnv != null
        && !production
        && !appEnv.equalsIgnoreCase("development")
        && !appEnv.equalsIgnoreCase("test")) {
      s.problem("APP_ENV must be development, test or production, got '" + appEnv + "'");
    }
    return production;
  }

  /** CORS_ORIGINS: a development server takes any origin when unset; production must name them. */
  private static List<String> corsOrigins(Settings s, boolean production) {
    List<String> corsOrigins = s.list("CORS_ORIGINS");
    if (production && corsOrigins.isEmpty()) {
      s.problem("CORS_ORIGINS is required in production (a comma-separated list of origins)");
    }
    return corsOrigins;
  }

  /** PRESENCE_HEARTBEAT_MS and PRESENCE_TTL_MS: the TTL must outlast a heartbeat. */
  private record PresenceTiming(long heartbeatMs, long ttlMs) {

    static PresenceTiming read(Settings s) {
      long heartbeat = s.positiveLong("PRESENCE_HEARTBEAT_MS", DEFAULT_PRESENCE_HEARTBEAT_MS);
      long ttl = s.positiveLong("PRESENCE_TTL_MS", DEFAULT_PRESENCE_TTL_MS);
      if (ttl <= heartbeat) {
        s.problem("PRESENCE_TTL_MS must be larger than PRESENCE_HEARTBEAT_MS (a few heartbeats)");
      }
      return new PresenceTiming(heartbeat, ttl);
    }
  }

  /** LOG_FORMAT: json (the default in production) or text. */
  private static boolean jsonLogs(Settings s, boolean production) {
    String logFormat =
        s.string("LOG_FORMAT", production ? "json" : "text").toLowerCase(Locale.ROOT);
    if (!logFormat.equals("json") && !logFormat.equals("text")) {
      s.problem("LOG_FORMAT must be json or text, got '" + logFormat + "'");
    }
    return logFormat.equals("json");
  }

  /**
   * A URL variable, or null when unset; one that starts with none of {@code schemes} is refused.
   */
  /**
   * REDIS_URL (one server, or a cluster's seeds separated by commas), or the Sentinel address built
   * from REDIS_SENTINELS and REDIS_MASTER_NAME (with REDIS_URL's credentials and database): one
   * string in a {@link RedisAddress} form.
   */
  private static String redisAddress(Settings s) {
    List<String> sentinels = s.list("REDIS_SENTINELS");
    String masterName = s.raw("REDIS_MASTER_NAME");
    if (sentinels.isEmpty() != (masterName == null)) {
      s.problem("REDIS_SENTINELS and REDIS_MASTER_NAME go together: set both or neither");
      return null;
    }
    if (sentinels.isEmpty()) {
      return redisAddress(s, "REDIS_URL");
    }
    for (String sentinel : sentinels) {
      if (!sentinel.matches("[A-Za-z0-9.\\[\\]:-]+:\\d+")) {
        s.problem("REDIS_SENTINELS must be host:port,host:port..., got '" + sentinel + "'");
        return null;
      }
    }
    try {
      return RedisAddress.sentinelAddress(
          sentinels, masterName, Optional.ofNullable(s.raw("REDIS_URL")));
    } catch (IllegalArgumentException e) {
      s.problem("REDIS_URL (credentials for the sentinels) is not usable: " + e.getMessage());
      return null;
    }
  }

  /**
   * A Redis address setting, checked; the error never repeats the value (it may hold a password).
   */
  private static String redisAddress(Settings s, String name) {
    String value = s.raw(name);
    if (value != null && Arrays.stream(REDIS_SCHEMES).noneMatch(value.trim()::startsWith)) {
      s.problem(name + " must be " + REDIS_URL_EXPECTED);
    } else if (value != null) {
      try {
        RedisAddress.parse(value);
      } catch (IllegalArgumentException e) {
        s.problem(name + " is not usable: " + e.getMessage());
      }
    }
    return value;
  }

  private static String url(Settings s, String name, String expected, String... schemes) {
    String url = s.raw(name);
    if (url != null && Arrays.stream(schemes).noneMatch(url::startsWith)) {
      s.problem(name + " must be " + expected);
    }
    return url;
  }

  /**
   * A signing secret and whether it was made up at boot. Development makes one up when it is unset
   * (it dies with the process); production wants one of {@link #MIN_SECRET_LENGTH} characters or
   * more, and refuses to start without it when {@code required}.
   */
  private record Secret(String value, boolean generated) {

    /** Never the value: a record's own toString would print it. */
    @Override
    public String toString() {
      return value == null ? "Secret[none]" : "Secret[set]";
    }

    static Secret read(Settings s, String name, boolean production, boolean required) {
      String value = s.raw(name);
      if (value == null) {
        if (production && required) {
          s.problem(name + " is required in production");
        } else if (production) {
          return new Secret(null, false);
        }
        byte[] random = new byte[GENERATED_SECRET_BYTES];
        new SecureRandom().nextBytes(random);
        return new Secret(HexFormat.of().formatHex(random), true);
      }
      if (production && value.length() < MIN_SECRET_LENGTH) {
        s.problem(name + " must be at least " + MIN_SECRET_LENGTH + " characters in production");
      }
      return new Secret(value, false);
    }
  }

  /** "H2 file ./data/nexus" or "PostgreSQL host:port/db", with no credentials. */
  public String databaseDescription() {
    if (databaseUrl == null) {
      return "H2 file " + dataDir + "/nexus (embedded)";
    }
    String url = databaseUrl.replaceAll("//[^/@]*@", "//");
    int query = url.indexOf('?');
    return (url.contains("postgres") ? "PostgreSQL " : "")
        + (query > 0 ? url.substring(0, query) : url);
  }

  public String adapterDescription() {
    return redisUrl == null
        ? "in-process (single node)"
        : "Redis " + RedisAddress.parse(redisUrl).description();
  }

  public String llmDescription() {
    return llmApiKeys.isEmpty()
        ? "simulated (no LLM_API_KEYS set)"
        : llmBaseUrl + " with " + llmApiKeys.size() + " key(s)";
  }

  /** Safe to log: secrets and credentials are left out. */
  @Override
  public String toString() {
    return "Config[port="
        + port
        + ", host="
        + host
        + ", production="
        + production
        + ", database="
        + databaseDescription()
        + ", dbPoolSize="
        + dbPoolSize
        + ", adapter="
        + adapterDescription()
        + ", llm="
        + llmDescription()
        + ", jsonLimitBytes="
        + jsonLimitBytes
        + ", corsOrigins="
        + corsOrigins
        + ", allowGuests="
        + allowGuests
        + ", eventLoops="
        + eventLoops
        + ", rateLimits="
        + (rateLimitEnabled ? rateLimitMax + "/" + rateLimitWindowMs + "ms" : "off")
        + ", sessions="
        + (redisSessionUrl == null ? "database" : "Redis")
        + ", monitoring="
        + (monitoringUrl != null)
        + "]";
  }
}
