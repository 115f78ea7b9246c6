package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.Config;
import chat.nexus.config.ConfigException;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** REDIS_URL and the adapter's settings: checked at start, described without credentials. */
class RedisClusterTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void noRedisUrlNoAdapter() {
    assertThat(RedisCluster.options(Config.from(Map.of()), Map.of())).isEmpty();
  }

  @Test
  void badSettingsAreOneLineEach() {
    Config config = Config.from(Map.of("REDIS_URL", "redis://127.0.0.1:6379"));
    assertThatThrownBy(
            () ->
                RedisCluster.options(
                    config, Map.of("REDIS_ADAPTER_KEY", " ", "REDIS_ADAPTER_SHARDED", "maybe")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "REDIS_ADAPTER_KEY must not be empty",
                        "REDIS_ADAPTER_SHARDED must be true or false, got 'maybe'"));
  }

  @Test
  void badStreamSettingsAreOneLineEach() {
    Config config = Config.from(Map.of("REDIS_URL", "redis://127.0.0.1:6379"));
    assertThatThrownBy(
            () ->
                RedisCluster.options(
                    config,
                    Map.of(
                        "REDIS_ADAPTER", "streams",
                        "REDIS_ADAPTER_STREAM", " ",
                        "REDIS_ADAPTER_STREAM_MAXLEN", "0")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "REDIS_ADAPTER_STREAM must not be empty",
                        "REDIS_ADAPTER_STREAM_MAXLEN must be a positive number, got '0'"));
    assertThatThrownBy(() -> RedisCluster.options(config, Map.of("REDIS_ADAPTER", "kafka")))
        .hasMessage("REDIS_ADAPTER must be pubsub or streams, got 'kafka'");
  }

  @Test
  void streamsModeWithTheNpmDefaults() {
    Config config = Config.from(Map.of("REDIS_URL", "redis://127.0.0.1:6379"));
    var options =
        RedisCluster.options(config, Map.of("REDIS_ADAPTER", "streams")).orElseThrow().streams();
    assertThat(options).isPresent();
    assertThat(options.get().streamName()).isEqualTo("socket.io");
    assertThat(options.get().maxLen()).isEqualTo(10_000);
    assertThat(options.get().sessionKeyPrefix()).isEqualTo("sio:session:");
    assertThat(RedisCluster.options(config, Map.of()).orElseThrow().streams()).isEmpty();
  }

  @Test
  void describesTheAdapterWithoutThePassword() {
    Config config = Config.from(Map.of("REDIS_URL", "redis://:secret-pw-1@127.0.0.1:6379"));
    // the shared Redis needs no password: AUTH fails, and start-up goes on without it
    var redis =
        RedisCluster.start(
            vertx,
            RedisCluster.options(
                    config, Map.of("REDIS_ADAPTER_KEY", "k", "REDIS_ADAPTER_SHARDED", "true"))
                .orElseThrow());
    try {
      assertThat(redis.description())
          .isEqualTo("Redis 127.0.0.1:6379 (sharded, key 'k')")
          .doesNotContain("secret-pw-1");
    } finally {
      redis.close();
    }
  }
}
