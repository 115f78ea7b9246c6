package chat.nexus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  private static final String SECRET = "a-production-secret-of-at-least-32-characters";

  private static List<String> problems(Map<String, String> env) {
    try {
      Config.from(env);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException for " + env);
  }

  private static Map<String, String> production(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("APP_ENV", "production");
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  @Test
  void defaults() {
    Config config = Config.from(Map.of());
    assertThat(config.port()).isEqualTo(8000);
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.production()).isFalse();
    assertThat(config.jwtSecretGenerated()).isTrue();
    assertThat(config.jwtSecret()).hasSizeGreaterThanOrEqualTo(Config.MIN_SECRET_LENGTH);
    assertThat(config.databaseUrl()).isNull();
    assertThat(config.dataDir()).isEqualTo("./data");
    assertThat(config.dbPoolSize()).isEqualTo(20);
    assertThat(config.jsonLimitBytes()).isEqualTo(512 * 1024);
    assertThat(config.corsOrigins()).isEmpty();
    assertThat(config.allowGuests()).isTrue();
    assertThat(config.rateLimitMax()).isEqualTo(100);
    assertThat(config.rateLimitWindowMs()).isEqualTo(60_000);
    assertThat(config.llmApiKeys()).isEmpty();
    assertThat(config.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void generatedSecretsDifferPerBoot() {
    assertThat(Config.from(Map.of()).jwtSecret()).isNotEqualTo(Config.from(Map.of()).jwtSecret());
  }

  @Test
  void valuesAreRead() {
    Config config =
        Config.from(
            Map.of(
                "PORT",
                " 3000 ",
                "HOST",
                "127.0.0.1",
                "JWT_SECRET",
                "s3cret",
                "DB_POOL_SIZE",
                "5",
                "JSON_LIMIT",
                "1mb",
                "CORS_ORIGINS",
                "https://a.example, https://b.example,",
                "ALLOW_GUESTS",
                "false",
                "EVENT_LOOPS",
                "3",
                "LLM_API_KEYS",
                "k1,k2",
                "DATABASE_URL",
                "postgres://u:p@db:5432/chat"));
    assertThat(config.port()).isEqualTo(3000);
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.jwtSecret()).isEqualTo("s3cret");
    assertThat(config.jwtSecretGenerated()).isFalse();
    assertThat(config.dbPoolSize()).isEqualTo(5);
    assertThat(config.jsonLimitBytes()).isEqualTo(1024 * 1024);
    assertThat(config.corsOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(config.allowGuests()).isFalse();
    assertThat(config.eventLoops()).isEqualTo(3);
    assertThat(config.llmApiKeys()).containsExactly("k1", "k2");
    assertThat(config.databaseUrl()).isEqualTo("postgres://u:p@db:5432/chat");
  }

  @Test
  void sizes() {
    assertThat(Config.from(Map.of("JSON_LIMIT", "512kb")).jsonLimitBytes()).isEqualTo(512 * 1024);
    assertThat(Config.from(Map.of("JSON_LIMIT", "2MB")).jsonLimitBytes())
        .isEqualTo(2 * 1024 * 1024);
    assertThat(Config.from(Map.of("JSON_LIMIT", "100")).jsonLimitBytes()).isEqualTo(100);
    assertThat(Config.from(Map.of("JSON_LIMIT", "100b")).jsonLimitBytes()).isEqualTo(100);
  }

  @Test
  void aliases() {
    Config config =
        Config.from(
            Map.of(
                "NODE_ENV",
                "production",
                "JWT_SECRET",
                SECRET,
                "CORS_ORIGINS",
                "https://x.example",
                "VENICE_API_KEY",
                "v1",
                "VENICE_MAX_CONCURRENT",
                "7"));
    assertThat(config.production()).isTrue();
    assertThat(config.llmApiKeys()).containsExactly("v1");
    assertThat(config.llmMaxConcurrent()).isEqualTo(7);
  }

  @Test
  void badPortIsExactlyOneLine() {
    assertThat(problems(Map.of("PORT", "abc")))
        .containsExactly("PORT must be a port number, got 'abc'");
    assertThat(problems(Map.of("PORT", "70000")))
        .containsExactly("PORT must be a port number, got '70000'");
    assertThat(problems(Map.of("PORT", "-1")))
        .containsExactly("PORT must be a port number, got '-1'");
  }

  @Test
  void everyBadValueIsItsOwnLine() {
    assertThat(
            problems(
                Map.of(
                    "PORT", "abc",
                    "DB_POOL_SIZE", "0",
                    "JSON_LIMIT", "lots",
                    "ALLOW_GUESTS", "maybe",
                    "RATE_LIMIT_WINDOW_MS", "-5",
                    "EVENT_LOOPS", "two",
                    "APP_ENV", "staging",
                    "DATABASE_URL", "mysql://db/chat")))
        .containsExactlyInAnyOrder(
            "PORT must be a port number, got 'abc'",
            "DB_POOL_SIZE must be a positive whole number, got '0'",
            "JSON_LIMIT must be a size such as 512kb or 1mb, got 'lots'",
            "ALLOW_GUESTS must be true or false, got 'maybe'",
            "RATE_LIMIT_WINDOW_MS must be a positive whole number, got '-5'",
            "EVENT_LOOPS must be a positive whole number, got 'two'",
            "APP_ENV must be development, test or production, got 'staging'",
            "DATABASE_URL must be a postgres:// or jdbc: URL");
  }

  @Test
  void productionWithoutSecretOrCorsRefuses() {
    assertThat(problems(production()))
        .containsExactlyInAnyOrder(
            "JWT_SECRET is required in production",
            "CORS_ORIGINS is required in production (a comma-separated list of origins)");
    assertThat(problems(production("CORS_ORIGINS", "https://x.example")))
        .containsExactly("JWT_SECRET is required in production");
    assertThat(problems(production("JWT_SECRET", SECRET)))
        .containsExactly(
            "CORS_ORIGINS is required in production (a comma-separated list of origins)");
    assertThat(problems(production("JWT_SECRET", "short", "CORS_ORIGINS", "https://x.example")))
        .containsExactly("JWT_SECRET must be at least 32 characters in production");
  }

  @Test
  void productionWithSecretAndCorsStarts() {
    Config config =
        Config.from(production("JWT_SECRET", SECRET, "CORS_ORIGINS", "https://x.example"));
    assertThat(config.production()).isTrue();
    assertThat(config.allowGuests()).as("guests are off in production by default").isFalse();
    assertThat(
            Config.from(
                    production(
                        "JWT_SECRET",
                        SECRET,
                        "CORS_ORIGINS",
                        "https://x.example",
                        "ALLOW_GUESTS",
                        "true"))
                .allowGuests())
        .isTrue();
  }

  @Test
  void developmentSecretMayBeShort() {
    assertThat(Config.from(Map.of("APP_ENV", "development", "JWT_SECRET", "short")).jwtSecret())
        .isEqualTo("short");
  }

  @Test
  void blankValuesMeanUnset() {
    Config config = Config.from(Map.of("PORT", "  ", "JWT_SECRET", ""));
    assertThat(config.port()).isEqualTo(8000);
    assertThat(config.jwtSecretGenerated()).isTrue();
  }

  @Test
  void toStringNamesNoSecret() {
    Config config =
        Config.from(
            production(
                "JWT_SECRET",
                SECRET,
                "CORS_ORIGINS",
                "https://x.example",
                "DATABASE_URL",
                "postgres://chat:db-password-42@db.example:5432/chat?sslmode=require",
                "LLM_API_KEYS",
                "llm-key-abc,llm-key-def"));
    String text = config.toString();
    assertThat(text)
        .doesNotContain(SECRET)
        .doesNotContain("db-password-42")
        .doesNotContain("llm-key-abc")
        .doesNotContain("llm-key-def")
        .doesNotContain("sslmode");
    assertThat(text).contains("PostgreSQL").contains("db.example:5432/chat").contains("2 key(s)");

    Config generated = Config.from(Map.of());
    assertThat(generated.toString()).doesNotContain(generated.jwtSecret());
    Config jdbc =
        Config.from(
            Map.of(
                "DATABASE_URL", "jdbc:postgresql://db:5432/chat?user=u&password=jdbc-password-7"));
    assertThat(jdbc.toString()).doesNotContain("jdbc-password-7");
  }

  @Test
  void redisUrl() {
    assertThat(problems(Map.of("REDIS_URL", "localhost:6379")))
        .containsExactly("REDIS_URL must be a redis:// or rediss:// URL");
    Config config =
        Config.from(Map.of("REDIS_URL", "redis://:redis-password-9@cache.example:6380/0"));
    assertThat(config.redisUrl()).isEqualTo("redis://:redis-password-9@cache.example:6380/0");
    assertThat(config.toString()).doesNotContain("redis-password-9").contains("cache.example:6380");
    assertThat(Config.from(Map.of()).adapterDescription()).isEqualTo("in-process (single node)");
  }

  @Test
  void redisClusterAndSentinelSettings() {
    Config cluster =
        Config.from(
            Map.of(
                "REDIS_URL",
                "redis://:redis-password-9@h1:7000,redis://:redis-password-9@h2:7001"));
    assertThat(cluster.adapterDescription()).isEqualTo("Redis cluster h1:7000,h2:7001");
    assertThat(cluster.toString()).doesNotContain("redis-password-9");
    Config sentinel =
        Config.from(
            Map.of(
                "REDIS_SENTINELS",
                "s1:26379, s2:26380",
                "REDIS_MASTER_NAME",
                "main",
                "REDIS_URL",
                "redis://:redis-password-9@ignored/1"));
    assertThat(sentinel.redisUrl())
        .isEqualTo("redis-sentinel://:redis-password-9@s1:26379,s2:26380/1#main");
    assertThat(sentinel.redisSessionUrl()).isEqualTo(sentinel.redisUrl());
    assertThat(sentinel.adapterDescription())
        .isEqualTo("Redis primary 'main' via sentinels s1:26379,s2:26380");
    assertThat(sentinel.toString()).doesNotContain("redis-password-9");
    assertThat(problems(Map.of("REDIS_SENTINELS", "s1:26379")))
        .containsExactly("REDIS_SENTINELS and REDIS_MASTER_NAME go together: set both or neither");
    assertThat(problems(Map.of("REDIS_SENTINELS", "s1", "REDIS_MASTER_NAME", "m")))
        .containsExactly("REDIS_SENTINELS must be host:port,host:port..., got 's1'");
    assertThat(problems(Map.of("REDIS_URL", "redis://:redis-password-9@h1:7000,h2:7001")))
        .singleElement()
        .satisfies(
            p -> assertThat(p).startsWith("REDIS_URL is not usable").doesNotContain("password-9"));
  }

  @Test
  void configExceptionMessageIsTheLines() {
    assertThatThrownBy(() -> Config.from(Map.of("PORT", "abc", "DB_POOL_SIZE", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "PORT must be a port number, got 'abc'\nDB_POOL_SIZE must be a positive whole number, got 'x'");
  }

  @Test
  void productionSettingsHaveTheirDefaults() {
    Config dev = Config.from(Map.of());
    assertThat(dev.rateLimitEnabled()).isFalse();
    assertThat(dev.jsonLogs()).isFalse();
    assertThat(dev.sessionSecretGenerated()).isTrue();
    assertThat(dev.redisSessionUrl()).isNull();
    assertThat(dev.redisKeyPrefix()).isEqualTo("nexus:");
    assertThat(dev.llmRateLimitMax()).isEqualTo(20);
    assertThat(dev.presenceTtlMs()).isEqualTo(15_000);
    Config prod =
        Config.from(
            production(
                "JWT_SECRET",
                SECRET,
                "CORS_ORIGINS",
                "https://x.example",
                "REDIS_URL",
                "redis://r:6379"));
    assertThat(prod.rateLimitEnabled()).isTrue();
    assertThat(prod.jsonLogs()).isTrue();
    assertThat(prod.sessionSecret()).isNull(); // no cookie unless SESSION_SECRET is set
    assertThat(prod.redisSessionUrl()).isEqualTo("redis://r:6379");
    assertThat(
            Config.from(Map.of("RATE_LIMIT_ENABLED", "true", "LOG_FORMAT", "json"))
                .rateLimitEnabled())
        .isTrue();
  }

  @Test
  void badProductionSettingsAreEachALine() {
    assertThat(problems(Map.of("MONITORING_URL", "ftp://x")))
        .containsExactly("MONITORING_URL must be an http:// or https:// URL");
    assertThat(problems(Map.of("REDIS_URL", "localhost:6379")))
        .containsExactly("REDIS_URL must be a redis:// or rediss:// URL");
    assertThat(problems(Map.of("PRESENCE_HEARTBEAT_MS", "5000", "PRESENCE_TTL_MS", "5000")))
        .containsExactly(
            "PRESENCE_TTL_MS must be larger than PRESENCE_HEARTBEAT_MS (a few heartbeats)");
    assertThat(problems(Map.of("LOG_FORMAT", "xml")))
        .containsExactly("LOG_FORMAT must be json or text, got 'xml'");
    assertThat(
            problems(
                production(
                    "JWT_SECRET",
                    SECRET,
                    "CORS_ORIGINS",
                    "https://x.example",
                    "SESSION_SECRET",
                    "short")))
        .containsExactly("SESSION_SECRET must be at least 32 characters in production");
  }
}
