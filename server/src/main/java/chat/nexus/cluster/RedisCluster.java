package chat.nexus.cluster;

import chat.nexus.config.Config;
import chat.nexus.config.ConfigException;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.socketio.redis.RedisAdapterOptions;
import chat.nexus.socketio.redis.RedisStreamsOptions;
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
 * REDIS_ADAPTER=streams broadcasts through a Redis stream (REDIS_ADAPTER_STREAM, trimmed to about
 * REDIS_ADAPTER_STREAM_MAXLEN entries), as npm {@code @socket.io/redis-streams-adapter}, and keeps
 * disconnected sessions in Redis, so that a client recovers on any node.
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
    Optional<RedisStreamsOptions> streams = streams(env, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    try {
      return Optional.of(
          RedisAdapterOptions.builder(config.redisUrl())
              .key(key)
              .sharded(sharded.equals("true"))
              .streams(streams.orElse(null))
              .build());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(List.of("REDIS_URL is not usable: " + e.getMessage()));
    }
  }

  /** The streams mode's settings with REDIS_ADAPTER=streams; empty with pubsub (the default). */
  private static Optional<RedisStreamsOptions> streams(
      Map<String, String> env, List<String> problems) {
    String mode = env.getOrDefault("REDIS_ADAPTER", "pubsub").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("pubsub") && !mode.equals("streams")) {
      problems.add("REDIS_ADAPTER must be pubsub or streams, got '" + mode + "'");
      return Optional.empty();
    }
    String name =
        env.getOrDefault("REDIS_ADAPTER_STREAM", RedisStreamsOptions.DEFAULT_STREAM_NAME).trim();
    String maxLen =
        env.getOrDefault(
                "REDIS_ADAPTER_STREAM_MAXLEN",
                Integer.toString(RedisStreamsOptions.DEFAULT_MAX_LEN))
            .trim();
    int entries = 0;
    try {
      entries = Integer.parseInt(maxLen);
    } catch (NumberFormatException e) {
      // reported below
    }
    if (name.isEmpty()) {
      problems.add("REDIS_ADAPTER_STREAM must not be empty");
    }
    if (entries <= 0) {
      problems.add("REDIS_ADAPTER_STREAM_MAXLEN must be a positive number, got '" + maxLen + "'");
    }
    if (!mode.equals("streams") || !problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RedisStreamsOptions.builder().streamName(name).maxLen(entries).build());
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
