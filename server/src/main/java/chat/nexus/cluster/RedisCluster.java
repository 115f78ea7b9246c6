package chat.nexus.cluster;

import chat.nexus.config.Config;
import chat.nexus.config.ConfigException;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.socketio.redis.RedisAdapterOptions;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO Redis adapter of the chat server, when REDIS_URL is set: every node's rooms reach
 * the clients of every other node (and of Node.js socket.io servers sharing the same Redis and
 * key).
 *
 * <p>REDIS_ADAPTER_KEY (default "socket.io", the npm adapter's) is the channel prefix;
 * REDIS_ADAPTER_SHARDED=true uses Redis 7 sharded pub/sub, as the npm createShardedAdapter.
 */
public final class RedisCluster {

  private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);

  /** How long start-up waits for Redis before going on without it (it keeps reconnecting). */
  static final long START_WAIT_MS = 3_000;

  private RedisCluster() {}

  /**
   * The adapter's options for REDIS_URL, or empty without one; bad values throw ConfigException.
   */
  public static Optional<RedisAdapterOptions> options(Config config, Map<String, String> env) {
    if (config.redisUrl() == null) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    String key = env.getOrDefault("REDIS_ADAPTER_KEY", RedisAdapterOptions.DEFAULT_KEY).trim();
    if (key.isEmpty()) {
      problems.add("REDIS_ADAPTER_KEY must not be empty");
    }
    String sharded =
        env.getOrDefault("REDIS_ADAPTER_SHARDED", "false").trim().toLowerCase(Locale.ROOT);
    if (!sharded.equals("true") && !sharded.equals("false")) {
      problems.add("REDIS_ADAPTER_SHARDED must be true or false, got '" + sharded + "'");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    try {
      return Optional.of(
          RedisAdapterOptions.builder(config.redisUrl())
              .key(key)
              .sharded(sharded.equals("true"))
              .build());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(List.of("REDIS_URL is not usable: " + e.getMessage()));
    }
  }

  /**
   * The adapter factory, waiting a little for Redis (a Redis that is down at start is no fault).
   */
  public static RedisAdapterFactory start(Vertx vertx, RedisAdapterOptions options) {
    RedisAdapterFactory redis = RedisAdapterFactory.create(vertx, options);
    try {
      redis.firstUp().await(START_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn(
          "Redis at {} is not reachable yet: starting without it (this node's clients are served; "
              + "cross-node delivery starts once it connects)",
          options.endpointDescription());
    }
    return redis;
  }
}
