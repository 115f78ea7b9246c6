package chat.nexus.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The server's configuration, from the environment and a {@code .env} file in the working directory
 * (the environment wins). Names and defaults are the public contract's. {@link #toString()} names
 * no secret.
 *
 * @param port listen port (PORT, default 8000)
 * @param host listen address (HOST, default 0.0.0.0)
 * @param production APP_ENV or NODE_ENV is "production"
 * @param jwtSecret HS256 secret (JWT_SECRET; random per boot in development)
 * @param jwtSecretGenerated true when the secret was made up at boot (tokens die with the process)
 * @param databaseUrl DATABASE_URL, a postgres:// or jdbc: URL; null means the embedded H2 file
 * @param dataDir where the embedded database lives (DATA_DIR, default ./data)
 * @param dbPoolSize DB_POOL_SIZE, default 20
 * @param redisUrl REDIS_URL or null
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

  /** Reads the process environment and ./.env. */
  public static Config load() {
    Map<String, String> env = new HashMap<>();
    Dotenv dotenv = Dotenv.configure().ignoreIfMissing().ignoreIfMalformed().load();
    for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
      env.put(entry.getKey(), entry.getValue());
    }
    env.putAll(System.getenv());
    return from(env);
  }

  /** Reads a map of variables; throws {@link ConfigException} listing every bad value. */
  public static Config from(Map<String, String> env) {
    Settings s = new Settings(env);
    String appEnv = s.raw("APP_ENV", "NODE_ENV");
    boolean production = appEnv != null && appEnv.equalsIgnoreCase("production");
    if (appEnv != null
        && !production
        && !appEnv.equalsIgnoreCase("development")
        && !appEnv.equalsIgnoreCase("test")) {
      s.problem("APP_ENV must be development, test or production, got '" + appEnv + "'");
    }
    int port = s.port("PORT", DEFAULT_PORT);
    String host = s.string("HOST", DEFAULT_HOST);
    String jwtSecret = s.raw("JWT_SECRET");
    boolean generated = false;
    if (jwtSecret == null) {
      if (production) {
        s.problem("JWT_SECRET is required in production");
      }
      byte[] random = new byte[GENERATED_SECRET_BYTES];
      new SecureRandom().nextBytes(random);
      jwtSecret = HexFormat.of().formatHex(random);
      generated = true;
    } else if (production && jwtSecret.length() < MIN_SECRET_LENGTH) {
      s.problem("JWT_SECRET must be at least " + MIN_SECRET_LENGTH + " characters in production");
    }
    String databaseUrl = s.raw("DATABASE_URL");
    if (databaseUrl != null
        && !databaseUrl.startsWith("jdbc:")
        && !databaseUrl.startsWith("postgres://")
        && !databaseUrl.startsWith("postgresql://")) {
      s.problem("DATABASE_URL must be a postgres:// or jdbc: URL");
    }
    String sessionSecret = s.raw("SESSION_SECRET");
    boolean sessionGenerated = false;
    if (sessionSecret == null && !production) {
      byte[] random = new byte[GENERATED_SECRET_BYTES];
      new SecureRandom().nextBytes(random);
      sessionSecret = HexFormat.of().formatHex(random);
      sessionGenerated = true;
    } else if (sessionSecret != null && production && sessionSecret.length() < MIN_SECRET_LENGTH) {
      s.problem(
          "SESSION_SECRET must be at least " + MIN_SECRET_LENGTH + " characters in production");
    }
    String logFormat =
        s.string("LOG_FORMAT", production ? "json" : "text").toLowerCase(java.util.Locale.ROOT);
    if (!logFormat.equals("json") && !logFormat.equals("text")) {
      s.problem("LOG_FORMAT must be json or text, got '" + logFormat + "'");
    }
    String redisUrl = s.raw("REDIS_URL");
    long heartbeat = s.positiveLong("PRESENCE_HEARTBEAT_MS", DEFAULT_PRESENCE_HEARTBEAT_MS);
    long presenceTtl = s.positiveLong("PRESENCE_TTL_MS", DEFAULT_PRESENCE_TTL_MS);
    if (presenceTtl <= heartbeat) {
      s.problem("PRESENCE_TTL_MS must be larger than PRESENCE_HEARTBEAT_MS (a few heartbeats)");
    }
    for (String name : List.of("REDIS_URL", "REDIS_SESSION_URL")) {
      String url = s.raw(name);
      if (url != null
          && !url.startsWith("redis://")
          && !url.startsWith("rediss://")
          && !url.startsWith("unix://")) {
        s.problem(name + " must be a redis:// or rediss:// URL");
      }
    }
    String monitoringUrl = s.raw("MONITORING_URL");
    if (monitoringUrl != null
        && !monitoringUrl.startsWith("http://")
        && !monitoringUrl.startsWith("https://")) {
      s.problem("MONITORING_URL must be an http:// or https:// URL");
    }
    try {
      new chat.nexus.ratelimit.ClientAddress(s.list("TRUST_PROXY"));
    } catch (IllegalArgumentException e) {
      s.problem(e.getMessage());
    }
    List<String> corsOrigins = s.list("CORS_ORIGINS");
    if (production && corsOrigins.isEmpty()) {
      s.problem("CORS_ORIGINS is required in production (a comma-separated list of origins)");
    }
    Config config =
        new Config(
            port,
            host,
            production,
            jwtSecret,
            generated,
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
            sessionSecret,
            sessionGenerated,
            s.raw("COOKIE_DOMAIN"),
            monitoringUrl,
            s.positiveLong("METRICS_INTERVAL_MS", DEFAULT_METRICS_INTERVAL_MS),
            heartbeat,
            presenceTtl,
            logFormat.equals("json"));
    s.check();
    return config;
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
        : "Redis " + redisUrl.replaceAll("//[^/@]*@", "//");
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
